"""Checks for notebook 01 (linear regression): the training loop, the gradients by hand, the nn.Module class.

Each check is a probe (`probe_*`: runs the student's code, returns a record of plain data) and a verdict
(`verdict_*`: reads only the record; returns the pass message or raises Fail with the named cause). The
notebook-facing functions run both in the kernel.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

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

LOOP = Exercise("01-loop", 1, N_("the training loop"), "linear", N_(
    "Accepted: any random start and any equivalent loop (an operator or nn.MSELoss cost, a (1, 1) W with X @ W, ...): "
    "the check replays your start through the lecture's loop and compares W and b after every epoch."))
GRADIENTS = Exercise("01-gradients", 2, N_("gradients by hand"), "linear", N_(
    "Accepted: any tensor expressions of X, y_hat, y and n that equal autograd's gradients (not W.grad and b.grad "
    "themselves)."))
MODULE = Exercise("01-module", 3, N_("the nn.Module class"), "linear", N_(
    "Accepted: any layer name and any container, as long as the model is one nn.Linear(x_in, x_out) with its bias "
    "and forward returns its output; the cells below reach the layer as model.linear."))
EXERCISES = declared(globals())  # every Exercise above, in order
GRAPH_CUT = "does not require grad"  # PyTorch's words when backward() finds no graph to the weights


# ---- exercise 1: the training loop ----------------------------------------------------------------------------

def _loop_data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh data for the loop (grading: probe seed > 0): 4 points near a line, inside the lecture's lr = 0.01's
    stable range."""
    g = probe.generator(seed)
    X = torch.sort(torch.rand(4, 1, generator=g) * 2.5 + 0.5, dim=0).values
    slope, intercept = torch.rand(2, generator=g) * 2
    return X, X * slope + intercept + torch.randn(4, 1, generator=g) * 0.1


LOOP_LR, LOOP_EPOCHS = 0.01, 30  # what the exercise asks for: its cell's optimizer and slide_epochs


