"""Reproducibility: seeds, one thread, and the device the lab runs on."""

from __future__ import annotations

import random

import numpy as np
import torch

from .errors import LabError
from .i18n import tr


def seed_everything(seed: int) -> int:
    """Seed python, numpy and torch (CPU and CUDA) and return the seed."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise LabError(tr("seed must be a non-negative int, got {seed!r}; e.g. seed=0", seed=seed))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed


def make_deterministic(seed: int | None = None) -> None:
    """Use one CPU thread (and cuDNN's deterministic mode on a GPU) so reruns give the same bits; seed if given."""
    # One thread fixes the order of floating-point reductions; these tensors are too small to gain from more.
    torch.set_num_threads(1)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    if seed is not None:
        seed_everything(seed)


def get_device(prefer: str | None = None) -> torch.device:
    """Return `cuda` when available (or `prefer`, if given and usable), else `cpu`."""
    if prefer is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if prefer not in ("cpu", "cuda"):
        raise LabError(tr("unknown device {device!r}; choose 'cpu' or 'cuda'", device=prefer))
    if prefer == "cuda" and not torch.cuda.is_available():
        raise LabError(tr("device 'cuda' was asked for but no CUDA GPU is visible; use 'cpu' or leave it out"))
    return torch.device(prefer)


def describe_device(device: torch.device) -> str:
    """One short line naming the device, e.g. 'cpu (1 thread)' or 'cuda: NVIDIA H100'."""
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    threads = torch.get_num_threads()
    return tr("cpu ({n} thread)", n=threads) if threads == 1 else tr("cpu ({n} threads)", n=threads)
