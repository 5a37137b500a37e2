"""The lecture's toy data sets as float32 tensors."""

from __future__ import annotations

import torch

from .arguments import check_choice

# Truth tables in the order (0,0), (0,1), (1,0), (1,1), as on the slides.
GATES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}


def linear_data(device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """The linear lab's three points: X = y = [[1], [2], [3]], shapes (3, 1)."""
    X = torch.tensor([[1.0], [2.0], [3.0]], device=device)
    return X, X.clone()


def gate_data(gate: str, device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Truth table of a logic gate (and, or, nand, xor): X of shape (4, 2), y of shape (4, 1)."""
    gate = check_choice("gate", gate, GATES)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], device=device)
    y = torch.tensor(GATES[gate], dtype=torch.float32, device=device).view(4, 1)
    return X, y
