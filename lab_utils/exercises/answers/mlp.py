"""The answers to the exercises of notebook 03 (XOR): the verdicts, and what they compare a record with.

The grader and the student's own notebook use them; a grading run never sees them (the sandbox hides this
folder: lab_utils.tools.isolation.sandbox.hidden_paths), so a submission can only produce evidence by computing it.

Over 300 lines because it is the catalogue of one notebook's named mistakes: each slip a verdict can name is a
line here, and the sandbox hides this folder whole.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from ...batched import ACTIVATIONS as ACTIVATION_CLASSES
from ...batched import train_batched
from .. import probe
from ..core import (
    N_,
    Answer,
    Fail,
    NotDone,
    answered,
    explain,
    need_class,
    tr,
)
from ..mlp import (
    CONFIG,
    CONFIG_EPOCHS,
    CONFIG_MODELS,
    CONFIG_RATE,
    FORWARD,
    MLP,
    NEIGHBOUR_MODELS,
    _layers,
    given_config,
    given_forward,
    given_mlp,
)
from . import need_defined
from .network import MultiLayerPerceptron

ACTIVATION_FUNCTIONS = {name: module() for name, module in ACTIVATION_CLASSES.items()}  # by name: one instance each
FUNCTIONS_BY_CLASS = {module.__name__: ACTIVATION_FUNCTIONS[name] for name, module in ACTIVATION_CLASSES.items()}


def verdict_mlp(rec: dict) -> str:
    """The MultiLayerPerceptron class from its record: layers by their shapes (any names), then its outputs
    against sigmoid(linear2(activation(linear1(x)))) computed from its own weights, the usual slips named."""
    cls = rec["cls"]
    need_class("MultiLayerPerceptron", cls, rec.get("cell_error"), "mlp.not-module")
    for cfg in rec["configs"]:
        hidden = cfg["hidden"]
        if cfg.get("init_error"):
            if cls.get("stub"):
                raise NotDone(tr("until it is, the cells below use a working stand-in"))
            cause = "mlp.no-super" if "before Module.__init__()" in cfg["init_error"]["text"] else "error"
            raise Fail(explain(cfg["init_error"], [("positional argument", N_(
                "nn.Linear takes (in_features, out_features): nn.Linear(2, hidden), nn.Linear(hidden, 1)"))]), cause)
        if cfg["placeholders"] and cls.get("stub"):
            raise NotDone(tr("until it is, the cells below use a working stand-in"))
        if cfg["classes"]:
            name, kind = cfg["classes"][0]
            raise Fail(tr("self.{name} is the class nn.{kind} itself, not a layer: create one, nn.{kind}()",
                          name=name, kind=kind), "mlp.class-not-instance")
        first, second = _layers(cfg)
        if first is None or second is None:
            found = ", ".join(f"{m['name']} {m['in']}->{m['out']}" for m in cfg["linears"]) or "none"
            cause = ("mlp.hard-coded-hidden" if any((m["in"], m["out"]) == (2, 3) for m in cfg["linears"])
                     and hidden != 3 else "mlp.sizes")
            raise Fail(tr("MultiLayerPerceptron({hidden}, ...) has the linear layers {found}; a 2-{hidden}-1 network "
                          "needs nn.Linear(2, {hidden}) and nn.Linear({hidden}, 1)", hidden=hidden, found=found),
                       cause)
        if not second["bias"] or not first["bias"]:
            which = "linear2" if not second["bias"] else "linear1"
            raise Fail(tr("{layer} has no bias (bias=False): every unit of the lecture's network adds its bias, and "
                          "without it the boundary must pass through fixed points — keep nn.Linear's bias",
                          layer=which), "mlp.no-bias")
        if len(cfg["linears"]) != 2:
            raise Fail(tr("the network has {count} linear layers; the lecture's 2-H-1 network has two",
                          count=len(cfg["linears"])), "mlp.extra-layers")
        if cfg.get("error"):
            if cls.get("stub"):
                raise NotDone(tr("until it is, the cells below use a working stand-in"))
            if "cannot be multiplied" in cfg["error"]["text"]:
                raise Fail(explain(cfg["error"], [("cannot be multiplied", N_(
                    "a layer gets the wrong input: linear1 takes x (2 values), linear2 the hidden code (H values)"))]),
                    "mlp.wiring")
            raise Fail(explain(cfg["error"]), "error")
        out = cfg["y_hat"]
        if out["kind"] == "placeholder" or (out["kind"] == "none" and cls.get("stub")):
            raise NotDone(tr("{name} returns {value}", name="forward", value="..."))
        if out["kind"] == "none":
            raise Fail(tr("forward returns None: end it with return a2"), "mlp.no-return")
        n = len(cfg["x"]["value"])
        if out["kind"] != "tensor" or out["shape"] != [n, 1]:
            shape = tuple(out["shape"]) if out["kind"] == "tensor" else out.get("name", out["kind"])
            raise Fail(tr("forward on {n} inputs, a tensor of shape ({n}, 2), returned {shape}; it should return "
                          "({n}, 1)", n=n, shape=shape), "mlp.shape")
        if out["dtype"] != "float32":
            raise Fail(tr("wrong dtype: make every tensor float32 with .float()"), "mlp.dtype")
        _mlp_values(cfg, first, second)
        if cfg.get("untrained"):
            raise Fail(tr("{names} get no gradient, so training would never change them: forward must compute the "
                          "output from the layers without torch.no_grad() or .detach()",
                          names=", ".join(cfg["untrained"])), "mlp.no-graph")
    names = {m["name"] for m in rec["configs"][0]["linears"]}
    if not {"linear1", "linear2"} <= names:
        return tr("2-H-1 layers, hidden activation from the argument, sigmoid on the output (the cells below reach "
                  "your layers as model.linear1 and model.linear2)")
    return tr("2-H-1 layers, hidden activation from the argument, sigmoid on the output")


def _mlp_values(cfg: dict, first: dict, second: dict) -> None:
    x, got, weights = probe.tensor(cfg["x"]), probe.tensor(cfg["y_hat"]), cfg["weights"]
    W1, b1, W2, b2 = (probe.tensor({**weights[k], "kind": "tensor", "shape": shape}) for k, shape in
                      (("W1", first["weight"]["shape"]), ("b1", [first["out"]]), ("W2", second["weight"]["shape"]),
                       ("b2", [1])))
    act = ACTIVATION_FUNCTIONS[cfg["activation"]]

    def l1(t):
        return t @ W1.T + b1

    def l2(t):
        return t @ W2.T + b2

    right = torch.sigmoid(l2(act(l1(x))))

    def same(a):
        return torch.allclose(got, a, atol=1e-5, rtol=1e-4)

    if same(right):
        return
    again = probe.tensor(cfg["y_hat_again"])
    if again is not None and not torch.allclose(got, again):
        raise Fail(tr("forward gives other outputs each time for the same x: it creates new layers on every call; "
                      "create them once in __init__ and use them in forward"), "mlp.new-layer")
    for item in [
        ("mlp.no-output-sigmoid", N_("the output has no sigmoid: apply it to z2 so that y_hat is a probability for "
                                     "BCELoss"), l2(act(l1(x)))),
        ("mlp.no-hidden-activation", N_("the hidden layer has no activation: two linear layers in a row are still "
                                        "one straight line"), torch.sigmoid(l2(l1(x)))),
        *((("mlp.ignores-activation", N_("the hidden layer always uses {used}, whatever the activation argument "
                                         "(asked for {activation}): apply self.activation to z1"),
            torch.sigmoid(l2(fixed(l1(x)))), used) for used, fixed in ACTIVATION_FUNCTIONS.items()
           if used != cfg["activation"])),
        ("mlp.output-activation", N_("the output uses the hidden activation ({activation}); keep a sigmoid on the "
                                     "output"), act(l2(act(l1(x))))),
        ("mlp.activation-twice", N_("the hidden activation is applied twice: a1 = activation(z1) once, then "
                                    "linear2"), torch.sigmoid(l2(act(act(l1(x)))))),
        ("mlp.sigmoid-twice", N_("the output sigmoid is applied twice: y_hat = sigmoid(z2) once"),
         torch.sigmoid(torch.sigmoid(l2(act(l1(x)))))),
        ("mlp.softmax", N_("softmax over one output is always 1: for one output unit use the sigmoid"),
         torch.ones_like(right)),
        ("mlp.wiring", N_("linear2 is applied to z1, before the hidden activation: a1 = activation(z1), then "
                          "z2 = linear2(a1)"), torch.sigmoid(act(l2(l1(x))))),
    ]:
        cause, hint, wrong, *used = item
        if wrong.shape == got.shape and same(wrong):
            raise Fail(tr(hint, activation=cfg["activation"], used=used[0] if used else ""), cause)
    raise Fail(tr("MultiLayerPerceptron({hidden}, '{activation}') does not compute "
                  "sigmoid(linear2({activation}(linear1(x))))", hidden=cfg["hidden"], activation=cfg["activation"]),
               "mlp.wrong")


def _product_hint(code: str) -> str:
    """The matrix-product hint for the line that failed: about W1, about w2, or both where the line has both."""
    if "W1" in code and "w2" not in code:
        return N_("W1 has shape (H, 2): multiply X by its transpose, X @ W1.T")
    if "w2" in code and "W1" not in code:
        return N_("w2 has shape (1, H): multiply h by its transpose, h @ w2.T")
    return N_("W1 has shape (H, 2) and w2 (1, H): multiply by their transposes, X @ W1.T and h @ w2.T")


def _forward_slips(name: str, run: dict, t1: torch.Tensor, t2: torch.Tensor) -> list[tuple[str, str, Any]]:
    """(cause, hint, the value that slip gives, or None) for the usual ways z1, h or z2 goes wrong."""
    m = run["model"]
    X = probe.tensor(run["X"])
    W1, b1, w2, b2 = (probe.tensor(m[k]) for k in ("W1", "b1", "w2", "b2"))
    z1_got = probe.tensor(run["z1"])
    return {
        "z1": [("fwd.no-b1", N_("the bias b1 is missing: every hidden unit adds its bias to its weighted sum"),
                X @ W1.T),
               ("fwd.no-transpose", N_("W1 has shape (H, 2): multiply the inputs by its transpose"),
                (X @ W1 + b1) if W1.shape[0] == 2 else None),
               ("fwd.calls-layers", N_("z1 calls the model's layer; compute it by hand from W1 and b1: "
                                       "X @ W1.T + b1"), t1 + 0.37 if run.get("offset") else None)],
        "h": [("fwd.no-activation", N_("h is the hidden code: apply the hidden activation to z1"), z1_got),
              ("fwd.fixed-activation", N_("h applies the sigmoid whatever the network's activation is (here "
                                          "{activation}): use model.activation(z1)"),
               torch.sigmoid(z1_got) if m["activation"] != "Sigmoid" else None)],
        "z2": [("fwd.sigmoid-on-z2", N_("z2 is the output unit's logit, before the output sigmoid"),
                torch.sigmoid(t2)),
               ("fwd.no-b2", N_("the bias b2 is missing: the output unit adds its bias too"), t2 - b2),
               ("fwd.z2-from-z1", N_("z2 must be computed from the hidden code h, not from z1"),
                t1 @ w2.T + b2 if t1.shape[1] == w2.shape[1] else None),
               ("fwd.calls-layers", N_("z2 calls the model's layer; compute it by hand from h, w2 and b2: "
                                       "h @ w2.T + b2"), t2 + 0.37 if run.get("offset") else None)],
    }[name]


def verdict_forward(rec: dict) -> str:
    """z1, h, z2 from the record against X W1^T + b1, activation, h w2^T + b2, on the notebook's and a fresh
    network; the usual slips and a cell that calls the layers instead named."""
    t2 = None
    for run in rec["runs"]:
        if "placeholder" in (run["z1"]["kind"], run["h"]["kind"], run["z2"]["kind"]):
            raise NotDone(tr("compute z1, h and z2 from the weight matrices"))
        if run["error"]:
            raise Fail(explain(run["error"], [("cannot be multiplied", _product_hint(run["error"].get("code") or ""))]),
                       "error")
        m = run["model"]
        X = probe.tensor(run["X"])
        W1, b1, w2, b2 = (probe.tensor(m[k]) for k in ("W1", "b1", "w2", "b2"))
        act = FUNCTIONS_BY_CLASS.get(m["activation"], torch.sigmoid)
        t1 = X @ W1.T + b1
        th = act(t1)
        t2 = th @ w2.T + b2
        for name, true in (("z1", t1), ("h", th), ("z2", t2)):
            rec_t = run[name]
            if rec_t["kind"] != "tensor":
                raise Fail(tr("{name} must be a tensor, got {kind}", name=name, kind=rec_t.get("name", rec_t["kind"])),
                           "fwd.not-tensor")
            if rec_t["dtype"] != "float32":
                raise Fail(tr("{name} has dtype {dtype} (wrong dtype): keep float32 like X and the weights", name=name,
                              dtype="torch." + rec_t["dtype"]), "fwd.dtype")
            got = probe.tensor(rec_t)
            if list(got.shape) != list(true.shape):
                if got.numel() == true.numel():
                    how = (tr("z2 = h @ w2.T + b2 (w2 has shape (1, H))") if name == "z2"
                           else tr("z1 = X @ W1.T + b1 (W1 has shape (H, 2)), and h from it"))
                    raise Fail(tr("{name} has shape {got} but must be {want}, one row per input: {how}", name=name,
                                  got=tuple(got.shape), want=tuple(true.shape), how=how), "fwd.shape")
                raise Fail(tr("{name} has shape {got} but must be {want}: one row per input, one column per unit",
                              name=name, got=tuple(got.shape), want=tuple(true.shape)), "fwd.shape")
            if torch.allclose(got, true, rtol=1e-4, atol=1e-5):
                continue
            slips = _forward_slips(name, run, t1, t2)
            for cause, hint, wrong in slips:
                if wrong is not None and wrong.shape == got.shape and torch.allclose(got, wrong, rtol=1e-4, atol=1e-5):
                    raise Fail(tr(hint, activation=m["activation"]), cause)
            if run.get("offset"):
                raise Fail(tr("{name} is right for the notebook's network but not for another one (2-5-1): "
                              "compute it from X, W1, b1, w2, b2 and the model's activation, not from fixed numbers",
                              name=name), "fwd.other-network")
            raise Fail(tr("{name} differs from the network's own {name} (largest gap {gap:.2g})", name=name,
                          gap=float((got - true).abs().max())), "fwd.wrong")
    first = rec["runs"][0]
    m = first["model"]
    t2 = (FUNCTIONS_BY_CLASS.get(m["activation"], torch.sigmoid)(probe.tensor(first["X"]) @ probe.tensor(m["W1"]).T
                                                                 + probe.tensor(m["b1"])) @ probe.tensor(m["w2"]).T
          + probe.tensor(m["b2"]))
    values = ", ".join(f"{v:+.1f}" for v in t2.view(-1).tolist())
    return tr("z2 = w·h + b = [{values}], the output unit's logit for each input", values=values)


def _rate(X, y, models: int, hidden: int, optimizer: str, lr: float) -> dict:

    return train_batched(X, y, models, hidden=hidden, optimizer=optimizer, lr=lr, epochs=CONFIG_EPOCHS).summary()


def verdict_config(rec: dict) -> str:
    """Train 500 seeds of the chosen (hidden, optimizer, lr) for 1000 epochs; pass at 99 %; else say what the same
    study shows for nearby configurations."""
    values = {k: rec[k] for k in ("hidden", "optimizer", "lr")}
    if any(v["kind"] == "placeholder" for v in values.values()):
        raise NotDone(tr("choose my_hidden, my_optimizer and my_lr"))
    if rec.get("cell_error"):
        raise Fail(explain(rec["cell_error"]), "error")
    need_defined([f"my_{k}" for k, v in values.items() if v["kind"] == "missing"])
    hidden, optimizer, lr = (values[k].get("value") for k in ("hidden", "optimizer", "lr"))
    if values["hidden"]["kind"] != "int" or not 1 <= hidden <= 64:
        raise Fail(tr("my_hidden must be a whole number of hidden units from 1 to 64, got {value}",
                      value=repr(hidden) if hidden is not None else values["hidden"].get("name")), "config.hidden")
    if values["optimizer"]["kind"] != "str" or optimizer.lower() not in ("sgd", "adam"):
        raise Fail(tr("my_optimizer must be 'sgd' or 'adam', got {value}",
                   value=repr(optimizer) if optimizer is not None else values["optimizer"].get("name")),
                   "config.optimizer")
    if values["lr"]["kind"] not in ("int", "float") or not math.isfinite(lr) or not 0 < lr <= 100:
        raise Fail(tr("my_lr must be a learning rate between 0 and 100, got {value}",
                      value=repr(lr) if lr is not None else values["lr"].get("name")), "config.lr")
    optimizer, lr = optimizer.lower(), float(lr)
    X, y = torch.tensor(rec["X"]), torch.tensor(rec["y"])
    summary = _rate(X, y, CONFIG_MODELS, hidden, optimizer, lr)
    rate = summary["success_rate"]
    text = tr("{rate:.1f} % of {models} seeds classify XOR correctly after {epochs} epochs (hidden {hidden}, "
              "{optimizer}, lr {lr:g})", rate=100 * rate, models=CONFIG_MODELS, epochs=CONFIG_EPOCHS, hidden=hidden,
              optimizer=optimizer, lr=lr)
    if rate >= CONFIG_RATE:
        return text
    nearby = _nearby(X, y, hidden, optimizer, lr)
    shown = "; ".join(tr("{change}: {rate:.0f} % succeed", change=c, rate=100 * s["success_rate"])
                      for c, _, _, s in nearby)
    if summary["diverged"]:
        raise Fail(tr("{text}; {count} diverged — lower the learning rate. Nearby ({models} seeds each): {nearby}",
                      text=text, count=summary["diverged"], models=NEIGHBOUR_MODELS, nearby=shown), "config.diverged")
    raise Fail(tr("{text}, needs at least {need:.0f} %. Nearby with {optimizer} ({models} seeds each): {nearby} — "
                  "{advice}", text=text, need=100 * CONFIG_RATE, optimizer=optimizer, models=NEIGHBOUR_MODELS,
                  nearby=shown, advice=_advice(X, y, hidden, optimizer, nearby)), "config.unreliable")


def _nearby(X, y, hidden: int, optimizer: str, lr: float) -> list[tuple[str, int, float, dict]]:
    """(what changes, hidden, lr, the study's summary on NEIGHBOUR_MODELS seeds) for half and twice the hidden
    units and the learning rate."""
    out = []
    for h in sorted({max(1, hidden // 2), min(64, hidden * 2)} - {hidden}):
        out.append((tr("hidden {hidden}", hidden=h), h, lr, _rate(X, y, NEIGHBOUR_MODELS, h, optimizer, lr)))
    for factor in (0.5, 2.0):
        if lr * factor <= 100:
            out.append((tr("lr {lr:g}", lr=lr * factor), hidden, lr * factor,
                        _rate(X, y, NEIGHBOUR_MODELS, hidden, optimizer, lr * factor)))
    return out


def _advice(X, y, hidden: int, optimizer: str, nearby: list[tuple[str, int, float, dict]]) -> str:
    """A nearby setting only where it passes the check itself (all CONFIG_MODELS seeds, measured here); else why
    none is proposed."""
    for change, h, lr, summary in sorted(nearby, key=lambda item: -item[3]["success_rate"]):
        if summary["success_rate"] < CONFIG_RATE:
            break
        full = _rate(X, y, CONFIG_MODELS, h, optimizer, lr)["success_rate"]
        if full >= CONFIG_RATE:
            return tr("try {change}: {rate:.1f} % of {models} seeds succeed with it", change=change, rate=100 * full,
                      models=CONFIG_MODELS)
    if hidden == 1:
        return tr("one hidden unit cannot separate XOR (its single line splits the plane in two, XOR needs two "
                  "lines): choose 2 or more hidden units")
    return tr("none of these nearby settings passes: the grid above shows which optimizer and lr do")


ANSWERS = answered(
    Answer(MLP, verdict_mlp, given_mlp, stand_in=MultiLayerPerceptron),  # lent: the 2-H-1 network
    Answer(FORWARD, verdict_forward, given_forward),
    Answer(CONFIG, verdict_config, given_config),
)
StandIn = MultiLayerPerceptron
