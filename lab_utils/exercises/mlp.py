"""Checks for notebook 03 (XOR): the MultiLayerPerceptron class, the forward pass by hand, a reliable configuration.

Each check is a probe (`probe_*`: runs the student's code on fresh inputs, returns a record of plain data) and a
verdict (`verdict_*`: reads only the record; returns the pass message or raises Fail with the named cause).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..batched import ACTIVATIONS
from . import probe
from .adapter import wrapped
from .core import (
    N_,
    Exercise,
    caller_namespace,
    declared,
    language,  # noqa: F401  (check.language('ko'): Korean notebooks made before lab.language("ko") still work)
    lend,
    probe_seed,
    reads,
    run_check,
)
from .core import score_table as _score_table

MLP = Exercise("03-mlp", 1, N_("the MultiLayerPerceptron class"), "mlp", N_(
    "Accepted: any layer names and any structure (Sequential blocks, ModuleList or ModuleDict, extra Identity "
    "layers, activations as modules or functions) that holds an nn.Linear(2, hidden) and an nn.Linear(hidden, 1), "
    "both with biases, and gives the lecture's output; the cells below reach them as model.linear1 and "
    "model.linear2."))
FORWARD = Exercise("03-forward", 2, N_("the forward pass by hand"), "mlp", N_(
    "Accepted: any matrix products (@, torch.matmul, F.linear) equal to the layers' own results, without calling "
    "the layers."))
CONFIG = Exercise("03-config", 3, N_("a configuration that works on 99 % of seeds"), "mlp", N_(
    "Accepted: any configuration within these bounds with which at least 99 % of the 500 networks classify XOR "
    "after 1000 epochs."))
EXERCISES = declared(globals())  # every Exercise above, in order
CONFIG_MODELS, CONFIG_EPOCHS, CONFIG_RATE = 500, 1000, 0.99
NEIGHBOUR_MODELS = 200  # networks per nearby configuration in the computed hint


# ---- exercise 1: the MultiLayerPerceptron class ---------------------------------------------------------------

MLP_CONFIGS = ((3, "sigmoid"), (8, "tanh"), (4, "relu"))


def _mlp_inputs(seed: int) -> torch.Tensor:
    g = probe.generator(seed)
    return torch.cat([torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
                      torch.rand(6, 2, generator=g) * 3 - 1, torch.randn(2, 2, generator=g) * 10])


def _mlp_weights(seed: int) -> list[dict[str, torch.Tensor]]:
    """The weights the probe loads into the two layers at each configuration: the outputs then follow from the
    grader's numbers, not the student's random initialisation."""
    g = probe.generator(seed + 1)
    return [{"W1": torch.randn(hidden, 2, generator=g), "b1": torch.randn(hidden, generator=g),
             "W2": torch.randn(1, hidden, generator=g), "b2": torch.randn(1, generator=g)}
            for hidden, _ in MLP_CONFIGS]


def given_mlp(seed: int) -> dict:
    """What an MLP probe with this seed runs with, per configuration: the size, the activation, the inputs (XOR's
    points, random points, large inputs) and the weights of the two layers."""
    x = {"value": probe.data(_mlp_inputs(seed))["value"]}
    return {"configs": {i: {"hidden": hidden, "activation": activation, "x": x,
                            "weights": {k: {"value": probe.data(v)["value"]} for k, v in weights.items()}}
                        for i, ((hidden, activation), weights) in enumerate(zip(MLP_CONFIGS, _mlp_weights(seed)))}}


def _load_layers(model: nn.Module, hidden: int, weights: dict[str, torch.Tensor]) -> dict[str, Any] | None:
    """The grader's weights into the model's first Linear(2, hidden) and first Linear(hidden, 1), found by shape as
    the verdict finds them; their values as data, or None if the model has no such layers with biases."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear) and m.bias is not None]
    first = next((m for m in linears if (m.in_features, m.out_features) == (2, hidden)), None)
    second = next((m for m in linears if (m.in_features, m.out_features) == (hidden, 1)), None)
    if first is None or second is None:
        return None
    with torch.no_grad():
        for layer, (w, b) in ((first, ("W1", "b1")), (second, ("W2", "b2"))):
            layer.weight.copy_(weights[w])
            layer.bias.copy_(weights[b])
    return {k: probe.data(t) for k, t in (("W1", first.weight), ("b1", first.bias), ("W2", second.weight),
                                          ("b2", second.bias))}


