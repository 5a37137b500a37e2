"""Checks for notebook 02 (logistic regression): the sigmoid and its derivative, BCE by hand, training on logits.

Each check is a probe (`probe_*`: calls the student's function on fresh inputs, returns a record of plain data)
and a verdict (`verdict_*`: reads only the record; returns the pass message or raises Fail with the named cause).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from . import probe
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

SIGMOID = Exercise("02-sigmoid", 1, N_("the sigmoid and its derivative"), "logistic", N_(
    "Accepted: any form equal to torch.sigmoid and to autograd's derivative on [-6, 6] and on a 2-D tensor that "
    "stays finite and right at z = ±30 and ±100 and leaves z unchanged."))
BCE = Exercise("02-bce", 2, N_("binary cross-entropy by hand"), "logistic", N_(
    "Accepted: any expression equal to nn.BCELoss (the mean over the samples) on made-up predictions that leaves "
    "y_hat and y unchanged."))
LOGITS = Exercise("02-logits", 3, N_("training on logits"), "logistic", N_(
    "Accepted: any loop that gives loss_fn the logits (model.linear(X), or X @ W.T + b from its weights) and makes "
    "one zero_grad, backward and step per epoch: the check compares the weights with the lecture's steps."))
EXERCISES = declared(globals())  # every Exercise above, in order
GRAPH_CUT = "does not require grad"


# ---- exercise 1: the sigmoid and its derivative ---------------------------------------------------------------

def _inputs(seed: int) -> dict[str, torch.Tensor]:
    g = probe.generator(seed)
    return {"grid": torch.linspace(-6, 6, 25), "table": torch.randn(3, 4, generator=g) * 4,
            "edges": torch.tensor([-100.0, -30.0, 30.0, 100.0])}


def _probe_function(fn: object, inputs: dict[str, torch.Tensor], grad: bool) -> dict[str, Any]:
    """Call fn on each input (a copy: an in-place change shows); with grad, also on a grid that requires grad."""
    runs = {}
    for name, z in inputs.items():
        arg = z.clone()
        with probe.quiet():
            out, error = probe.call(fn, arg)
        runs[name] = {"z": probe.data(z), "out": probe.data(out), "error": error,
                      "changed_input": not torch.equal(arg, z)}
    if grad:
        zg = inputs["grid"].clone().requires_grad_(True)
        with probe.quiet():
            out, error = probe.call(fn, zg)
            if error is None and isinstance(out, torch.Tensor) and out.requires_grad:
                _, error = probe.call(lambda t: t.sum().backward(), out)
        runs["autograd"] = {"error": error, "graph": isinstance(out, torch.Tensor) and out.requires_grad,
                            "grad": probe.data(zg.grad) if zg.grad is not None else None}
    return runs


def given_sigmoid(seed: int) -> dict:
    """The inputs a sigmoid probe with this seed records (the grader puts them into a submission's record)."""
    runs = {name: {"z": {"value": probe.data(z)["value"]}} for name, z in _inputs(seed).items()}
    return {"sigmoid_runs": runs, "derivative_runs": runs}


def probe_sigmoid(sigmoid_fn: object, derivative_fn: object, seed: int | None = None) -> dict:
    """Call sigmoid and sigmoid_derivative on a grid, a 2-D table, large |z| and a tensor that requires grad."""
    inputs = _inputs(probe_seed() if seed is None else seed)
    rec: dict[str, Any] = {"sigmoid": probe.function(sigmoid_fn), "derivative": probe.function(derivative_fn)}
    if rec["sigmoid"]["callable"]:
        rec["sigmoid_runs"] = _probe_function(sigmoid_fn, inputs, grad=True)
    if rec["derivative"]["callable"]:
        rec["derivative_runs"] = _probe_function(derivative_fn, inputs, grad=False)
    return rec


@reads("sigmoid", "sigmoid_derivative")
def sigmoid(sigmoid_fn: object = None, derivative_fn: object = None) -> None:
    """Check sigma(z) = 1 / (1 + e^-z) and sigma'(z) = sigma(z)(1 - sigma(z)) on fresh inputs."""
    namespace = caller_namespace()

    def run() -> dict:
        fn, error = probe.student(namespace, "sigmoid", sigmoid_fn)
        derivative, _ = probe.student(namespace, "sigmoid_derivative", derivative_fn)
        return probe_sigmoid(fn, derivative) | {"cell_error": error}

    run_check(SIGMOID, run)


# ---- exercise 2: binary cross-entropy by hand -----------------------------------------------------------------

def _bce_sets(seed: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    g = probe.generator(seed)
    return {"fixed": (torch.tensor([[0.2], [0.35], [0.6], [0.9]]), torch.tensor([[0.0], [0.0], [0.0], [1.0]])),
            "fresh": (torch.rand(6, 1, generator=g) * 0.9 + 0.05, (torch.rand(6, 1, generator=g) > 0.5).float())}


def given_bce(seed: int) -> dict:
    """The inputs a bce probe with this seed records."""
    return {"runs": {name: {"y_hat": {"value": probe.data(a)["value"]}, "y": {"value": probe.data(b)["value"]}}
                     for name, (a, b) in _bce_sets(seed).items()}}


def probe_bce(bce_fn: object, seed: int | None = None) -> dict:
    """Call bce on the lesson's 4 predictions and on 6 fresh ones; check the inputs are untouched and autograd."""
    sets = _bce_sets(probe_seed() if seed is None else seed)
    rec: dict[str, Any] = {"bce": probe.function(bce_fn), "runs": {}}
    if not rec["bce"]["callable"]:
        return rec
    for name, (y_hat, y) in sets.items():
        a, b = y_hat.clone().requires_grad_(name == "fixed"), y.clone()
        with probe.quiet():
            out, error = probe.call(bce_fn, a, b)
            grad = None
            if error is None and isinstance(out, torch.Tensor) and out.requires_grad and out.numel() == 1:
                _, error = probe.call(lambda t: t.sum().backward(), out)
                grad = probe.data(a.grad) if a.grad is not None else None
        rec["runs"][name] = {"y_hat": probe.data(y_hat), "y": probe.data(y), "out": probe.data(out), "error": error,
                             "changed_input": not (torch.equal(a.detach(), y_hat) and torch.equal(b, y)),
                             "graph": isinstance(out, torch.Tensor) and out.requires_grad, "grad": grad}
    return rec


@reads("bce")
def bce(bce_fn: object = None) -> None:
    """Check a hand-written binary cross-entropy against nn.BCELoss on the lesson's and fresh predictions."""
    namespace = caller_namespace()

    def run() -> dict:
        fn, error = probe.student(namespace, "bce", bce_fn)
        return probe_bce(fn) | {"cell_error": error}

    run_check(BCE, run)


# ---- exercise 3: training on logits ---------------------------------------------------------------------------

class _Reference(nn.Module):
    """Notebook 02's LogisticRegression, for the probe when the notebook's class is not at hand."""

    def __init__(self, x_in, x_out):
        super().__init__()
        self.linear = nn.Linear(x_in, x_out)
        self.activation = nn.Sigmoid()

    def forward(self, x):
        return self.activation(self.linear(x))


LOGIT_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
LOGIT_RUNS = {"and": ([0.0, 0.0, 0.0, 1.0], 0.5, 20), "or": ([0.0, 1.0, 1.0, 1.0], 0.3, 7)}


def _logit_starts(seed: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """The weights every run of the logits probe starts from (nn.Linear(2, 1)'s own initialization, seeded)."""
    starts = {}
    with torch.random.fork_rng(devices=[]):
        for i, name in enumerate(LOGIT_RUNS):
            torch.manual_seed(seed + i)
            layer = nn.Linear(2, 1)
            starts[name] = (layer.weight.detach().clone(), layer.bias.detach().clone())
    return starts


def given_logits(seed: int) -> dict:
    """The inputs a logits probe with this seed records: data, targets, lr, epochs and the starting weights."""
    return {"runs": {name: {"X": LOGIT_X, "y": targets, "lr": lr, "epochs": epochs,
                            "start": {"weight": {"value": probe.data(w)["value"]},
                                      "bias": {"value": probe.data(b)["value"]}}}
                     for (name, (targets, lr, epochs)), (w, b) in zip(LOGIT_RUNS.items(),
                                                                      _logit_starts(seed).values())}}


def probe_logits(train_fn: object, model_class: object, seed: int | None = None) -> dict:
    """Call train_on_logits on fresh models (AND, then OR with other lr and epochs), recording every backward,
    zero_grad and step with the weights, and the torch functions and modules it used."""
    seed = probe_seed() if seed is None else seed
    rec: dict[str, Any] = {"fn": probe.function(train_fn), "runs": {}}
    if not rec["fn"]["callable"]:
        return rec
    cls = model_class if isinstance(model_class, type) and issubclass(model_class, nn.Module) else _Reference
    X, starts = torch.tensor(LOGIT_X), _logit_starts(seed)
    for i, (name, (targets, lr, epochs)) in enumerate(LOGIT_RUNS.items()):
        y = torch.tensor(targets).view(-1, 1)
        with probe.quiet():
            torch.manual_seed(seed + i)
            model = cls(2, 1)
            if not isinstance(getattr(model, "linear", None), nn.Linear) or model.linear.weight.shape != (1, 2) \
                    or model.linear.bias is None:
                model = _Reference(2, 1)
            with torch.no_grad():  # every run starts from the weights the seed chose
                model.linear.weight.copy_(starts[name][0])
                model.linear.bias.copy_(starts[name][1])
            start = {"weight": probe.data(model.linear.weight), "bias": probe.data(model.linear.bias)}
            recorder = probe.Recorder(lambda m=model: {"weight": m.linear.weight, "bias": m.linear.bias})
            calls = probe.CallLog()
            with recorder.active(), calls:
                result, error = probe.call(train_fn, model, X.clone(), y.clone(), lr, epochs)
        rec["runs"][name] = {"X": probe.data(X)["value"], "y": targets, "lr": lr, "epochs": epochs, "start": start,
                             "end": {"weight": probe.data(model.linear.weight), "bias": probe.data(model.linear.bias)},
                             "events": recorder.events, "calls": calls.names, "error": error,
                             "returned": probe.data(result, values=False)}
    return rec


@reads("train_on_logits", "LogisticRegression")
def train_on_logits(train_fn: object = None, model_class: object = None) -> object:
    """Call the student's train_on_logits on fresh models under observation and compare with the right training;
    return it if it passed, else a working one for the cells below."""
    namespace = caller_namespace()
    found: dict = {}

    def find() -> tuple[object, dict | None]:
        fn, error = probe.student(namespace, "train_on_logits", train_fn)
        found["cls"] = model_class or namespace.get("LogisticRegression")
        return fn, error

    return lend(LOGITS, find, lambda fn: probe_logits(fn, found["cls"]))


def score_table() -> None:
    """The score table of notebook 02's exercises."""
    _score_table(EXERCISES)


