"""Notebook parameters: read the annotated `parameters` cell, parse values safely, check them."""

from __future__ import annotations

import ast
import difflib
import io
import math
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .i18n import tr
from .nbfile import PARAMETERS_TAG, cells_run, load_notebook, source_text, tags

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}
_PLAIN = (bool, int, float, str, type(None), list, tuple, dict)


@dataclass(frozen=True)
class Param:
    """One notebook parameter as declared in its `parameters` cell."""

    name: str
    type: type
    default: Any
    help: str = ""


def _closest(name: str, names: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    return tr("did you mean {name!r}? ", name=match[0]) if match else ""


def unknown_name_error(name: str, valid: Iterable[str]) -> ParameterError:
    """The error for a parameter name the notebook does not declare."""
    valid = list(valid)
    return ParameterError(tr("unknown parameter {name!r}; {suggestion}valid names: {names}", name=name,
                             suggestion=_closest(name, valid), names=", ".join(valid)))


EXAMPLES: dict[type, Any] = {int: 10, float: 0.1, bool: True, str: "text"}  # a valid value of each type


def flag_fix(name: str, example: Any) -> str:
    """The fix for a value passed on the command line (lab run, papermill): the -p flag to give instead."""
    shown = str(example).lower() if isinstance(example, bool) else str(example)
    return tr("e.g. -p {name} {example}", name=name, example=shown)


def _type_error(name: str, kind: type, value: Any, fix: str | None = None) -> ParameterError:
    return ParameterError(tr("parameter {name!r} must be {kind}, got {value!r} ({got}); {fix}", name=name,
                             kind=kind.__name__, value=value, got=type(value).__name__,
                             fix=fix or flag_fix(name, EXAMPLES[kind])))


def parameters_cell(nb: Mapping[str, Any]) -> str:
    """The source of the notebook's cell tagged `parameters`."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and PARAMETERS_TAG in tags(cell):
            return source_text(cell)
    raise ParameterError(tr("the notebook has no cell tagged 'parameters'; tag its hyperparameter cell 'parameters'"))


def parse_parameters(source: str) -> dict[str, Param]:
    """Parse `name: type = literal  # help` lines into Params, in order."""
    comments = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    params: dict[str, Param] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            continue
        name = node.target.id
        kind = TYPES.get(ast.unparse(node.annotation))
        if kind is None:
            raise ParameterError(tr("parameter {name!r} has type {kind}; use int, float, str or bool", name=name,
                                    kind=ast.unparse(node.annotation)))
        params[name] = Param(name, kind, ast.literal_eval(node.value), comments.get(node.lineno, ""))
    if not params:
        raise ParameterError(tr("the parameters cell declares nothing; "
                                "write lines like 'lr: float = 0.1  # learning rate'"))
    return params


def read_parameters(path: str | Path) -> dict[str, Param]:
    """The parameters a notebook file declares, in order."""
    return parse_parameters(parameters_cell(load_notebook(path, ParameterError)))


def parse_value(param: Param, text: str) -> Any:
    """Parse command-line text into the parameter's type, without eval."""
    kind, t = param.type, text.strip()
    try:
        if kind is bool:
            low = t.lower()
            if low in ("true", "1", "yes"):
                return True
            if low in ("false", "0", "no"):
                return False
            raise ValueError
        if kind is int:
            return int(t)
        if kind is float:
            v = float(t)
            if not math.isfinite(v):
                raise ValueError
            return v
        return text
    except ValueError:
        raise _type_error(param.name, kind, text) from None


def check_value(param: Param, value: Any, fix: str | None = None) -> Any:
    """Check an already-typed value (e.g. from papermill) against the declared type; ints pass as floats."""
    kind = param.type
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind in (int, float) and isinstance(value, bool):
        raise _type_error(param.name, kind, value, fix)
    if not isinstance(value, kind) or (kind is float and not math.isfinite(value)):
        raise _type_error(param.name, kind, value, fix)
    return value


def passed_names(namespace: Mapping[str, Any]) -> set[str] | None:
    """Names papermill passed as parameters (its injected '# Parameters' cell, read from IPython's input
    history), an empty set when the notebook runs with its defaults, or None outside IPython."""
    history = cells_run(namespace)
    if history is None:
        return None
    for source in history:
        if source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return set()
            return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                    if isinstance(t, ast.Name)}
    return set()


