"""The answers to the exercises of notebook 02 (logistic regression): the verdicts, and what they compare a record with.

The grader and the student's own notebook use them; a grading run never sees them (the sandbox hides this
folder: lab_utils.tools.isolation.sandbox.hidden_paths), so a submission can only produce evidence by computing it.

Over 300 lines because it is the catalogue of one notebook's named mistakes: each slip a verdict can name is a
line here, and the sandbox hides this folder whole.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .. import probe
from ..core import (
    N_,
    Answer,
    Fail,
    NotDone,
    answered,
    explain,
    need_function,
    tr,
)
from ..logistic import (
    BCE,
    GRAPH_CUT,
    LOGIT_RUNS,
    LOGITS,
    SIGMOID,
    given_bce,
    given_logits,
    given_sigmoid,
)
from . import need_tensor_result, refuse_step_before_backward


def _same(a: torch.Tensor | None, b: torch.Tensor, finite: bool = True) -> bool:
    """Equal to float32 rounding; with finite=False an inf or nan where `b` has one counts as equal too."""
    return (a is not None and a.shape == b.shape and (not finite or bool(torch.isfinite(a).all()))
            and torch.allclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=not finite))


def _tensor_out(name: str, run: dict, shape: list[int], cause: str) -> torch.Tensor:
    """The output a probe recorded, as a tensor; Fail (or NotDone) naming what is wrong with it."""
    if run.get("error"):
        raise Fail(explain(run["error"], NUMPY), f"{cause}.error")
    out = run["out"]
    need_tensor_result(name, out, cause)
    if out["dtype"] != "float32":
        raise Fail(tr("{name} returned dtype {dtype} (wrong dtype): keep float32", name=name,
                      dtype="torch." + out["dtype"]), f"{cause}.dtype")
    if out["shape"] != shape:
        raise Fail(tr("{name} returned shape {got} for an input of shape {shape}: work element by element, keeping "
                      "the shape", name=name, got=tuple(out["shape"]), shape=tuple(shape)), f"{cause}.shape")
    return probe.tensor(out)


# True of whichever function the student's line used (the sigmoid's exp, the BCE's log): both are named.
NUMPY = [("Can't call numpy()", N_("numpy cannot follow autograd: use torch's own functions (torch.exp, torch.log), "
                                    "not numpy's or math's")),
         ("only one element tensors", N_("math's functions take one number only: use torch's (torch.exp, torch.log), "
                                         "which work element by element"))]


def verdict_sigmoid(rec: dict) -> str:
    """sigma(z) and sigma'(z) from the record: values on every input, no in-place change, autograd through it."""
    need_function("sigmoid", rec["sigmoid"], rec.get("cell_error"))
    runs = rec["sigmoid_runs"]
    grid = runs["grid"]
    z = probe.tensor(grid["z"])
    s = _tensor_out("sigmoid", grid, [25], "sig")
    true = torch.sigmoid(z)
    if not _same(s, true):
        for cause, hint, wrong in [
            ("sig.sign", N_("the sign in the exponent: sigma(z) = 1 / (1 + e^(-z)); with e^(+z) the curve is "
                            "mirrored"), torch.sigmoid(-z)),
            ("sig.tanh", N_("that is tanh(z); the sigmoid is 1 / (1 + e^(-z)), between 0 and 1"), torch.tanh(z)),
            ("sig.minus-in-denominator", N_("the denominator is 1 + e^(-z), not 1 - e^(-z)"), 1 / (1 - torch.exp(-z))),
            ("sig.reciprocal", N_("that is 1 + e^(-z); the sigmoid is its reciprocal, 1 / (1 + e^(-z))"),
             1 + torch.exp(-z)),
            ("sig.no-minus-one", N_("that is 1 / e^(-z) = e^z without the 1 +: sigma(z) = 1 / (1 + e^(-z))"),
             torch.exp(z)),
        ]:
            if _same(s, wrong, finite=False):
                raise Fail(tr(hint), cause)
        raise Fail(tr("sigmoid(0) = {s0:.4f} and sigmoid(2) = {s2:.4f}, but they should be 0.5000 and {t2:.4f}: "
                      "sigma(z) = 1 / (1 + e^(-z))", s0=float(s[12]), s2=float(s[16]), t2=float(true[16])),
                   "sig.wrong")
    _function_robust("sigmoid", runs, torch.sigmoid, "sig")
    auto = runs["autograd"]
    if auto["error"]:
        raise Fail(explain(auto["error"], NUMPY), "sig.numpy" if "numpy" in auto["error"]["text"] else "sig.error")
    if not auto["graph"]:
        raise Fail(tr("autograd cannot go through your sigmoid: it returns a tensor without a graph "
                      "(torch.tensor(...), "
                      ".detach() or numpy inside); build it from torch operations"), "sig.no-graph")
    d = rec["derivative"]
    if d["kind"] == "placeholder" or d.get("stub"):
        raise NotDone(tr("sigmoid is right; now write sigmoid_derivative"))
    need_function("sigmoid_derivative", d)
    druns = rec["derivative_runs"]
    ds = _tensor_out("sigmoid_derivative", druns["grid"], [25], "dsig")
    true_d = true * (1 - true)
    if not _same(ds, true_d):
        for cause, hint, wrong in [
            ("dsig.of-z", N_("apply the formula to sigma(z), not to z itself"), z * (1 - z)),
            ("dsig.sign", N_("a sign: sigma'(z) = sigma(z) * (1 - sigma(z)), not sigma(z) * (1 + sigma(z))"),
             true * (1 + true)),
            ("dsig.tanh", N_("that is tanh's derivative, 1 - tanh(z)^2; the sigmoid's is sigma(z) * (1 - sigma(z))"),
             1 - torch.tanh(z) ** 2),
            ("dsig.square", N_("that is 1 - sigma(z)^2; the sigmoid's derivative is sigma(z) * (1 - sigma(z))"),
             1 - true ** 2),
            ("dsig.sigmoid", N_("that is the sigmoid itself; its derivative is sigma(z) * (1 - sigma(z))"), true),
        ]:
            if _same(ds, wrong):
                raise Fail(tr(hint), cause)
        raise Fail(tr("sigmoid_derivative(0) = {d0:.4f}; it should be 0.2500, the largest slope of the sigmoid",
                      d0=float(ds[12])), "dsig.wrong")
    _function_robust("sigmoid_derivative", druns, lambda t: torch.sigmoid(t) * (1 - torch.sigmoid(t)), "dsig")
    return tr("sigma(0) = 0.5 and sigma'(0) = 0.25, equal to torch.sigmoid and autograd everywhere on [-6, 6]")


