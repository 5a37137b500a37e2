"""Train many small 2-layer MLPs at once: one tensor computation, one model per seed.

Parameters are stacked along a last "model" dimension (W1: (2, H, M), b1: (H, M), W2: (H, M), b2: (M,)),
so every step is a handful of elementwise ops on (N, H*M) tensors. The math is that of notebook 03's
`MultiLayerPerceptron` (Linear, activation, Linear, sigmoid) trained with `nn.BCELoss` and `optim.SGD` /
`optim.Adam`, with the gradients derived by hand; a test checks it against per-seed `nn.Module` training.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .arguments import check_choice, check_positive, check_tensor
from .errors import LabError
from .i18n import tr

# The hidden layer's activations, by the name notebook 03's `activation` parameter gives them.
ACTIVATIONS: dict[str, type[nn.Module]] = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
OPTIMIZERS = ("sgd", "adam")
_BCE_EPS = 1e-12  # the clamp nn.BCELoss uses in its backward pass
# A prediction within 0.1 of 0.5 is a guess, not a decision: stuck networks output 0.5 +- 1e-4 on two inputs, and
# which side of 0.5 they land on changes with the last bits of float32 arithmetic (another CPU, another build).
DECISION_MARGIN = 0.1


@dataclass
class BatchResult:
    """Per-model outcome of `train_batched`: predictions (M, N), final loss (M,), and the config."""

    seeds: list[int]
    y_hat: torch.Tensor
    loss: torch.Tensor
    y: torch.Tensor
    config: dict
    params: list[torch.Tensor]  # final (W1, b1, W2, b2), models last; (W, b) when hidden == 0
    snapshots: dict[int, list[torch.Tensor]] = field(default_factory=dict)  # epoch -> params after that many steps
    history: torch.Tensor | None = None  # (epochs, M) loss before each step, when asked for

    def state_dict(self, index: int, epoch: int | None = None) -> dict[str, torch.Tensor]:
        """Model `index`'s weights under the slides' names (linear1/linear2, or linear when hidden == 0): the final
        ones, or those recorded after `epoch` steps (see `snapshots` of train_batched)."""
        if not 0 <= index < len(self.seeds):
            raise LabError(tr("index {index} is out of range; this batch has {n} models", index=index,
                              n=len(self.seeds)))
        if epoch is not None and epoch not in self.snapshots:
            raise LabError(tr("no snapshot at epoch {epoch}; recorded: {recorded} "
                              "(pass snapshots=[...] to train_batched)", epoch=epoch,
                              recorded=sorted(self.snapshots) or "-"))
        params = self.params if epoch is None else self.snapshots[epoch]
        if self.config["hidden"] == 0:
            W, b = params
            return {"linear.weight": W[:, index].reshape(1, -1).clone(), "linear.bias": b[index].reshape(1).clone()}
        W1, b1, W2, b2 = params
        return {"linear1.weight": W1[:, :, index].T.clone(), "linear1.bias": b1[:, index].clone(),
                "linear2.weight": W2[:, index].reshape(1, -1).clone(), "linear2.bias": b2[index].reshape(1).clone()}

    @property
    def max_error(self) -> torch.Tensor:
        """Largest |y_hat - y| of each model (NaN for a diverged one)."""
        return (self.y_hat - self.y.view(1, -1)).abs().max(1).values

    @property
    def all_correct(self) -> torch.Tensor:
        """Whether each model gets every point right: on the correct side of 0.5 by at least DECISION_MARGIN."""
        return self.max_error < 0.5 - DECISION_MARGIN

    def summary(self, tol: float = 5e-4) -> dict:
        """Success rate (all correct), converged rate (max error <= tol), diverged count, and how close the nearest
        model sits to each cut: `tol_margin` relative to tol, `decision_margin` in error units (inf if none)."""
        check_positive("tol", tol)
        finite = torch.isfinite(self.loss) & torch.isfinite(self.max_error)
        errors = self.max_error[finite]

        def nearest(cut: float) -> float:
            # A rate can change on another CPU only if some model sits this close to its cut.
            return (errors - cut).abs().min().item() if len(errors) else math.inf

        return {
            "models": len(self.seeds),
            "success_rate": self.all_correct.float().mean().item(),
            "converged_rate": (self.max_error <= tol).float().mean().item(),
            "diverged": int((~torch.isfinite(self.loss)).sum()),
            "median_loss": self.loss[finite].median().item() if len(errors) else float("nan"),
            "tol_margin": nearest(tol) / tol,
            "decision_margin": nearest(0.5 - DECISION_MARGIN),
        }


def init_params(seeds: Sequence[int], hidden: int, n_in: int = 2) -> list[torch.Tensor]:
    """Initial weights, models last, equal to those of Linear(n_in, hidden) then Linear(hidden, 1) built after
    manual_seed(seed): (W1, b1, W2, b2); for hidden == 0 (no hidden layer) Linear(n_in, 1): (W, b)."""
    M = len(seeds)
    shapes = [(n_in, M), (M,)] if hidden == 0 else [(n_in, hidden, M), (hidden, M), (hidden, M), (M,)]
    params = [torch.empty(s) for s in shapes]
    with torch.random.fork_rng(devices=[]):  # leave the caller's random stream untouched
        for i, seed in enumerate(seeds):
            torch.manual_seed(seed)
            if hidden == 0:
                layer = nn.Linear(n_in, 1)
                params[0][:, i], params[1][i] = layer.weight.detach()[0], layer.bias.detach()[0]
                continue
            first, second = nn.Linear(n_in, hidden), nn.Linear(hidden, 1)
            params[0][:, :, i], params[1][:, i] = first.weight.detach().T, first.bias.detach()
            params[2][:, i], params[3][i] = second.weight.detach()[0], second.bias.detach()[0]
    return params


def _bce(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # nn.BCELoss clamps each log at -100, so a saturated output gives a large but finite loss.
    return -(y * y_hat.log().clamp_min(-100) + (1 - y) * (1 - y_hat).log().clamp_min(-100)).mean(0)


def _mm(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    # A @ B as a broadcast product and a sum: BLAS kernels may pick summation orders by memory alignment,
    # which would change last bits from run to run; this reduction has one fixed order.
    return (A.unsqueeze(2) * B.unsqueeze(0)).sum(1)


def _act(z: torch.Tensor, activation: str) -> torch.Tensor:
    return z.sigmoid() if activation == "sigmoid" else z.tanh() if activation == "tanh" else z.relu()


def _checked(X: torch.Tensor, y: torch.Tensor, seeds: Sequence[int] | int, hidden: int, activation: str,
             optimizer: str, lr: float, epochs: int, snapshots: Sequence[int]) -> tuple[list[int], str, str, list[int]]:
    """train_batched's arguments checked: the seeds as a list, the activation and optimizer names, the sorted
    snapshot epochs; LabError naming the argument otherwise."""
    check_tensor("X", X, (None, None))
    check_tensor("y", y, (X.shape[0], 1))
    seeds = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seeds:
        raise LabError(tr("seeds is empty; pass a count or a list of seeds"))
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 0:
        raise LabError(tr("hidden must be an int >= 1 (or 0 for no hidden layer), got {hidden!r}; e.g. hidden=3",
                          hidden=hidden))
    activation = check_choice("activation", activation, list(ACTIVATIONS))
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    check_positive("lr", lr)
    check_positive("epochs", epochs, int)
    wanted = sorted({int(e) for e in snapshots})
    if wanted and not 0 <= wanted[0] <= wanted[-1] <= epochs:
        raise LabError(tr("snapshots must be epochs from 0 to {epochs}, got {got}", epochs=epochs, got=list(snapshots)))
    return seeds, activation, optimizer, wanted


def _gradients(Xd: torch.Tensor, yd: torch.Tensor, y_hat: torch.Tensor, a1: torch.Tensor | None,
               W2: torch.Tensor | None, activation: str) -> list[torch.Tensor]:
    """Every model's BCE gradients, by hand: through the output sigmoid as autograd computes them (with BCELoss's
    clamp), then the hidden layer (a1: (N, H, M) activations; None without a hidden layer)."""
    N, n_in = Xd.shape
    s = y_hat * (1 - y_hat)
    dz2 = (y_hat - yd) * (s / s.clamp_min(_BCE_EPS)) / N
    if a1 is None:
        return [_mm(Xd.T, dz2), dz2.sum(0)]
    H, M = a1.shape[1], a1.shape[2]
    da1 = dz2.unsqueeze(1) * W2  # (N, H, M)
    if activation == "sigmoid":
        dz1 = da1 * (a1 * (1 - a1))
    elif activation == "tanh":
        dz1 = da1 * (1 - a1 * a1)
    else:
        dz1 = da1 * (a1 > 0)
    dz1f = dz1.view(N, H * M)
    return [_mm(Xd.T, dz1f).view(n_in, H, M), dz1f.sum(0).view(H, M), (a1 * dz2.unsqueeze(1)).sum(0), dz2.sum(0)]


def train_batched(
    X: torch.Tensor, y: torch.Tensor, seeds: Sequence[int] | int, hidden: int = 3, activation: str = "sigmoid",
    optimizer: str = "sgd", lr: float = 1.0, epochs: int = 1000, device: torch.device | str | None = None,
    snapshots: Sequence[int] = (), history: bool = False,
) -> BatchResult:
    """Train one model per seed, all at once: Linear(n_in, hidden) -> activation -> Linear(hidden, 1) -> sigmoid,
    or Linear(n_in, 1) -> sigmoid (logistic regression) when hidden == 0; BCE loss, full batch.

    `snapshots` lists epochs (steps taken, 0 to epochs) at which every model's weights are recorded while it
    trains; `history` records each model's loss before every step."""
    seeds, activation, optimizer, wanted = _checked(X, y, seeds, hidden, activation, optimizer, lr, epochs, snapshots)
    N, n_in = X.shape
    device = torch.device(device) if device is not None else X.device

    H, M = hidden, len(seeds)
    params = [p.to(device) for p in init_params(seeds, hidden, n_in)]
    Xd, yd = X.to(device), y.to(device).view(N, 1)
    if H:
        W1, b1, W2, b2 = params
        W1f, b1f = W1.view(n_in, H * M), b1.view(1, H * M)  # views: updating them updates W1, b1
    else:
        W, b = params

    def forward() -> tuple[torch.Tensor, torch.Tensor | None]:
        if not H:
            return torch.sigmoid(_mm(Xd, W) + b), None
        a1 = _act(_mm(Xd, W1f) + b1f, activation).view(N, H, M)
        return torch.sigmoid((a1 * W2).sum(1) + b2), a1

    adam = optimizer == "adam"
    if adam:
        beta1, beta2, eps = 0.9, 0.999, 1e-8  # torch.optim.Adam's defaults
        m = [torch.zeros_like(p) for p in params]
        v = [torch.zeros_like(p) for p in params]

    recorded: dict[int, list[torch.Tensor]] = {}
    losses = torch.empty(epochs, M) if history else None
    with torch.no_grad():
        for epoch in range(1, epochs + 1):
            if epoch - 1 in wanted:
                recorded[epoch - 1] = [p.detach().cpu().clone() for p in params]
            y_hat, a1 = forward()  # (N, M), (N, H, M)
            if losses is not None:
                losses[epoch - 1] = _bce(y_hat, yd).cpu()
            grads = _gradients(Xd, yd, y_hat, a1, params[2] if H else None, activation)
            if not adam:
                for p, g in zip(params, grads):
                    p.add_(g, alpha=-lr)
            else:
                bc1, bc2 = 1 - beta1**epoch, 1 - beta2**epoch
                for p, g, mi, vi in zip(params, grads, m, v):
                    mi.lerp_(g, 1 - beta1)
                    vi.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    p.addcdiv_(mi, (vi.sqrt() / math.sqrt(bc2)).add_(eps), value=-lr / bc1)
        y_hat, _ = forward()
        loss = _bce(y_hat, yd)
    final = [p.detach().cpu() for p in params]
    if epochs in wanted:
        recorded[epochs] = [p.clone() for p in final]
    config = {"hidden": hidden, "activation": activation, "optimizer": optimizer, "lr": lr, "epochs": epochs}
    return BatchResult(seeds, y_hat.T.cpu(), loss.cpu(), y.detach().cpu().view(-1), config, final, recorded, losses)
