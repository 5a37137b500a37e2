"""Throughput of lab_utils.train_batched vs the per-model eager loop (the slide's way), on the same work.

    python benchmarks/bench_batched.py [--models 1000] [--epochs 10000] [--eager-models 3]

Prints models x epochs per second for both and their ratio. A benchmark, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn, optim

import lab_utils as lab


class MultiLayerPerceptron(nn.Module):
    def __init__(self, hidden: int = 3):
        super().__init__()
        self.linear1 = nn.Linear(2, hidden)
        self.activation = nn.Sigmoid()
        self.linear2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.linear2(self.activation(self.linear1(x))))


def eager(seeds: list[int], hidden: int, lr: float, epochs: int) -> float:
    """Seconds to train each seed's model one after another, the slide's way."""
    X, y = lab.gate_data("xor")
    start = time.perf_counter()
    for seed in seeds:
        torch.manual_seed(seed)
        model = MultiLayerPerceptron(hidden)
        optimizer = optim.SGD(model.parameters(), lr=lr)
        loss_fn = nn.BCELoss()
        for _ in range(epochs):
            y_hat = model(X)
            cost = loss_fn(y_hat, y)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=10000)
    parser.add_argument("--eager-models", type=int, default=3, help="models timed in the eager loop")
    parser.add_argument("--hidden", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5.0)
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = lab.gate_data("xor")

    lab.train_batched(X, y, 8, args.hidden, optimizer=args.optimizer, lr=args.lr, epochs=50)  # warm-up
    start = time.perf_counter()
    result = lab.train_batched(X, y, args.models, args.hidden, optimizer=args.optimizer, lr=args.lr,
                               epochs=args.epochs)
    t_batched = time.perf_counter() - start
    t_eager = eager(list(range(args.eager_models)), args.hidden, args.lr, args.epochs)

    work_batched, work_eager = args.models * args.epochs, args.eager_models * args.epochs
    rate_b, rate_e = work_batched / t_batched, work_eager / t_eager
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread, hidden={args.hidden}, {args.optimizer}")
    print(f"batched: {args.models} models x {args.epochs} epochs in {t_batched:.2f} s = {rate_b:,.0f} model-epochs/s"
          f"  (success rate {100 * result.summary()['success_rate']:.1f} %)")
    print(f"eager:   {args.eager_models} models x {args.epochs} epochs in {t_eager:.2f} s = "
          f"{rate_e:,.0f} model-epochs/s"
          f"  ({1e6 * t_eager / work_eager:.0f} us per epoch)")
    print(f"ratio:   {rate_b / rate_e:,.0f}x")


if __name__ == "__main__":
    main()
