"""Checks for notebook 01 (linear regression): the training loop, the gradients by hand, the nn.Module class."""

from __future__ import annotations

import torch
from torch import nn

from .core import (
    N_,
    Exercise,
    Fail,
    NotDone,
    as_float,
    checker,
    close,
    is_stub,
    language,  # noqa: F401  (check.language('ko') in the Korean editions)
    lend,
    tr,
)
from .core import score_table as _score_table

LOOP = Exercise("01-loop", 1, N_("the training loop"))
GRADIENTS = Exercise("01-gradients", 2, N_("gradients by hand"))
MODULE = Exercise("01-module", 3, N_("the nn.Module class"))
EXERCISES = [LOOP, GRADIENTS, MODULE]


def _start(seed: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    # The lecture's start: torch.rand(1) twice right after torch.manual_seed(seed). The caller's stream is kept.
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        return torch.rand(1, device=device), torch.rand(1, device=device)
    finally:
        torch.random.set_rng_state(state)


def _descend(W0, b0, X, y, lr, epochs, zero_grad=True, reduce="mean") -> tuple[float, float]:
    """Where the 5-line loop ends from (W0, b0); with the mistakes a student can make switched on."""
    W, b = W0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    opt = torch.optim.SGD([W, b], lr=lr)
    for _ in range(epochs):
        err = (X * W + b - y) ** 2
        cost = err.mean() if reduce == "mean" else err.sum()
        if zero_grad:
            opt.zero_grad()
        cost.backward()
        opt.step()
    return W.item(), b.item()


@checker(LOOP)
def training_loop(W, b, X, y, seed: int, lr: float, epochs: int) -> str:
    """Check W and b after the lecture's loop from its random start: one line, with a hint for each known mistake."""
    if is_stub(W) or is_stub(b):
        raise NotDone(tr("create W and b, the optimizer, and write the loop"))
    for name, t in (("W", W), ("b", b)):
        if not isinstance(t, torch.Tensor):
            raise Fail(tr("{name} must be a tensor, got {kind} — create it with torch.rand(1, ...)", name=name,
                          kind=type(t).__name__))
        if t.shape != (1,):
            raise Fail(tr("{name} has shape {shape}; the lecture's {name} is torch.rand(1): shape (1,)", name=name,
                          shape=tuple(t.shape)))
        if t.dtype != torch.float32:
            raise Fail(tr("{name} has dtype {dtype} (wrong dtype): keep float32 like X and y", name=name,
                          dtype=t.dtype))
        if t.grad_fn is not None:
            raise Fail(tr("{name} was replaced by a new tensor ({name} = {name} - ...): let optimizer.step() "
                          "update it in place", name=name))
        if not t.requires_grad:
            raise Fail(tr("{name} has no requires_grad, so autograd cannot compute {name}.grad — create it with "
                          "requires_grad=True", name=name))
    W0, b0 = _start(seed, W.device)
    now = (W.item(), b.item())
    if now == (W0.item(), b0.item()):
        if W.grad is None:
            raise Fail(tr("W and b never changed and W.grad is empty: the loop must call cost.backward() and "
                          "optimizer.step()"))
        if W.grad.abs().max().item() == 0:
            raise Fail(tr("W and b never changed and W.grad is 0: zero_grad() ran between backward() and step() — "
                          "call it before backward()"))
        raise Fail(tr("the loop never updates the weights: call optimizer.step() after cost.backward()"))
    if not all(map(lambda v: v == v and abs(v) < 1e30, now)):
        raise Fail(tr("W or b turned NaN or inf: the loss blew up — check lr (the lecture's 0.01)"))
    mistakes = {
        "": _descend(W0, b0, X, y, lr, epochs),
        N_("the gradients accumulate: backward() adds to .grad, so call optimizer.zero_grad() before cost.backward() "
        "in every epoch"): _descend(W0, b0, X, y, lr, epochs, zero_grad=False),
        N_("the cost is a sum over the samples, not the mean: use torch.mean (or loss_fn)"):
            _descend(W0, b0, X, y, lr, epochs, reduce="sum"),
    }
    for hint, (w_ref, b_ref) in mistakes.items():
        if close(now[0], w_ref) and close(now[1], b_ref):
            if hint:
                raise Fail(tr(hint))
            return tr("W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as the lecture's loop gives (still far from "
                      "W = 1, b = 0)", w=now[0], b=now[1], epochs=epochs)
    w_ref, b_ref = mistakes[""]
    raise Fail(tr("W = {w:.3f}, b = {b:.3f} after the loop, but {epochs} epochs of forward -> cost -> zero_grad -> "
                  "backward -> step with lr = {lr} from the same start give W = {w_ref:.3f}, b = {b_ref:.3f}",
                  w=now[0], b=now[1], epochs=epochs, lr=lr, w_ref=w_ref, b_ref=b_ref))


@checker(GRADIENTS)
def gradients(dW, db, W, b, X, y) -> str:
    """Check hand-derived dL/dW, dL/db of the mean squared error against the true values; name the usual slips."""
    if is_stub(dW) or is_stub(db):
        raise NotDone(tr("write dW and db with the chain rule"))
    got = {"dW": as_float("dW", dW), "db": as_float("db", db)}
    with torch.no_grad():
        Xd, yd, Wd, bd = X.detach(), y.detach(), W.detach(), b.detach()
        r = Xd * Wd + bd - yd
        n = len(Xd)
        true = {"dW": (2 / n * (Xd * r).sum()).item(), "db": (2 / n * r.sum()).item()}
        flat = Xd * Wd + bd - yd.view(-1)  # (n, 1) - (n,) broadcasts to an (n, n) table
        slips = [
            (N_("the factor 2/n is missing: the 2 comes from the square, the 1/n from the mean"),
             {"dW": (Xd * r).sum().item(), "db": r.sum().item()}),
            (N_("the factor 2 is missing: the derivative of (y_hat - y)^2 is 2 (y_hat - y)"),
             {"dW": (Xd * r).mean().item(), "db": r.mean().item()}),
            (N_("a sum instead of the mean: the loss averages over the n samples, so divide by n"),
             {"dW": (2 * (Xd * r).sum()).item(), "db": (2 * r.sum()).item()}),
            (N_("the sign is flipped: the error is (y_hat - y), not (y - y_hat)"), {k: -v for k, v in true.items()}),
            (N_("shapes (n,) and (n, 1) were mixed: y_hat - y.view(-1) broadcasts to an (n, n) table; keep both "
                "(n, 1)"),
             {"dW": (2 / n * (Xd * flat).sum()).item(), "db": (2 / n * flat.sum()).item()}),
            (N_("dW and db are swapped"), {"dW": true["db"], "db": true["dW"]}),
        ]
    if all(close(got[k], true[k]) for k in got):
        return tr("dW = {dW:.5f}, db = {db:.5f}, equal to autograd's W.grad and b.grad", dW=got["dW"], db=got["db"])
    for hint, values in slips:
        if all(close(got[k], values[k]) for k in got):
            raise Fail(tr(hint))
    wrong = next(k for k in got if not close(got[k], true[k]))
    raise Fail(tr("{name} = {value:.5f} is not the gradient of the mean squared error here; apply the chain rule to "
                  "(1/n) * sum((W x + b - y)^2)", name=wrong, value=got[wrong]))


class _StandIn(nn.Module):
    """A working LinearRegression lent to the rest of the notebook while the exercise is unfinished."""

    def __init__(self, x_in, x_out):
        super().__init__()
        self.linear = nn.Linear(x_in, x_out)

    def forward(self, x):
        return self.linear(x)


def _diagnose_module(cls) -> str:
    if is_stub(cls):
        raise NotDone(tr("until it is, the cells below use a working stand-in"))
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise Fail(tr("LinearRegression must be a class that subclasses nn.Module"))
    for x_in, x_out in ((1, 1), (2, 3)):
        model = cls(x_in, x_out)
        layer = getattr(model, "linear", None)
        if not isinstance(layer, nn.Linear):
            raise Fail(tr("keep the layer as self.linear = nn.Linear(...): the rest of the notebook reads "
                          "model.linear.weight"))
        if (layer.in_features, layer.out_features) != (x_in, x_out):
            raise Fail(tr("LinearRegression({x_in}, {x_out}) made nn.Linear({a}, {b}): pass x_in, then x_out",
                          x_in=x_in, x_out=x_out, a=layer.in_features, b=layer.out_features))
        if len(list(model.parameters())) != 2:
            raise Fail(tr("the model has {count} parameter tensors; it should have exactly the layer's weight and "
                          "bias", count=len(list(model.parameters()))))
        x = torch.rand(5, x_in)
        y_hat = model(x)
        if y_hat is Ellipsis:
            raise NotDone(tr("forward still returns ..."))
        if not isinstance(y_hat, torch.Tensor) or y_hat.shape != (5, x_out):
            shape = tuple(y_hat.shape) if isinstance(y_hat, torch.Tensor) else type(y_hat).__name__
            raise Fail(tr("forward on a batch of shape (5, {x_in}) returned {shape}; it should return "
                          "self.linear(x), of shape (5, {x_out})", x_in=x_in, x_out=x_out, shape=shape))
        with torch.no_grad():
            if not torch.allclose(y_hat, layer(x)):
                raise Fail(tr("forward should return self.linear(x) unchanged (no activation in linear regression)"))
    return tr("LinearRegression(1, 1) holds nn.Linear(1, 1) and returns its output")


def module_class(cls):
    """Check the student's LinearRegression class; return it if it works, else a working stand-in."""
    return lend(MODULE, _diagnose_module, cls, _StandIn)


def score_table() -> None:
    """The score table of notebook 01's exercises."""
    _score_table(EXERCISES)
