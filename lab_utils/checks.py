"""Argument checks shared by lab_utils functions; each failure is one LabError line."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import torch

from .errors import LabError


def check_tensor(name: str, t: object, shape: Sequence[int | None], dtype: torch.dtype | None = None) -> torch.Tensor:
    """Check that `t` is a floating tensor of the given shape (None matches any size)."""
    if not isinstance(t, torch.Tensor):
        raise LabError(f"{name} must be a torch.Tensor, got {type(t).__name__}; convert it with torch.tensor(...)")
    dims = ["N" if s is None else str(s) for s in shape]
    want = f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(dims) + ")"
    if t.dim() != len(shape) or any(s is not None and s != n for s, n in zip(shape, t.shape)):
        hint = ".view(-1)" if len(shape) == 1 else f".view(-1, {shape[-1] or 1})"
        raise LabError(f"{name} must have shape {want}, got {tuple(t.shape)}; reshape it, e.g. with {hint}")
    if dtype is not None and t.dtype != dtype:
        raise LabError(f"{name} must have dtype {dtype}, got {t.dtype}; convert it with .to({dtype})")
    if dtype is None and not t.is_floating_point():
        raise LabError(f"{name} must be a floating-point tensor, got {t.dtype}; convert it with .float()")
    return t


def check_positive(name: str, value: object, kind: type = float) -> float | int:
    """Check that `value` is a finite number > 0 (an int when kind is int)."""
    ok_types = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        raise LabError(f"{name} must be a positive {kind.__name__}, got {value!r}; e.g. {name}={kind(1)!r}")
    if not math.isfinite(value) or value <= 0:
        raise LabError(f"{name} must be > 0, got {value!r}; pass a positive {kind.__name__}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Check that `value` is one of `choices` (case-insensitive) and return it lower-cased."""
    choices = tuple(choices)
    key = value.lower() if isinstance(value, str) else value
    if key not in choices:
        raise LabError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")
    return key


def check_history(history: Sequence[float], name: str = "history") -> list[float]:
    """Check that a loss history is a non-empty sequence of finite numbers."""
    values = [float(v) for v in history]
    if not values:
        raise LabError(f"{name} is empty; record at least one loss value per epoch")
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    if bad is not None:
        raise LabError(f"{name} turns {values[bad]} at epoch {bad}: training diverged; lower lr or check the data")
    return values
