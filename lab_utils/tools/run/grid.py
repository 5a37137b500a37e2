"""Parameters from the command line: names checked against the parameters cell, values parsed into their types,
the cartesian grid of a sweep, and a stable id per parameter set."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ...errors import ParameterError
from ...params import Param, parse_value, read_parameters, unknown_name_error


def resolve_params(notebook: str | Path, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check names against the notebook's parameters cell and parse text values into their declared types."""
    declared = _declared(notebook, raw)
    return {name: parse_value(declared[name], v) if isinstance(v, str) else v for name, v in raw.items()}


def _declared(notebook: str | Path, names: Iterable[str]) -> dict[str, Param]:
    """The notebook's parameters, after checking that every given name is one of them."""
    declared = read_parameters(notebook)
    for name in names:
        if name not in declared:
            raise unknown_name_error(name, declared)
    return declared


def params_id(params: Mapping[str, Any]) -> str:
    """A short stable id for a parameter set ('defaults' when empty)."""
    if not params:
        return "defaults"
    text = json.dumps(params, sort_keys=True)
    readable = "-".join(f"{k}={v}" for k, v in sorted(params.items()))
    safe = "".join(c if c.isalnum() or c in "=.-_" else "_" for c in readable)[:60]
    return f"{safe}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def parse_grid_values(param: Param, text: str) -> list[Any]:
    """Values for one swept parameter: 'a,b,c' or an integer range 'lo..hi' (inclusive)."""
    if param.type is int and ".." in text and "," not in text:
        lo, _, hi = text.partition("..")
        start, stop = parse_value(param, lo), parse_value(param, hi)
        if stop < start:
            raise ParameterError(f"empty range {text!r} for {param.name!r}; write lo..hi with lo <= hi")
        return list(range(start, stop + 1))
    values = [parse_value(param, t) for t in text.split(",") if t.strip() != ""]
    if not values:
        raise ParameterError(f"no values for {param.name!r}; write e.g. -p {param.name} 1,2,3")
    return values


def expand_grid(notebook: str | Path, raw: Mapping[str, str]) -> list[dict[str, Any]]:
    """Validate a sweep's parameters and return the cartesian grid of typed parameter sets."""
    declared = _declared(notebook, raw)
    axes = {name: parse_grid_values(declared[name], text) for name, text in raw.items()}
    return [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]