def _function_robust(name: str, runs: dict, reference, cause: str) -> None:
    """The grid was right: now a 2-D input, large |z|, and the input left as it was."""
    for key in ("grid", "table", "edges"):
        if runs[key]["changed_input"]:
            raise Fail(tr("{name} changes its argument z in place (z *= -1, z.neg_(), ...), so the caller's tensor "
                          "changes too: compute a new tensor instead", name=name), f"{cause}.in-place")
    table = runs["table"]
    z = probe.tensor(table["z"])
    got = _tensor_out(name, table, list(z.shape), cause)
    if not _same(got, reference(z)):
        raise Fail(tr("{name} is right on a 1-D grid but not on a 2-D tensor of shape {shape}: work element by "
                      "element (no indexing or sums)", name=name, shape=tuple(z.shape)), f"{cause}.2d")
    edges = runs["edges"]
    z = probe.tensor(edges["z"])
    got = _tensor_out(name, edges, [4], cause)
    bad = [i for i in range(4) if not torch.isfinite(got[i]) or abs(float(got[i] - reference(z)[i])) > 1e-6]
    if bad:
        raise Fail(_edge_hint(name, float(z[bad[0]]), float(got[bad[0]]), float(reference(z)[bad[0]])),
                   f"{cause}.overflow")


def _edge_hint(name: str, z: float, value: float, reference: float) -> str:
    """What a value at a large |z| says about the code: which exponential overflowed, and the form that does not."""
    fields = {"z": z, "name": name, "value": value, "reference": reference}
    if math.isfinite(value):
        return tr("at z = {z:g} {name} gives {value:.4g} where it should give {reference:.4g}: it must hold for large "
                  "|z| too (the check tries z = ±30 and ±100)", **fields)
    if name == "sigmoid_derivative":
        return tr("at z = {z:g} sigmoid_derivative gives {value}: {power} overflows to inf in float32 there, and inf "
                  "/ inf is nan; compute it from your sigmoid, s * (1 - s), which stays finite",
                  power="e^z" if z > 0 else "e^(-z)", **fields)
    if z > 0:
        return tr("at z = {z:g} {name} gives {value}: e^z overflows to inf in float32 there; write it with e^(-z), "
                  "1 / (1 + e^(-z)), which stays finite", **fields)
    return tr("at z = {z:g} {name} gives {value}: e^(-z) overflows to inf in float32 there, and inf / inf is nan; "
              "write it as 1 / (1 + e^(-z)), which is 0 there", **fields)


