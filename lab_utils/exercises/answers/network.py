"""The lecture's 2-H-1 network: the answer to notebook 03's first exercise, so it lives with the answers (a grading
run never sees it). It is the exercise's stand-in and the playground's network; lab_utils.batched trains many of
it at once under the same layer names."""

from __future__ import annotations

import torch
from torch import nn

from ...batched import ACTIVATIONS


class MultiLayerPerceptron(nn.Module):
    """The lecture's 2-H-1 network under notebook 03's layer names (linear1, activation, linear2, output): the one
    definition behind the exercise's stand-in, the playground's network and `BatchResult.state_dict`'s layout;
    train_batched computes exactly its forward pass for many seeds at once."""

    def __init__(self, hidden: int = 3, activation: str = "sigmoid"):
        super().__init__()
        self.linear1 = nn.Linear(2, hidden)
        self.activation = ACTIVATIONS[activation]()
        self.linear2 = nn.Linear(hidden, 1)
        self.output = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.linear2(self.activation(self.linear1(x))))