def probe_mlp(cls: object, seed: int | None = None) -> dict:
    """Build the class at three sizes and activations; record its layers and its outputs on XOR's points, random
    points and large inputs (twice, to see a layer made anew in forward), and whether every weight gets a gradient."""
    rec: dict[str, Any] = {"cls": probe.function(cls), "configs": []}
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        return rec
    seed = probe_seed() if seed is None else seed
    x = _mlp_inputs(seed)
    for (hidden, activation), weights in zip(MLP_CONFIGS, _mlp_weights(seed)):
        cfg: dict[str, Any] = {"hidden": hidden, "activation": activation, "x": probe.data(x)}
        rec["configs"].append(cfg)
        with probe.quiet():
            torch.manual_seed(seed)
            model, cfg["init_error"] = probe.call(cls, hidden, activation)
            if model is None:
                break
            cfg["classes"] = [[k, v.__name__] for k, v in vars(model).items()
                              if isinstance(v, type) and issubclass(v, nn.Module)]
            cfg["placeholders"] = [k for k, v in vars(model).items() if v is Ellipsis]
            if isinstance(model, nn.Module):
                cfg["weights"] = _load_layers(model, hidden, weights)
            cfg["linears"] = [{"name": n, "in": m.in_features, "out": m.out_features, "bias": m.bias is not None,
                               "weight": probe.data(m.weight), "bias_value": probe.data(m.bias)}
                              for n, m in model.named_modules() if isinstance(m, nn.Linear)]
            act = getattr(model, "activation", None)
            cfg["activation_module"] = type(act).__name__ if isinstance(act, nn.Module) else None
            cfg["n_params"] = sum(p.numel() for p in model.parameters())
            calls = probe.CallLog()
            with calls:
                out, cfg["error"] = probe.call(model, x.clone())
            cfg["calls"] = calls.names
            cfg["y_hat"] = probe.data(out)
            again, _ = probe.call(model, x.clone())
            cfg["y_hat_again"] = probe.data(again)
            if isinstance(out, torch.Tensor) and out.requires_grad:
                probe.call(lambda t: t.float().sum().backward(), out)
                cfg["untrained"] = [n for n, p in model.named_parameters() if p.grad is None]
    return rec


def _layers(cfg: dict) -> tuple[dict | None, dict | None]:
    hidden = cfg["hidden"]
    first = next((m for m in cfg["linears"] if (m["in"], m["out"]) == (2, hidden)), None)
    second = next((m for m in cfg["linears"] if (m["in"], m["out"]) == (hidden, 1)), None)
    return first, second


SLIDE_NAMES = ("linear1", "linear2")  # what the cells below read: model.linear1, model.linear2, their weights


def _adapted(cls: type, rec: dict) -> type:
    """The student's class, reachable as the cells below expect whatever its structure: model.linear1 and
    model.linear2 are the two layers the check found (by shape), model.activation the hidden activation. The
    lecture's own names and an activation module: as it is."""
    first, second = _layers(rec["configs"][0])
    paths = dict(zip(SLIDE_NAMES, (first["name"], second["name"])))
    if all(k == v for k, v in paths.items()) and rec["configs"][0].get("activation_module"):
        return cls
    adapted = wrapped(cls, paths, init=_activation)
    adapted.activation = property(lambda self: self._activation)
    return adapted


def _activation(model: nn.Module, hidden: int = 3, activation: str = "sigmoid", *args: Any, **kwargs: Any) -> None:
    """The hidden activation for the cells that call it: the student's own, or the one the argument names."""
    own = getattr(model.student, "activation", None)
    model._activation = own if callable(own) else ACTIVATIONS.get(activation, nn.Sigmoid)()


@reads("MultiLayerPerceptron")
def mlp_class(cls: object = None) -> type:
    """Check the MultiLayerPerceptron class above; return it if it passed (reachable as the cells below expect),
    else a working stand-in."""
    namespace = caller_namespace()
    return lend(MLP, lambda: probe.student(namespace, "MultiLayerPerceptron", cls), probe_mlp, adapt=_adapted)


# ---- exercise 2: the forward pass by hand ---------------------------------------------------------------------

class _Offset(nn.Module):
    """Wraps a layer so that calling it gives its output + 0.37: a cell that calls the model's layers instead of
    computing by hand shows as that offset (the weights themselves are unchanged)."""

    def __init__(self, layer: nn.Module):
        super().__init__()
        self.inner = layer
        for name in ("weight", "bias"):
            if hasattr(layer, name):
                setattr(self, name, getattr(layer, name))

    def forward(self, x):
        return self.inner(x) + 0.37