def declared_types(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters cell's names and types: from the module's annotations, or, where the interpreter fills them
    lazily or not at all (Python 3.14, PEP 649/749), from the parameters cell's text in IPython's input history
    (the last cell before this one that declares `name: type = value` lines; papermill's injected cell follows it
    and declares nothing)."""
    annotations = namespace.get("__annotations__")
    if isinstance(annotations, Mapping) and annotations:
        return dict(annotations)
    source = _parameters_source(namespace)
    if source is not None:
        return {name: p.type for name, p in parse_parameters(source).items()}
    raise ParameterError(tr("no annotated parameters found; run the parameters cell first"))


def _parameters_source(namespace: Mapping[str, Any]) -> str | None:
    """The text of the parameters cell as last run (IPython's input history), or None outside IPython."""
    for source in cells_run(namespace) or []:
        if ":" in source:
            try:
                parse_parameters(source)
            except (ParameterError, SyntaxError, ValueError):
                continue
            return source
    return None


def cell_fix(namespace: Mapping[str, Any], name: str, kind: type, example: Any) -> str:
    """The fix for a value set in the notebook: which line of the parameters cell to change, and to what."""
    fixed = f"{name}: {kind.__name__} = {example!r}"
    source = _parameters_source(namespace)
    for number, line in enumerate((source or "").splitlines(), 1):
        if line.split(":", 1)[0].strip() == name:
            return tr("change line {line} of the parameters cell to e.g. `{fixed}`", line=number, fixed=fixed)
    return tr("set it in the parameters cell, e.g. `{fixed}`", fixed=fixed)


def check_params(
    namespace: dict[str, Any],
    positive: Iterable[str] = (),
    choices: Mapping[str, Iterable[str]] | None = None,
    at_least: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Check a notebook's parameters in its globals (names, types, ranges) and return them in order.

    Declared parameters are the annotated names of the parameters cell (see declared_types). A name passed as a
    parameter that is not declared (papermill only warns about it) is an error. Only passed names are judged, so
    re-running this cell after the notebook has made variables of its own is fine; outside IPython, any other plain
    value counts.
    """
    declared = declared_types(namespace)
    passed = passed_names(namespace)
    if passed is None:
        passed = {name for name, value in namespace.items()
                  if not name.startswith("_") and name not in _IPYTHON_NAMES and isinstance(value, _PLAIN)}
    for name in sorted(passed - set(declared)):
        raise unknown_name_error(name, declared)
    values = {}
    for name, kind in declared.items():

        def fix(example: Any, name: str = name, kind: type = kind) -> str:
            # A value papermill passed is fixed where it was passed (-p); one the notebook set, in its cell.
            return flag_fix(name, example) if name in passed else cell_fix(namespace, name, kind, example)

        value = check_value(Param(name, kind, None), namespace[name], fix(EXAMPLES.get(kind)))
        if name in positive and not value > 0:
            raise ParameterError(tr("parameter {name!r} must be > 0, got {value!r}; {fix}", name=name, value=value,
                                    fix=fix(kind(1))))
        if at_least and name in at_least and value < at_least[name]:
            raise ParameterError(tr("parameter {name!r} must be >= {least}, got {value!r}; {fix}", name=name,
                                    least=at_least[name], value=value, fix=fix(kind(at_least[name]))))
        if choices and name in choices:
            options = tuple(choices[name])
            low = value.lower()
            if low not in options:
                raise ParameterError(tr("unknown {name} {value!r}; {suggestion}choose one of: {options}; {fix}",
                                        name=name, value=value, suggestion=_closest(low, options),
                                        options=", ".join(options), fix=fix(options[0])))
            value = low
        namespace[name] = values[name] = value
    return values
