"""Argument validation shared by lab_utils functions (not the exercises' checks: lab_utils.exercises); each failure
is one LabError line."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import torch

from .errors import LabError
from .i18n import tr


def check_tensor(name: str, t: object, shape: Sequence[int | None], dtype: torch.dtype | None = None) -> torch.Tensor:
    """Check that `t` is a floating tensor of the given shape (None matches any size)."""
    if not isinstance(t, torch.Tensor):
        raise LabError(tr("{name} must be a torch.Tensor, got {kind}; convert it with torch.tensor(...)", name=name,
                          kind=type(t).__name__))
    dims = ["N" if s is None else str(s) for s in shape]
    want = f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(dims) + ")"
    if t.dim() != len(shape) or any(s is not None and s != n for s, n in zip(shape, t.shape)):
        hint = ".view(-1)" if len(shape) == 1 else f".view(-1, {shape[-1] or 1})"
        raise LabError(tr("{name} must have shape {want}, got {shape}; reshape it, e.g. with {hint}", name=name,
                          want=want, shape=tuple(t.shape), hint=hint))
    if dtype is not None and t.dtype != dtype:
        raise LabError(tr("{name} must have dtype {dtype}, got {got}; convert it with .to({dtype})", name=name,
                          dtype=dtype, got=t.dtype))
    if dtype is None and not t.is_floating_point():
        raise LabError(tr("{name} must be a floating-point tensor, got {got}; convert it with .float()", name=name,
                          got=t.dtype))
    return t


def check_positive(name: str, value: object, kind: type = float) -> float | int:
    """Check that `value` is a finite number > 0 (an int when kind is int)."""
    ok_types = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        raise LabError(tr("{name} must be a positive {kind}, got {value!r}; e.g. {name}={one!r}", name=name,
                          kind=kind.__name__, value=value, one=kind(1)))
    if not math.isfinite(value) or value <= 0:
        raise LabError(tr("{name} must be > 0, got {value!r}; pass a positive {kind}", name=name, value=value,
                          kind=kind.__name__))
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Check that `value` is one of `choices` (case-insensitive) and return it lower-cased."""
    choices = tuple(choices)
    key = value.lower() if isinstance(value, str) else value
    if key not in choices:
        raise LabError(tr("unknown {name} {value!r}; choose one of: {options}", name=name, value=value,
                          options=", ".join(choices)))
    return key


def check_history(history: Sequence[float], name: str = "history") -> list[float]:
    """Check that a loss history is a non-empty sequence of finite numbers."""
    values = [float(v) for v in history]
    if not values:
        raise LabError(tr("{name} is empty; record at least one loss value per epoch", name=name))
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    if bad is not None:
        raise LabError(tr("{name} turns {value} at epoch {epoch}: training diverged; lower lr or check the data",
                          name=name, value=values[bad], epoch=bad))
    return values
