"""Whether a run's reported results match the stored ones within the tolerances of another stack."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# How far a reported result may move on another stack (library versions, CPU) and still count as the same: numbers
# within 2 % plus 1e-3 (losses near zero, rates of a few networks), everything else (flags, names, lengths) equal.
RESULT_RTOL, RESULT_ATOL = 0.02, 1e-3


def compare_results(stored: Mapping[str, Any], fresh: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Where `fresh` results differ from `stored` ones beyond the tolerances: one line each, empty when they agree."""
    problems = []
    for key, want in stored.items():
        name = f"{prefix}{key}"
        if key not in fresh:
            problems.append(f"{name}: not reported (stored {json.dumps(want)})")
        else:
            problems += _compare_value(name, want, fresh[key])
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare_value(name: str, want: Any, got: Any) -> list[str]:
    if _is_number(want) and _is_number(got):
        if abs(got - want) <= RESULT_ATOL + RESULT_RTOL * abs(want):
            return []
        return [f"{name}: {got:.4g}, stored {want:.4g} (allowed {RESULT_RTOL:.0%} + {RESULT_ATOL:g})"]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [p for i, (w, g) in enumerate(zip(want, got)) for p in _compare_value(f"{name}[{i}]", w, g)]
    if isinstance(want, dict) and isinstance(got, dict):
        return compare_results(want, got, f"{name}.")
    if type(want) is type(got) and want == got:
        return []
    return [f"{name}: {json.dumps(got)}, stored {json.dumps(want)}"]