def _bce_slips(y_hat: torch.Tensor, y: torch.Tensor) -> list[tuple[str, str, torch.Tensor]]:
    """(cause, hint, the value that slip gives) for the usual ways a hand-written BCE goes wrong."""
    per_sample = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log())
    flat = -(y.view(-1) * y_hat.log() + (1 - y.view(-1)) * (1 - y_hat).log())
    return [
        ("bce.sum", N_("a sum instead of the mean: divide by the number of samples (use .mean())"),
         per_sample.sum()),
        ("bce.sign", N_("the minus sign is missing: log of a probability is negative, the loss must be positive"),
         -per_sample.mean()),
        ("bce.broadcast", N_("shapes (4,) and (4, 1) were mixed and broadcast to a (4, 4) table: keep y and y_hat "
                             "both (4, 1)"), flat.mean()),
        ("bce.only-positive", N_("only the y log(y_hat) term is there; add (1 - y) log(1 - y_hat) for the samples "
                                 "whose target is 0"), -(y * y_hat.log()).mean()),
        ("bce.only-negative", N_("only the (1 - y) log(1 - y_hat) term is there; add y log(y_hat) for the "
                                 "samples whose target is 1"), -((1 - y) * (1 - y_hat).log()).mean()),
        ("bce.log10", N_("that uses log base 10 (or 2): cross-entropy uses the natural log, torch.log"),
         per_sample.mean() / torch.log(torch.tensor(10.0, dtype=torch.float64))),
        ("bce.log10", N_("that uses log base 10 (or 2): cross-entropy uses the natural log, torch.log"),
         per_sample.mean() / torch.log(torch.tensor(2.0, dtype=torch.float64))),
        ("bce.swapped-terms", N_("the terms are paired the wrong way round: y goes with log(y_hat), (1 - y) with "
                                 "log(1 - y_hat)"), -(y * (1 - y_hat).log() + (1 - y) * y_hat.log()).mean()),
        ("bce.mse", N_("that is the mean squared error of y_hat and y; cross-entropy takes logs: "
                       "-(y log(y_hat) + (1 - y) log(1 - y_hat)), averaged"), ((y_hat - y) ** 2).mean()),
        ("bce.swapped-arguments", N_("the arguments are swapped: the logs are taken of y (the targets) and "
                                     "weighted by y_hat; y_hat goes inside the logs, y outside"),
         nn.functional.binary_cross_entropy(y.to(y_hat.dtype), y_hat.to(y.dtype))),
    ]


def _bce_in_place() -> Fail:
    return Fail(tr("bce changes y_hat or y in place, so the caller's tensors change too: compute new tensors "
                   "(torch.log(y_hat), not y_hat.log_())"), "bce.in-place")


