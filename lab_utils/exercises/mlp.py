"""Checks for notebook 03 (XOR): the MultiLayerPerceptron class, the forward pass by hand, a reliable configuration."""

from __future__ import annotations

import math

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
    lend,
    tr,
)
from .core import score_table as _score_table

MLP = Exercise("03-mlp", 1, N_("the MultiLayerPerceptron class"))
FORWARD = Exercise("03-forward", 2, N_("the forward pass by hand"))
CONFIG = Exercise("03-config", 3, N_("a configuration that works on 99 % of seeds"))
EXERCISES = [MLP, FORWARD, CONFIG]
ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
CONFIG_MODELS, CONFIG_EPOCHS, CONFIG_RATE = 500, 1000, 0.99


class _StandIn(nn.Module):
    """A working 2-H-1 network lent to the rest of the notebook while the exercise is unfinished."""

    def __init__(self, hidden=3, activation="sigmoid"):
        super().__init__()
        self.linear1 = nn.Linear(2, hidden)
        self.activation = {"sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "relu": nn.ReLU()}[activation]
        self.linear2 = nn.Linear(hidden, 1)
        self.output = nn.Sigmoid()

    def forward(self, x):
        return self.output(self.linear2(self.activation(self.linear1(x))))


def _diagnose_mlp(cls) -> str:
    if is_stub(cls):
        raise NotDone(tr("until it is, the cells below use a working stand-in"))
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise Fail(tr("MultiLayerPerceptron must be a class that subclasses nn.Module"))
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.3, 0.8]])
    for hidden, activation in ((3, "sigmoid"), (8, "tanh"), (4, "relu")):
        model = cls(hidden, activation)
        l1, l2 = getattr(model, "linear1", None), getattr(model, "linear2", None)
        if not (isinstance(l1, nn.Linear) and isinstance(l2, nn.Linear)):
            raise Fail(tr("keep the layers as self.linear1 and self.linear2 (nn.Linear): the reliability study loads "
                          "weights under these names"))
        if (l1.in_features, l1.out_features, l2.in_features, l2.out_features) != (2, hidden, hidden, 1):
            raise Fail(tr("MultiLayerPerceptron({hidden}, ...) has linear1 {a}->{b} and linear2 {c}->{d}; a "
                          "2-{hidden}-1 network needs 2->{hidden} and {hidden}->1", hidden=hidden,
                          a=l1.in_features, b=l1.out_features, c=l2.in_features, d=l2.out_features))
        y_hat = model(X)
        if y_hat is Ellipsis or y_hat is None:
            raise NotDone(tr("{name} returns {value}", name="forward", value=repr(y_hat)))
        if not isinstance(y_hat, torch.Tensor) or y_hat.shape != (5, 1):
            shape = tuple(y_hat.shape) if isinstance(y_hat, torch.Tensor) else type(y_hat).__name__
            raise Fail(tr("forward on 5 inputs of shape (5, 2) returned {shape}; it should return (5, 1)",
                          shape=shape))
        with torch.no_grad():
            y_hat = y_hat.detach()
            act = ACTIVATIONS[activation]
            right = torch.sigmoid(l2(act(l1(X))))
            if torch.allclose(y_hat, right, atol=1e-6):
                continue
            for hint, wrong in [
                (N_("the output has no sigmoid: apply it to z2 so that y_hat is a probability for BCELoss"),
                 l2(act(l1(X)))),
                (N_("the hidden layer has no activation: two linear layers in a row are still one straight line"),
                 torch.sigmoid(l2(l1(X)))),
                (N_("the hidden layer ignores the activation argument (asked for {activation}, got sigmoid)"),
                 torch.sigmoid(l2(torch.sigmoid(l1(X))))),
                (N_("the output uses the hidden activation ({activation}); keep a sigmoid on the output"),
                 act(l2(act(l1(X))))),
            ]:
                if torch.allclose(y_hat, wrong, atol=1e-6):
                    raise Fail(tr(hint, activation=activation))
            raise Fail(tr("MultiLayerPerceptron({hidden}, '{activation}') does not compute "
                          "sigmoid(linear2({activation}(linear1(x))))", hidden=hidden, activation=activation))
    return tr("2-H-1 layers, hidden activation from the argument, sigmoid on the output")


def mlp_class(cls):
    """Check the student's MultiLayerPerceptron class; return it if it works, else a working stand-in."""
    return lend(MLP, _diagnose_mlp, cls, _StandIn)


