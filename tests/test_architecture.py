"""The import direction of ARCHITECTURE.md, enforced: core <- notebook helpers <- tools, and no cycle among tools.

Every import counts, also those inside functions (the package imports lazily to start fast)."""

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "lab_utils"
CORE = {"errors", "i18n", "korean", "nbfile", "checks", "data", "repro", "params", "results"}
HELPERS = {"plots", "batched", "interactive", "exercises"}
ENTRY = {"__init__", "__main__"}  # the package's front door: the public API and `python -m lab_utils`


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """{module: the lab_utils modules it imports anywhere in its code}."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("lab_utils")}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("lab_utils"):
                    found.add(target)
                    # `from . import catalogs`: the names may be modules themselves
                    found |= {f"{target}.{a.name}" for a in node.names
                              if (PACKAGE.parent / f"{target}.{a.name}".replace(".", "/")).with_suffix(".py").is_file()}
        graph[name] = found - {name}
    return graph


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"  # `import lab_utils` for its __version__ or its folder: the package itself, any layer
    if parts[1] in ENTRY:
        return "entry"
    if parts[1] == "tools":
        return "tools"
    if parts[1] in HELPERS:
        return "helpers"
    assert parts[1] in CORE, f"{module}: say in ARCHITECTURE.md and here which layer it belongs to"
    return "core"


def test_every_import_points_down_the_layers():
    allowed = {"core": {"core"}, "helpers": {"core", "helpers"}, "tools": {"core", "helpers", "tools"},
               "entry": {"core", "helpers", "tools", "entry"}}
    wrong = [f"{m} ({layer(m)}) imports {t} ({layer(t)})" for m, targets in imports().items() for t in targets
             if layer(t) != "package" and layer(t) not in allowed.get(layer(m), allowed["entry"])]
    assert wrong == []


def test_no_import_cycle_among_modules():
    """Not among the tools (the issue this test came from: the runner and the cluster imported each other), nor
    anywhere else."""
    graph = imports()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt in graph and len(path) < 12:
                visit(nxt, [*path, nxt])

    for module in graph:
        visit(module, [module])
    assert sorted(set(cycles)) == []


def test_the_architecture_page_names_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    missing = [m for m in imports() if m.split(".")[-1] not in text and not m.endswith(("__init__", "__main__"))
               and m.count(".") > 0]
    assert missing == [], "describe these in ARCHITECTURE.md"