def verdict_bce(rec: dict) -> str:
    """The hand-written BCE from its record: value on both sets against nn.BCELoss, the usual slips named."""
    need_function("bce", rec["bce"], rec.get("cell_error"))
    value = None
    for name in ("fixed", "fresh"):
        run = rec["runs"][name]
        if run["error"] and "in-place operation" in run["error"]["text"]:
            raise _bce_in_place()
        if run["error"]:
            raise Fail(explain(run["error"], NUMPY + [("Using a target size", N_(
                "target shape: the target must have the same shape as y_hat, (4, 1), not (4,)"))]), "bce.error")
        out = run["out"]
        if out["kind"] == "float":
            raise Fail(tr("bce returned a Python number: .item() leaves autograd behind, so cost.backward() could "
                          "not train through it — return the tensor"), "bce.item")
        need_tensor_result("bce", out, "bce")
        y_hat, y, got = probe.tensor(run["y_hat"]), probe.tensor(run["y"]), probe.tensor(out)
        n = len(y)
        if got.numel() != 1:
            if list(got.shape) == [n, n]:
                raise Fail(tr("the result has shape ({n}, {n}): y of shape ({n},) against y_hat of shape ({n}, 1) "
                              "broadcasts to a table — keep both ({n}, 1)", n=n), "bce.broadcast")
            raise Fail(tr("the result has shape {shape}: average the per-sample losses to one number with .mean()",
                          shape=tuple(got.shape)), "bce.not-averaged")
        got = got.reshape(())
        true = nn.functional.binary_cross_entropy(y_hat, y)
        if torch.allclose(got, true, rtol=1e-4):
            value = value if value is not None else float(got)
            continue
        slips = _bce_slips(y_hat, y)
        for cause, hint, wrong in slips:
            if torch.allclose(got, wrong.to(got.dtype), rtol=1e-4):
                raise Fail(tr(hint), cause)
        if not torch.isfinite(got):
            raise Fail(tr("the loss is inf or NaN: take the logs of y_hat and 1 - y_hat (predictions), not of y "
                          "(targets)"), "bce.log-of-targets")
        if name == "fresh":
            if torch.allclose(got, -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).sum() / 4, rtol=1e-4):
                raise Fail(tr("bce divides by 4, the lesson's number of samples: use .mean(), so that it works for "
                              "any batch"), "bce.hard-coded-n")
            raise Fail(tr("bce is right on the lesson's 4 predictions but gives {value:.4f} instead of {true:.4f} on "
                          "6 others: compute it from y_hat and y alone", value=float(got), true=float(true)),
                       "bce.other-data")
        raise Fail(tr("bce gives {value:.4f} but nn.BCELoss gives {true:.4f} on the same predictions: -(y log y_hat + "
                      "(1 - y) log(1 - y_hat)), averaged", value=float(got), true=float(true)), "bce.wrong")
    if any(run["changed_input"] for run in rec["runs"].values()):
        raise _bce_in_place()
    fixed = rec["runs"]["fixed"]
    if not fixed["graph"] or fixed["grad"] is None:
        raise Fail(tr("autograd cannot go through your bce (a tensor rebuilt with torch.tensor(...), .detach() or "
                      ".item() inside): compute it from y_hat with torch operations"), "bce.no-graph")
    return tr("{value:.4f}, equal to nn.BCELoss()", value=value)


def _train(run: dict, mode: str = "right") -> torch.Tensor:
    """Weights after the run's epochs from its start, trained the way `mode` says."""
    layer = nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.copy_(probe.tensor(run["start"]["weight"]).float())
        layer.bias.copy_(probe.tensor(run["start"]["bias"]).float())
    X, y = torch.tensor(run["X"]), torch.tensor(run["y"]).view(-1, 1)
    if mode == "notebook-data":
        y = torch.tensor(LOGIT_RUNS["and"][0]).view(-1, 1)
    opt = torch.optim.SGD(layer.parameters(), lr=run["lr"])
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(run["epochs"]):
        logits = layer(X)
        cost = loss_fn(torch.sigmoid(logits) if mode == "sigmoid-first" else logits, y)
        if mode != "no-zero-grad":
            opt.zero_grad()
        cost.backward()
        opt.step()
    return torch.cat([layer.weight.detach().view(-1), layer.bias.detach().view(-1)]).double()


def _weights(state: dict) -> torch.Tensor:
    return torch.cat([probe.tensor(state["weight"]).view(-1), probe.tensor(state["bias"]).view(-1)])


def _unmoved(backwards: list[dict], steps: list[dict]) -> Fail:
    """Why the weights never moved: no backward, no step, another model's optimizer, or zero_grad in between."""
    if not backwards:
        return Fail(tr("the loop never calls cost.backward(), so no gradient reaches the weights"),
                    "logits.no-backward")
    if not steps:
        return Fail(tr("the loop never updates the model's weights: optimizer.zero_grad(), cost.backward(), "
                       "optimizer.step() on the model you are given"), "logits.no-step")
    if any(not all(s["holds"].values()) for s in steps):
        return Fail(tr("optimizer.step() updates another model's weights: use the optimizer made in the "
                       "function, over model.parameters()"), "logits.other-model")
    return Fail(tr("zero_grad() runs between backward() and step(), so step() finds no gradient: call "
                   "optimizer.zero_grad() before cost.backward()"), "logits.zero-grad-order")


