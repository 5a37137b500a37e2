"""The cells a grading run executes: only what the grade depends on, decided from the notebook itself.

Kept are the exercise cells (with the student's answers), the cells that call the checks, the score table, the
parameters cell and every cell that sets the kernel's language; then, recursively, for each name a kept cell reads,
the latest cell before it that binds that name. A check that reads names from the notebook without taking them
as arguments declares them (`reads(...)` on the check function, in lab_utils.exercises): they count as read by
the cell that calls it. Everything else (figures, studies, the playground) is tagged `skip-execution`, which
nbclient honours, and says so in its first line, so the executed copy shows what was not run for grading.

The analysis is by names only (AST): a cell that cannot be parsed reads nothing and binds nothing.
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from ...nbfile import EXERCISE_TAG, PARAMETERS_TAG, SCORE_TAG, source_text, tags
from .scan import python_source

SKIP_TAG = "skip-execution"  # nbclient's own tag for a cell it does not execute
SKIPPED_NOTE = "# (not run for grading: no check depends on this cell)\n"
_BUILTINS = set(dir(builtins))


def _tree(cell: Mapping[str, Any]) -> ast.Module:
    try:
        return ast.parse(python_source(source_text(cell))[0])
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def binds(tree: ast.Module) -> set[str]:
    """The names a cell binds anywhere at its top level (assignments, loops, with, imports, defs and classes)."""
    names: set[str] = set()
    for node in tree.body:
        for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [node]:
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                names.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return names


def _loads(node: ast.AST) -> set[str]:
    """Names an expression or a function body reads, less those it binds itself (comprehension variables,
    arguments and locals of a function)."""
    loads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    stores = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    stores |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
               for a in [*n.posonlyargs, *n.args, *n.kwonlyargs, n.vararg, n.kwarg] if a is not None}
    return loads - stores


def _free(statements: Sequence[ast.stmt], bound: set[str]) -> set[str]:
    """The names `statements` read before binding them themselves, in order (`bound` grows as they bind)."""
    free: set[str] = set()
    for stmt in statements:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(stmt.name)
            free |= _loads(stmt) - bound
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            free |= _loads(stmt.iter) - bound
            bound |= {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
            free |= _free(stmt.body, bound) | _free(stmt.orelse, bound)
        elif isinstance(stmt, (ast.While, ast.If)):
            free |= _loads(stmt.test) - bound
            free |= _free(stmt.body, bound) | _free(stmt.orelse, bound)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                free |= _loads(item.context_expr) - bound
                if item.optional_vars is not None:
                    bound |= {n.id for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)}
            free |= _free(stmt.body, bound)
        elif isinstance(stmt, ast.Try):
            free |= _free(stmt.body, bound)
            for handler in stmt.handlers:
                free |= (_loads(handler.type) - bound) if handler.type else set()
                bound |= {handler.name} if handler.name else set()
                free |= _free(handler.body, bound)
            free |= _free(stmt.orelse, bound) | _free(stmt.finalbody, bound)
        else:  # a simple statement: what it reads, then what it binds
            free |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} \
                - bound - _comprehension_names(stmt)
            bound |= binds(ast.Module(body=[stmt], type_ignores=[]))
    return free


def _comprehension_names(node: ast.AST) -> set[str]:
    return {n.id for c in ast.walk(node) if isinstance(c, ast.comprehension) for n in ast.walk(c.target)
            if isinstance(n, ast.Name)}


def reads(tree: ast.Module, checks: Any = None) -> set[str]:
    """The names a cell reads from the cells before it (not those it binds first itself), and the names its checks
    declare they read."""
    names = _free(tree.body, set())
    for node in ast.walk(tree):
        if checks is not None and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "check":
            names.update(getattr(getattr(checks, node.attr, None), "reads", ()))
    return names - _BUILTINS


def _is_root(cell: Mapping[str, Any], tree: ast.Module) -> bool:
    if {EXERCISE_TAG, SCORE_TAG, PARAMETERS_TAG} & set(tags(cell)):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "check" and isinstance(node.ctx, ast.Load):
            return True  # a check cell
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "language":
            return True  # the kernel's language: every line after it speaks it
    return False


def needed(nb: Mapping[str, Any], checks_module: str | None = None) -> list[str]:
    """The ids of the code cells a grading run must execute, in order."""
    checks = importlib.import_module(f"lab_utils.exercises.{checks_module}") if checks_module else None
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    trees = [_tree(c) for c in cells]
    bound = [binds(t) for t in trees]
    keep = {i for i, (c, t) in enumerate(zip(cells, trees)) if _is_root(c, t)}
    todo = sorted(keep)
    while todo:
        i = todo.pop()
        for name in reads(trees[i], checks):
            source = next((j for j in range(i - 1, -1, -1) if name in bound[j]), None)
            if source is not None and source not in keep:
                keep.add(source)
                todo.append(source)
    return [cells[i]["id"] for i in sorted(keep)]


def skip_unneeded(nb: Mapping[str, Any], checks_module: str | None) -> tuple[dict[str, Any], list[str]]:
    """A copy of the notebook whose cells that no check depends on are tagged skip-execution, with a note in
    their first line; and their ids."""
    keep = set(needed(nb, checks_module))
    out = copy.deepcopy(dict(nb))
    skipped: list[str] = []
    for cell in out["cells"]:
        if cell.get("cell_type") == "code" and cell["id"] not in keep:
            cell["metadata"]["tags"] = [*tags(cell), SKIP_TAG]
            cell["source"] = SKIPPED_NOTE + source_text(cell)
            skipped.append(cell["id"])
    return out, skipped


def cell_ids(nb: Mapping[str, Any]) -> Sequence[str]:
    """Every code cell's id, in order."""
    return [c["id"] for c in nb["cells"] if c.get("cell_type") == "code"]
