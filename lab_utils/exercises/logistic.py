"""Checks for notebook 02 (logistic regression): the sigmoid and its derivative, BCE by hand, training on logits."""

from __future__ import annotations

import torch
from torch import nn

from .core import (
    N_,
    Exercise,
    Fail,
    NotDone,
    checker,
    is_stub,
    language,  # noqa: F401  (check.language('ko') in the Korean editions)
    need_callable,
    tr,
)
from .core import score_table as _score_table

SIGMOID = Exercise("02-sigmoid", 1, N_("the sigmoid and its derivative"))
BCE = Exercise("02-bce", 2, N_("binary cross-entropy by hand"))
LOGITS = Exercise("02-logits", 3, N_("training on logits"))
EXERCISES = [SIGMOID, BCE, LOGITS]


def _tensor_out(name: str, out: object, shape: tuple[int, ...]) -> torch.Tensor:
    if out is Ellipsis or out is None:
        raise NotDone(tr("{name} returns {value}", name=name, value=repr(out)))
    if not isinstance(out, torch.Tensor):
        raise Fail(tr("{name} must return a tensor, got {kind}", name=name, kind=type(out).__name__))
    if out.dtype != torch.float32:
        raise Fail(tr("{name} returned dtype {dtype} (wrong dtype): keep float32", name=name, dtype=out.dtype))
    if tuple(out.shape) != shape:
        raise Fail(tr("{name} returned shape {got} for an input of shape {shape}: work element by element, keeping "
                      "the shape", name=name, got=tuple(out.shape), shape=shape))
    return out.detach()


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and bool(torch.isfinite(a).all()) and torch.allclose(a, b, rtol=1e-4, atol=1e-6)


@checker(SIGMOID)
def sigmoid(sigmoid_fn, derivative_fn) -> str:
    """Check sigma(z) = 1 / (1 + e^-z) and sigma'(z) = sigma(z)(1 - sigma(z)) on a grid of z."""
    need_callable("sigmoid", sigmoid_fn)
    z = torch.linspace(-6, 6, 25)
    s = _tensor_out("sigmoid", sigmoid_fn(z.clone()), (25,))
    true = torch.sigmoid(z)
    if not _same(s, true):
        for hint, wrong in [
            (N_("the sign in the exponent: sigma(z) = 1 / (1 + e^(-z)); with e^(+z) the curve is mirrored"),
             torch.sigmoid(-z)),
            (N_("that is tanh(z); the sigmoid is 1 / (1 + e^(-z)), between 0 and 1"), torch.tanh(z)),
            (N_("that is e^(-z) / (1 + e^(-z)) = 1 - sigma(z); the numerator is 1"), 1 - true),
            (N_("that is 1 + e^(-z); the sigmoid is its reciprocal, 1 / (1 + e^(-z))"), 1 + torch.exp(-z)),
        ]:
            if _same(s, wrong):
                raise Fail(tr(hint))
        raise Fail(tr("sigmoid(0) = {s0:.4f} and sigmoid(2) = {s2:.4f}, but they should be 0.5000 and {t2:.4f}: "
                      "sigma(z) = 1 / (1 + e^(-z))", s0=s[12].item(), s2=s[16].item(), t2=true[16].item()))
    if is_stub(derivative_fn):
        raise NotDone(tr("sigmoid is right; now write sigmoid_derivative"))
    need_callable("sigmoid_derivative", derivative_fn)
    d = _tensor_out("sigmoid_derivative", derivative_fn(z.clone()), (25,))
    true_d = true * (1 - true)
    if not _same(d, true_d):
        for hint, wrong in [
            (N_("apply the formula to sigma(z), not to z itself"), z * (1 - z)),
            (N_("a sign: sigma'(z) = sigma(z) * (1 - sigma(z)), not sigma(z) * (1 + sigma(z))"), true * (1 + true)),
            (N_("that is tanh's derivative, 1 - tanh(z)^2; the sigmoid's is sigma(z) * (1 - sigma(z))"),
             1 - torch.tanh(z) ** 2),
            (N_("that is 1 - sigma(z)^2; the sigmoid's derivative is sigma(z) * (1 - sigma(z))"), 1 - true ** 2),
            (N_("that is the sigmoid itself; its derivative is sigma(z) * (1 - sigma(z))"), true),
        ]:
            if _same(d, wrong):
                raise Fail(tr(hint))
        raise Fail(tr("sigmoid_derivative(0) = {d0:.4f}; it should be 0.2500, the largest slope of the sigmoid",
                      d0=d[12].item()))
    return tr("sigma(0) = 0.5 and sigma'(0) = 0.25, equal to torch.sigmoid and autograd everywhere on [-6, 6]")


