"""The static scan of a submission's exercise cells: what reaches into the checks' or the grader's internals, the
interpreter's import machinery and frames, processes or sockets is a flag with its line (never a pass or a fail)."""

from __future__ import annotations

import ast

# What an exercise cell has no business touching: the checks' and the grader's internals, the interpreter's
# import machinery and frames, processes and sockets. A hit is a flag in the row (never a silent pass or a fail).
FORBIDDEN_MODULES = {"builtins", "importlib", "ctypes", "gc", "inspect", "sys", "subprocess", "socket", "signal",
                     "multiprocessing", "threading", "_thread", "pickle", "marshal", "lab_utils", "operator", "types",
                     "runpy", "code", "codeop", "sysconfig", "site"}


FORBIDDEN_NAMES = {"__import__", "__builtins__", "exec", "eval", "compile", "globals", "locals", "vars", "getattr",
                   "setattr", "delattr", "get_ipython", "breakpoint", "open", "attrgetter", "methodcaller",
                   "itemgetter"}


FORBIDDEN_ATTRS = {"modules", "_getframe", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame",
                   "cr_frame", "__globals__", "__builtins__", "__subclasses__", "__code__", "__closure__", "__dict__",
                   "system", "popen", "fork", "kill", "killpg", "execv", "execve", "spawnv", "setsid", "_exit",
                   "register_post_run", "events", "run_check", "score_table", "core", "probe", "exercises", "tools",
                   "StandIn", "ANSWERS", "EXERCISES"}


INTERNAL_PREFIXES = ("given_", "verdict_", "probe_")  # the checks' functions a record could be forged with


NAMESPACES = ("check", "lab")  # the notebook's handles on the checks and on lab_utils: attribute access only

# Names a notebook binds to libraries: an assignment to an attribute of one of them (json.dumps = ...,
# torch.Tensor.backward = ...) replaces the library's function for everything in the kernel, the checks included.
LIBRARIES = {"torch", "nn", "F", "optim", "np", "numpy", "json", "os", "math", "builtins", "random", "plt",
             "matplotlib", "time", "io", "operator", "functools", "itertools", "pathlib", "lab", "check", "IPython",
             "warnings", "contextlib", "copy", "re", "sys"}

# Texts that name the machinery whatever the spelling around them: a double underscore ("__glo" + "bals__" is
# two of them), the records file and its variable.
FORBIDDEN_TEXTS = ("__", "lab_utils", "sys.modules", "records.json", "LAB_RECORDS", "LAB_PROBE_SEED")


def python_source(source: str) -> tuple[str, list[tuple[int, str]]]:
    """A cell's code with its IPython lines (%magic, !shell) blanked, and those lines with their numbers."""
    lines, magics = source.splitlines(), []
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("%", "!")):
            magics.append((i + 1, line.strip()))
            lines[i] = line[: len(line) - len(line.lstrip())] + "pass"
    return "\n".join(lines), magics


def scan(source: str, cell_id: str, allowed: set[str]) -> list[str]:
    """Flags for one submitted exercise cell: each use of what `FORBIDDEN_*` names, with its line."""
    source, magics = python_source(source)
    found: list[tuple[int, int, str]] = [(line, 0, f"IPython command {text[:40]!r}") for line, text in magics]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])  # the check reports it; nothing in it runs

    def hit(node: ast.AST, what: str) -> None:
        found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), what))

    from ... import __all__ as public  # the notebook API: the names of lab_utils/__init__.pyi

    bases = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in NAMESPACES and id(node) not in bases:
            hit(node, f"{node.id} used as a value (an alias or a new binding hides what is reached through it)")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "lab" and \
                node.attr not in public:
            hit(node, f"lab.{node.attr} (not part of lab_utils' notebook API)")
        elif isinstance(node, ast.Attribute) and node.attr.startswith(INTERNAL_PREFIXES):
            hit(node, f".{node.attr}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    hit(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in FORBIDDEN_MODULES or node.level:
                hit(node, f"from {node.module or '.'} import ...")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            hit(node, node.id)
        elif isinstance(node, ast.Attribute):
            on_check = isinstance(node.value, ast.Name) and node.value.id == "check"
            if on_check and node.attr not in allowed:
                hit(node, f"check.{node.attr} (not one of the notebook's checks)")
            elif node.attr in FORBIDDEN_ATTRS or (node.attr.startswith("_") and not node.attr.startswith("__i")
                                                   and node.attr not in ("__init__", "__name__")):
                hit(node, f".{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                any(word in node.value for word in FORBIDDEN_TEXTS):
            hit(node, f"the text {node.value[:40]!r}")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            for target in getattr(node, "targets", None) or [node.target]:
                root = _root(target)
                if isinstance(target, (ast.Attribute, ast.Subscript)) and root in LIBRARIES | imported:
                    hit(node, f"assigns to {ast.unparse(target)[:40]} (replaces what the library does for the "
                              f"whole kernel)")
    return [f"cell {cell_id} line {line}: {what}" for line, _, what in sorted(found)]


def _root(node: ast.AST) -> str | None:
    """The name an attribute or subscript chain starts from (torch in torch.Tensor.backward), if any."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