def _lecture_start(seed: int) -> list[float]:
    """W and b as the lecture's cell draws them after torch.manual_seed(seed)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return [torch.rand(1).item(), torch.rand(1).item()]


def given_loop(seed: int) -> dict:
    """Everything a loop probe with this probe seed runs with: data, the cell's seed, the lecture's start, lr and
    epochs (seed 0: the notebook's own, nothing to bind). The record holds only what the loop did."""
    if not seed:
        return {}
    X, y = _loop_data(seed)
    cell_seed = seed % 100_000 + 1
    return {"X": probe.data(X)["value"], "y": probe.data(y)["value"], "seed": cell_seed,
            "lecture_start": _lecture_start(cell_seed), "lr": LOOP_LR, "epochs": LOOP_EPOCHS}


def probe_loop(namespace: dict, X: torch.Tensor, y: torch.Tensor, seed: int, lr: float, epochs: int) -> dict:
    """Re-run the student's loop cell (seeded with `seed`) recording every backward/zero_grad/step with W and b;
    when grading, on fresh data and a cell seed drawn from the probe seed."""
    drawn = probe_seed()
    if drawn:
        seed = given_loop(drawn)["seed"]
    replace: dict[str, Any] = {"seed": seed}
    if drawn and isinstance(X, torch.Tensor):
        X, y = (t.to(X.device) for t in _loop_data(drawn))
        replace.update(X=X, y=y)
    rec: dict[str, Any] = {"X": probe.data(X)["value"], "y": probe.data(y)["value"], "seed": seed, "lr": lr,
                           "epochs": epochs, "lecture_start": _lecture_start(seed)}
    source = probe.find_cell(namespace, {"W", "b", "optimizer"})
    if source is None:  # not in a kernel (no cell history): judge the values the notebook holds
        rec.update(events=None, W=probe.data(namespace.get("W", probe.MISSING)),
                   b=probe.data(namespace.get("b", probe.MISSING)), error=None)
        return rec
    where = probe.scope(namespace, replace)
    recorder = probe.Recorder(lambda: {"W": where.get("W"), "b": where.get("b")})
    with probe.quiet(), recorder.active():
        error = probe.execute(source, where)
    rec.update(events=recorder.events, error=error, W=probe.data(where.get("W", probe.MISSING)),
               b=probe.data(where.get("b", probe.MISSING)),
               optimizer=probe.data(where.get("optimizer", probe.MISSING), values=False))
    return rec


@reads("W", "b", "optimizer")
def training_loop(X: torch.Tensor, y: torch.Tensor, seed: int, lr: float, epochs: int) -> None:
    """Check the loop cell above: re-run it under observation and compare it with the lecture's loop."""
    namespace = caller_namespace()
    run_check(LOOP, lambda: probe_loop(namespace, X, y, seed, lr, epochs))


# ---- exercise 2: the gradients by hand ------------------------------------------------------------------------

def _fresh_gradients(seed: int) -> dict[str, torch.Tensor]:
    g = probe.generator(seed)
    return {"X": torch.rand(5, 1, generator=g) * 4 - 1, "y": torch.rand(5, 1, generator=g) * 3,
            "W0": torch.rand(1, generator=g), "b0": torch.rand(1, generator=g)}


def given_gradients(seed: int) -> dict:
    """The fresh data and weights a gradients probe with this seed runs its second run with (the cell sets W, b
    from W0, b0)."""
    fresh = _fresh_gradients(seed)
    return {"runs": {1: {name: {"value": probe.data(fresh[key])["value"]}
                         for name, key in (("X", "X"), ("y", "y"), ("W", "W0"), ("b", "b0"))}}}


def probe_gradients(namespace: dict, seed: int | None = None) -> dict:
    """Re-run the gradients cell on the notebook's values, then on fresh data with autograd's .grad replaced by a
    decoy (a copied W.grad then shows as the decoy)."""
    source = probe.find_cell(namespace, {"dW", "db"})
    runs = []
    if source is None:
        names = ("dW", "db", "W", "b", "X", "y")
        runs.append({name: probe.data(namespace.get(name, probe.MISSING)) for name in names} | {"error": None})
        return {"runs": runs}
    X = namespace.get("X")
    device = X.device if isinstance(X, torch.Tensor) else torch.device("cpu")
    fresh = {k: v.to(device) for k, v in _fresh_gradients(probe_seed() if seed is None else seed).items()}
    for replace, decoy in (({}, False), (fresh, True)):
        where = probe.scope(namespace, replace)
        with probe.quiet(), _decoy_gradients(decoy):
            error = probe.execute(source, where)
        runs.append({name: probe.data(where.get(name, probe.MISSING)) for name in ("dW", "db", "W", "b", "X", "y")}
                    | {"error": error, "decoy": decoy})
    return {"runs": runs}


@contextlib.contextmanager
def _decoy_gradients(active: bool) -> Iterator[None]:
    """While active, autograd's answers (what backward adds to .grad, torch.autograd.grad) are 3 g + 0.5."""
    if not active:
        yield
        return
    backward, grad = torch.Tensor.backward, torch.autograd.grad

    def decoy_backward(tensor, *args, **kwargs):
        leaves = _leaves(tensor)
        before = {id(t): t.grad.clone() if t.grad is not None else 0 for t in leaves}
        backward(tensor, *args, **kwargs)
        with torch.no_grad():
            for t in leaves:
                if t.grad is not None:
                    t.grad.copy_(before[id(t)] + 3 * (t.grad - before[id(t)]) + 0.5)

    def decoy_grad(outputs, inputs, *args, **kwargs):
        return tuple(None if g is None else 3 * g + 0.5 for g in grad(outputs, inputs, *args, **kwargs))

    torch.Tensor.backward, torch.autograd.grad = decoy_backward, decoy_grad
    try:
        yield
    finally:
        torch.Tensor.backward, torch.autograd.grad = backward, grad


def _leaves(tensor: torch.Tensor) -> list[torch.Tensor]:
    """The leaf tensors that require grad under `tensor`'s graph."""
    found, seen, todo = [], set(), [tensor.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if hasattr(fn, "variable"):
            found.append(fn.variable)
        todo.extend(f for f, _ in fn.next_functions)
    return found


@reads("X", "y", "W", "b", "dW", "db")
def gradients() -> None:
    """Check the dW and db of the cell above against the true gradient, on its data and on fresh data."""
    namespace = caller_namespace()
    run_check(GRADIENTS, lambda: probe_gradients(namespace))


# ---- exercise 3: the nn.Module class ---------------------------------------------------------------------------


MODULE_SIZES = ((1, 1), (2, 3), (4, 1))


def _module_inputs(seed: int) -> list[torch.Tensor]:
    g = probe.generator(seed)
    return [torch.randn(5, x_in, generator=g) for x_in, _ in MODULE_SIZES]


def _module_weights(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The weight and bias the probe loads into the layer at each size: the outputs then follow from the grader's
    numbers, not the student's random initialisation."""
    g = probe.generator(seed + 1)
    return [(torch.randn(x_out, x_in, generator=g), torch.randn(x_out, generator=g)) for x_in, x_out in MODULE_SIZES]


def given_module(seed: int) -> dict:
    """What a module probe with this seed runs with, per size: the sizes, the batch, the layer's weights."""
    return {"configs": {i: {"x_in": x_in, "x_out": x_out, "x": {"value": probe.data(x)["value"]},
                            "layer": {"weight": {"value": probe.data(w)["value"]},
                                      "bias_value": {"value": probe.data(b)["value"]}}}
                        for i, ((x_in, x_out), x, (w, b)) in enumerate(zip(MODULE_SIZES, _module_inputs(seed),
                                                                            _module_weights(seed)))}}


def probe_module(cls: object, seed: int | None = None) -> dict:
    """Build the class at several sizes and run it on random batches; record its layer, outputs and gradients."""
    rec: dict[str, Any] = {"cls": probe.function(cls), "configs": []}
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        return rec
    seed = probe_seed() if seed is None else seed
    for (x_in, x_out), x, weights in zip(MODULE_SIZES, _module_inputs(seed), _module_weights(seed)):
        cfg: dict[str, Any] = {"x_in": x_in, "x_out": x_out}
        rec["configs"].append(cfg)
        with probe.quiet():
            model, cfg["init_error"] = probe.call(cls, x_in, x_out)
            if model is None:
                break
            cfg["linear"] = probe.data(getattr(model, "linear", probe.MISSING), values=False)
            name, layer = _find_layer(model, x_in, x_out)
            if layer is not None:
                _load(layer, *weights)
                cfg["layer"] = {"name": name, "in": layer.in_features, "out": layer.out_features,
                                "bias": layer.bias is not None, "weight": probe.data(layer.weight),
                                "bias_value": probe.data(layer.bias)}
            cfg["linears"] = [[n, m.in_features, m.out_features] for n, m in model.named_modules()
                              if isinstance(m, nn.Linear)]
            cfg["params"] = [list(p.shape) for p in model.parameters()]
            cfg["x"] = probe.data(x)
            out, cfg["error"] = probe.call(model, x)
            cfg["y_hat"] = probe.data(out)
            again, _ = probe.call(model, x)
            cfg["y_hat_again"] = probe.data(again)
            if isinstance(out, torch.Tensor) and out.requires_grad and isinstance(layer, nn.Linear):
                probe.call(lambda t: t.float().sum().backward(), out)
                cfg["trains"] = layer.weight.grad is not None
    return rec


def _find_layer(model: object, x_in: int, x_out: int) -> tuple[str, nn.Linear | None]:
    """The model's linear layer, whatever its name: model.linear where that is one, else its nn.Linear of this
    size, else its first nn.Linear (a layer of the wrong size is named by the verdict)."""
    if isinstance(getattr(model, "linear", None), nn.Linear):
        return "linear", model.linear
    linears = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Linear)] \
        if isinstance(model, nn.Module) else []
    sized = [(n, m) for n, m in linears if (m.in_features, m.out_features) == (x_in, x_out)]
    return next(iter(sized or linears), ("", None))


def _adapted(cls: type, rec: dict) -> type:
    """The student's class with its layer reachable as model.linear, whatever its name (lab_utils.exercises.adapter);
    the lecture's name: as it is."""
    name = rec["configs"][0]["layer"]["name"]
    return cls if name == "linear" else wrapped(cls, {"linear": name})


def _load(layer: nn.Linear, weight: torch.Tensor, bias: torch.Tensor) -> None:
    """The grader's weights into a layer of their shape (a layer of another shape keeps its own: its verdict fails
    on the shape first)."""
    if layer.weight.shape == weight.shape and layer.bias is not None and layer.bias.shape == bias.shape:
        with torch.no_grad():
            layer.weight.copy_(weight)
            layer.bias.copy_(bias)


@reads("LinearRegression")
def module_class(cls: object = None) -> type:
    """Check the LinearRegression class above; return it if it passed, else a working stand-in for the cells below."""
    namespace = caller_namespace()
    return lend(MODULE, lambda: probe.student(namespace, "LinearRegression", cls), probe_module, adapt=_adapted)


def score_table() -> None:
    """The score table of notebook 01's exercises."""
    _score_table(EXERCISES)