@checker(BCE)
def bce(bce_fn) -> str:
    """Check a hand-written binary cross-entropy against nn.BCELoss on predictions of shape (4, 1)."""
    need_callable("bce", bce_fn)
    y_hat = torch.tensor([[0.2], [0.35], [0.6], [0.9]])
    y = torch.tensor([[0.0], [0.0], [0.0], [1.0]])
    out = bce_fn(y_hat.clone(), y.clone())
    if out is Ellipsis or out is None:
        raise NotDone(tr("{name} returns {value}", name="bce", value=repr(out)))
    if not isinstance(out, torch.Tensor):
        raise Fail(tr("{name} must return a tensor, got {kind}", name="bce", kind=type(out).__name__))
    true = nn.BCELoss()(y_hat, y)
    per_sample = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())
    if out.numel() != 1:
        if out.shape == (4, 4):
            raise Fail(tr("the result has shape (4, 4): y of shape (4,) against y_hat of shape (4, 1) broadcasts to "
                          "a table — keep both (4, 1)"))
        raise Fail(tr("the result has shape {shape}: average the per-sample losses to one number with .mean()",
                      shape=tuple(out.shape)))
    value = out.detach().reshape(()).float()
    if torch.allclose(value, true, rtol=1e-4):
        return tr("{value:.4f}, equal to nn.BCELoss()", value=value.item())
    flat = -(y.view(-1) * y_hat.log() + (1 - y.view(-1)) * (1 - y_hat).log())  # (4,) against (4, 1)
    for hint, wrong in [
        (N_("a sum instead of the mean: divide by the number of samples (use .mean())"), per_sample.sum()),
        (N_("the minus sign is missing: log of a probability is negative, the loss must be positive"),
         -per_sample.mean()),
        (N_("shapes (4,) and (4, 1) were mixed and broadcast to a (4, 4) table: keep y and y_hat both (4, 1)"),
         flat.mean()),
        (N_("only the y log(y_hat) term is there; add (1 - y) log(1 - y_hat) for the samples whose target is 0"),
         -(y * y_hat.log()).mean()),
        (N_("only the (1 - y) log(1 - y_hat) term is there; add y log(y_hat) for the samples whose target is 1"),
         -((1 - y) * (1 - y_hat).log()).mean()),
    ]:
        if torch.allclose(value, wrong, rtol=1e-4):
            raise Fail(tr(hint))
    if not torch.isfinite(value):
        raise Fail(tr("the loss is inf or NaN: take the logs of y_hat and 1 - y_hat (predictions), not of y "
                      "(targets)"))
    raise Fail(tr("bce gives {value:.4f} but nn.BCELoss gives {true:.4f} on the same predictions: -(y log y_hat + "
                  "(1 - y) log(1 - y_hat)), averaged", value=value.item(), true=true.item()))


def _simulate(model: nn.Module, X, y, lr, epochs, mode: str) -> torch.Tensor:
    """Weights after `epochs` steps from the model's current weights, trained the way `mode` says."""
    layer = nn.Linear(X.shape[1], 1).to(X.device)
    layer.load_state_dict(model.linear.state_dict())
    opt = torch.optim.SGD(layer.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        logits = layer(X)
        cost = loss_fn(torch.sigmoid(logits) if mode == "sigmoid-first" else logits, y)
        if mode != "no-zero-grad":
            opt.zero_grad()
        cost.backward()
        opt.step()
    return torch.cat([layer.weight.detach().view(-1), layer.bias.detach().view(-1)])


@checker(LOGITS)
def train_on_logits(train_fn, model_class) -> str:
    """Call the student's train_on_logits on a fresh model for a few epochs and compare with the known outcomes."""
    need_callable("train_on_logits", train_fn)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [0.0], [0.0], [1.0]])
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(0)
        model = model_class(2, 1)
    finally:
        torch.random.set_rng_state(state)
    if not isinstance(getattr(model, "linear", None), nn.Linear):
        raise Fail(tr("the model class must keep its layer as self.linear (notebook 02's LogisticRegression)"))
    lr, epochs = 0.5, 20
    start = torch.cat([model.linear.weight.detach().view(-1), model.linear.bias.detach().view(-1)])
    expected = {mode: _simulate(model, X, y, lr, epochs, mode) for mode in ("right", "sigmoid-first", "no-zero-grad")}
    train_fn(model, X.clone(), y.clone(), lr, epochs)
    now = torch.cat([model.linear.weight.detach().view(-1), model.linear.bias.detach().view(-1)])
    if not torch.isfinite(now).all():
        raise Fail(tr("the weights turned NaN or inf: the loss blew up"))
    if torch.equal(now, start):
        raise Fail(tr("the loop never updates the model's weights: optimizer.zero_grad(), cost.backward(), "
                      "optimizer.step() on the model you are given"))

    def near(v):
        return torch.allclose(now, v, rtol=1e-4, atol=1e-6)

    if near(expected["right"]):
        return tr("{epochs} epochs of BCEWithLogitsLoss on the logits move the weights as expected", epochs=epochs)
    if near(expected["sigmoid-first"]):
        raise Fail(tr("a sigmoid is applied before BCEWithLogitsLoss, which applies its own: pass the logits "
                      "model.linear(X), not probabilities"))
    if near(expected["no-zero-grad"]):
        raise Fail(tr("the gradients accumulate: call optimizer.zero_grad() before cost.backward() in every epoch"))
    raise Fail(tr("after {epochs} epochs at lr = {lr} the weights are {now}, but forward on the logits -> "
                  "BCEWithLogitsLoss -> zero_grad -> backward -> step gives {right}", epochs=epochs, lr=lr,
                  now=[round(v, 4) for v in now.tolist()], right=[round(v, 4) for v in expected["right"].tolist()]))


def score_table() -> None:
    """The score table of notebook 02's exercises."""
    _score_table(EXERCISES)
