"""Throughput of lab_utils.train_batched vs the per-model eager loop (the slide's way), on the same work.

    python benchmarks/bench_batched.py [--models 1000] [--epochs 10000] [--eager-models 3]

Prints models x epochs per second for both and their ratio, and for the two ways of batching without hand-derived
gradients (autograd over the stacked parameters; torch.func's vmap of grad over one nn.Module), on fewer epochs:
why train_batched derives its gradients by hand. A benchmark, not a test: run it on a quiet machine.
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


def stacked_autograd(models: int, hidden: int, lr: float, epochs: int) -> float:
    """Seconds for the same batched forward pass with autograd computing the gradients of the stacked weights."""
    X, y = lab.gate_data("xor")
    params = [p.clone().requires_grad_(True) for p in lab.init_params(list(range(models)), hidden)]
    W1, b1, W2, b2 = params
    optimizer = optim.SGD(params, lr=lr)
    start = time.perf_counter()
    for _ in range(epochs):
        a1 = torch.sigmoid(torch.einsum("ni,ihm->nhm", X, W1) + b1)  # (N, H, M)
        y_hat = torch.sigmoid((a1 * W2).sum(1) + b2)  # (N, M)
        cost = nn.functional.binary_cross_entropy(y_hat, y.expand_as(y_hat), reduction="none").mean(0).sum()
        optimizer.zero_grad()
        cost.backward()  # each model's weights get the gradient of its own loss
        optimizer.step()
    return time.perf_counter() - start


def vmapped_grad(models: int, hidden: int, lr: float, epochs: int) -> float:
    """Seconds for torch.func: one nn.Module's loss, its grad, vmapped over the models' stacked weights."""
    from torch.func import functional_call, grad, vmap

    X, y = lab.gate_data("xor")
    net = MultiLayerPerceptron(hidden)
    params = {k: torch.stack([v.detach().clone()] * models) for k, v in net.named_parameters()}

    def loss(p, X, y):
        return nn.functional.binary_cross_entropy(functional_call(net, p, (X,)), y)

    step = vmap(grad(loss), in_dims=(0, None, None))
    start = time.perf_counter()
    for _ in range(epochs):
        grads = step(params, X, y)
        params = {k: v - lr * grads[k] for k, v in params.items()}
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=10000)
    parser.add_argument("--eager-models", type=int, default=3, help="models timed in the eager loop")
    parser.add_argument("--hidden", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5.0)
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    parser.add_argument("--candidate-epochs", type=int, default=500, help="epochs timed for the autograd candidates")
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
    work_c = args.models * args.candidate_epochs
    for name, fn in (("autograd over stacked weights", stacked_autograd), ("torch.func vmap(grad)", vmapped_grad)):
        seconds = fn(args.models, args.hidden, args.lr, args.candidate_epochs)
        print(f"{name}: {args.models} models x {args.candidate_epochs} epochs in {seconds:.2f} s = "
              f"{work_c / seconds:,.0f} model-epochs/s, {rate_b / (work_c / seconds):.1f}x slower than batched")


if __name__ == "__main__":
    main()