def _logits_settings(run: dict, steps: list[dict]) -> None:
    """Fail where the steps used another optimizer, another lr or another number of epochs than asked."""
    if steps and steps[0]["kind"] != "SGD":
        raise Fail(tr("the optimizer is {kind}; train with the optim.SGD the function creates",
                      kind=steps[0]["kind"]),
                   "logits.optimizer")
    used = steps[0]["settings"].get("lr") if steps else None
    if used is not None and abs(used - run["lr"]) > 1e-12:
        raise Fail(tr("the optimizer's lr is {got:g}, not the lr = {want:g} passed to train_on_logits: use the "
                      "argument", got=used, want=run["lr"]), "logits.lr")
    if len(steps) != run["epochs"]:
        raise Fail(tr("train_on_logits made {count} updates for epochs = {epochs}: one step per epoch, "
                      "for epoch in range(epochs)", count=len(steps), epochs=run["epochs"]), "logits.epochs")


def verdict_logits(rec: dict) -> str:
    """train_on_logits from its record: the weights it reached against BCEWithLogitsLoss on the logits, on two
    problems; the first departure (loss, call order, optimizer, data) named."""
    fn = rec["fn"]
    need_function("train_on_logits", fn, rec.get("cell_error"))
    if fn.get("stub"):
        raise NotDone
    for name, run in rec["runs"].items():
        if run["error"]:
            if GRAPH_CUT in run["error"]["text"]:
                raise Fail(tr("the cost has no graph back to the model's weights: the logits were computed under "
                              "torch.no_grad(), .detach()ed or taken with .item(); compute logits = model.linear(X) "
                              "normally inside the loop"), "logits.graph-cut")
            raise Fail(explain(run["error"]), "logits.error")
        now, start = _weights(run["end"]), _weights(run["start"])
        if not torch.isfinite(now).all():
            raise Fail(tr("the weights turned NaN or inf: the loss blew up"), "logits.diverged")
        events = run["events"]
        refuse_step_before_backward(events, "logits.step-before-backward")
        backwards = [e for e in events if e["call"] == "backward"]
        steps = [e for e in events if e["call"] == "step"]

        def near(mode: str, now=now, run=run) -> bool:
            return torch.allclose(now, _train(run, mode), rtol=1e-4, atol=1e-6)

        if near("right"):
            if "binary_cross_entropy" in run["calls"] and "binary_cross_entropy_with_logits" not in run["calls"]:
                raise Fail(tr("the cost is nn.BCELoss on sigmoid(logits): the exercise is to give the logits to "
                              "loss_fn, nn.BCEWithLogitsLoss, which applies the sigmoid itself and stays exact where "
                              "BCELoss needs + 1e-8"), "logits.bce-on-sigmoid")
            continue
        if torch.equal(now, start):
            raise _unmoved(backwards, steps)
        if name != "and" and near("notebook-data"):
            raise Fail(tr("train_on_logits trains on the notebook's y, not on the targets passed to it: use its "
                          "arguments X and y"), "logits.global-data")
        if near("sigmoid-first"):
            raise Fail(tr("a sigmoid is applied before BCEWithLogitsLoss, which applies its own: pass the logits "
                          "model.linear(X), not probabilities"), "logits.sigmoid-first")
        if near("no-zero-grad") or (steps and not any(e["call"] == "zero_grad" for e in events)):
            raise Fail(tr("the gradients accumulate: call optimizer.zero_grad() before cost.backward() in every "
                          "epoch"), "logits.no-zero-grad")
        _logits_settings(run, steps)
        right = _train(run)
        raise Fail(tr("after {epochs} epochs at lr = {lr} the weights are {now}, but forward on the logits -> "
                      "BCEWithLogitsLoss -> zero_grad -> backward -> step gives {right}", epochs=run["epochs"],
                      lr=run["lr"], now=[round(v, 4) for v in now.tolist()],
                      right=[round(v, 4) for v in right.tolist()]),
                   "logits.departs")
    return tr("{epochs} epochs of BCEWithLogitsLoss on the logits move the weights as expected",
              epochs=LOGIT_RUNS["and"][2])


def train_on_logits(model: nn.Module, X: torch.Tensor, y: torch.Tensor, lr: float, epochs: int) -> nn.Module:
    """The working train_on_logits lent to the cells below until the student's passes: BCEWithLogitsLoss on the
    logits model.linear(X), full batch."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        cost = loss_fn(model.linear(X), y)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
    return model


ANSWERS = answered(
    Answer(SIGMOID, verdict_sigmoid, given_sigmoid),
    Answer(BCE, verdict_bce, given_bce),
    Answer(LOGITS, verdict_logits, given_logits, stand_in=train_on_logits),
)