def _fresh_forward(seed: int) -> tuple[nn.Module, torch.Tensor]:
    """The fresh 2-5-1 network and 6 inputs of the forward probe's second run: its layers and activation only (the
    cell computes the forward pass by hand; a network with a forward would be an answer lying in the sandbox)."""
    fresh = nn.Module()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 1)
        fresh.linear1, fresh.activation, fresh.linear2 = nn.Linear(2, 5), nn.Sigmoid(), nn.Linear(5, 1)
    return fresh, torch.rand(6, 2, generator=probe.generator(seed)) * 3 - 1


def given_forward(seed: int) -> dict:
    """The fresh network and inputs a forward probe with this seed records (its second run)."""
    fresh, X = _fresh_forward(seed)
    weights = {"W1": fresh.linear1.weight, "b1": fresh.linear1.bias, "w2": fresh.linear2.weight,
               "b2": fresh.linear2.bias}
    return {"runs": {1: {"X": {"value": probe.data(X)["value"]},
                         "model": {k: {"value": probe.data(v)["value"]} for k, v in weights.items()}}}}


def given_config(seed: int) -> dict:
    """The data a configuration is judged on: XOR, whatever the kernel held."""
    return {"X": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], "y": [[0.0], [1.0], [1.0], [0.0]]}


def probe_forward(namespace: dict, seed: int | None = None) -> dict:
    """Re-run the forward-by-hand cell on the notebook's model, then on a fresh 2-5-1 network (the notebook's
    activation) and 6 fresh inputs, whose layers, if called, answer with an offset."""
    source = probe.find_cell(namespace, {"z1", "h", "z2"})
    runs = []
    model = namespace.get("model")
    if source is None or not isinstance(model, nn.Module):
        runs.append({k: probe.data(namespace.get(k, probe.MISSING)) for k in ("z1", "h", "z2", "X")}
                    | {"error": None, "model": _model_data(model)})
        return {"runs": runs}
    X = namespace.get("X")
    device = X.device if isinstance(X, torch.Tensor) else torch.device("cpu")
    fresh, fresh_X = _fresh_forward(probe_seed() if seed is None else seed)
    fresh = fresh.to(device)
    fresh.linear1, fresh.linear2 = _Offset(fresh.linear1), _Offset(fresh.linear2)
    if isinstance(getattr(model, "activation", None), nn.Module):
        fresh.activation = model.activation  # the notebook's own activation: a cell written for it stays right
    for replace, offset in (({}, False), ({"model": fresh, "X": fresh_X.to(device)},
                                          True)):
        where = probe.scope(namespace, replace)
        with probe.quiet():
            error = probe.execute(source, where)
        runs.append({k: probe.data(where.get(k, probe.MISSING)) for k in ("z1", "h", "z2", "X")}
                    | {"error": error, "model": _model_data(where.get("model")), "offset": offset})
    return {"runs": runs}


def _model_data(model: object) -> dict:
    if not isinstance(model, nn.Module):
        return {"kind": "missing"}
    kind = type(getattr(model, "activation", None)).__name__
    return {"W1": probe.data(model.linear1.weight), "b1": probe.data(model.linear1.bias),
            "w2": probe.data(model.linear2.weight), "b2": probe.data(model.linear2.bias), "activation": kind}


@reads("model", "X", "z1", "h", "z2")
def forward_by_hand() -> None:
    """Check z1, h and z2 of the cell above against the network's layers, and on a fresh network."""
    namespace = caller_namespace()
    run_check(FORWARD, lambda: probe_forward(namespace))


# ---- exercise 3: a configuration that works on 99 % of seeds --------------------------------------------------

def probe_config(namespace: dict, X: torch.Tensor, y: torch.Tensor) -> dict:
    """The chosen values, as data (the verdict trains the networks itself: nothing of the student's runs)."""
    return {"hidden": probe.data(namespace.get("my_hidden", probe.MISSING)),
            "optimizer": probe.data(namespace.get("my_optimizer", probe.MISSING)),
            "lr": probe.data(namespace.get("my_lr", probe.MISSING)),
            "X": probe.data(X)["value"], "y": probe.data(y)["value"]}


@reads("my_hidden", "my_optimizer", "my_lr")
def configuration(X: torch.Tensor, y: torch.Tensor) -> None:
    """Train 500 seeds of the chosen my_hidden, my_optimizer, my_lr for 1000 epochs; pass if 99 % succeed."""
    namespace = caller_namespace()

    def run() -> dict:
        _, error = probe.defined(namespace, "my_hidden")
        return probe_config(namespace, X, y) | {"cell_error": error}

    run_check(CONFIG, run)


def score_table() -> None:
    """The score table of notebook 03's exercises."""
    _score_table(EXERCISES)