@checker(FORWARD)
def forward_by_hand(z1, h, z2, model, X) -> str:
    """Check z1 = X W1^T + b1, h = activation(z1), z2 = h w2^T + b2 against the model's own layers."""
    if is_stub(z1) or is_stub(h) or is_stub(z2):
        raise NotDone(tr("compute z1, h and z2 from the weight matrices"))
    with torch.no_grad():
        Xd = X.detach()
        t1 = model.linear1(Xd)
        th = model.activation(t1)
        t2 = model.linear2(th)
        W1, b1 = model.linear1.weight, model.linear1.bias
        for name, got, true in (("z1", z1, t1), ("h", h, th), ("z2", z2, t2)):
            if not isinstance(got, torch.Tensor):
                raise Fail(tr("{name} must be a tensor, got {kind}", name=name, kind=type(got).__name__))
            got = got.detach()
            if got.dtype != torch.float32:
                raise Fail(tr("{name} has dtype {dtype} (wrong dtype): keep float32 like X and the weights",
                              name=name, dtype=got.dtype))
            if got.shape != true.shape:
                if got.numel() == true.numel():
                    raise Fail(tr("{name} has shape {got} but must be {want} (one row per input): w2 has shape (1, H), "
                                  "so multiply by its transpose", name=name, got=tuple(got.shape),
                                  want=tuple(true.shape)))
                raise Fail(tr("{name} has shape {got} but must be {want}: one row per input, one column per unit",
                              name=name, got=tuple(got.shape), want=tuple(true.shape)))
            if torch.allclose(got, true, rtol=1e-4, atol=1e-5):
                continue
            slips = {
                "z1": [(N_("the bias b1 is missing: every hidden unit adds its bias to its weighted sum"), Xd @ W1.T),
                       (N_("W1 has shape (H, 2): multiply the inputs by its transpose"),
                        (Xd @ W1 + b1) if W1.shape[0] == 2 else None)],
                "h": [(N_("h is the hidden code: apply the hidden activation to z1"), t1)],
                "z2": [(N_("z2 is the output unit's logit, before the output sigmoid"), torch.sigmoid(t2)),
                       (N_("the bias b2 is missing: the output unit adds its bias too"), t2 - model.linear2.bias),
                       (N_("z2 must be computed from the hidden code h, not from z1"),
                        model.linear2(t1) if t1.shape[1] == model.linear2.in_features else None)],
            }[name]
            for hint, wrong in slips:
                if wrong is not None and wrong.shape == got.shape and torch.allclose(got, wrong, rtol=1e-4, atol=1e-5):
                    raise Fail(tr(hint))
            raise Fail(tr("{name} differs from the network's own {name} (largest gap {gap:.2g})", name=name,
                          gap=(got - true).abs().max().item()))
    values = ", ".join(f"{v:+.1f}" for v in t2.view(-1).tolist())
    return tr("z2 = w·h + b = [{values}], the output unit's logit for each input", values=values)


@checker(CONFIG)
def configuration(hidden, optimizer, lr, X, y) -> str:
    """Train 500 seeds of the chosen (hidden, optimizer, lr) for 1000 epochs; pass if at least 99 % succeed."""
    from ..batched import train_batched

    if is_stub(hidden) or is_stub(optimizer) or is_stub(lr):
        raise NotDone(tr("choose my_hidden, my_optimizer and my_lr"))
    if isinstance(hidden, bool) or not isinstance(hidden, int) or not 1 <= hidden <= 64:
        raise Fail(tr("my_hidden must be a whole number of hidden units from 1 to 64, got {value}",
                      value=repr(hidden)))
    if not isinstance(optimizer, str) or optimizer.lower() not in ("sgd", "adam"):
        raise Fail(tr("my_optimizer must be 'sgd' or 'adam', got {value}", value=repr(optimizer)))
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or not 0 < lr <= 100:
        raise Fail(tr("my_lr must be a learning rate between 0 and 100, got {value}", value=repr(lr)))
    study = train_batched(X, y, CONFIG_MODELS, hidden=hidden, optimizer=optimizer.lower(), lr=float(lr),
                          epochs=CONFIG_EPOCHS, device=X.device)
    rate = study.summary()["success_rate"]
    text = tr("{rate:.1f} % of {models} seeds classify XOR correctly after {epochs} epochs (hidden {hidden}, "
              "{optimizer}, lr {lr:g})", rate=100 * rate, models=CONFIG_MODELS, epochs=CONFIG_EPOCHS, hidden=hidden,
              optimizer=optimizer.lower(), lr=float(lr))
    if rate >= CONFIG_RATE:
        return text
    if study.summary()["diverged"]:
        raise Fail(tr("{text}; {count} diverged — lower the learning rate", text=text,
                      count=study.summary()["diverged"]))
    raise Fail(tr("{text}, needs at least {need:.0f} % — the grid above shows which hidden sizes and optimizers are "
                  "reliable; more hidden units make saturation rarer", text=text, need=100 * CONFIG_RATE))


def score_table() -> None:
    """The score table of notebook 03's exercises."""
    _score_table(EXERCISES)
