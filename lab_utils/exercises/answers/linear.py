"""The answers to the exercises of notebook 01 (linear regression): the verdicts, and what they compare a record with.

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
    close,
    explain,
    need_class,
    tr,
    value_of,
)
from ..linear import (
    GRADIENTS,
    GRAPH_CUT,
    LOOP,
    MODULE,
    MODULE_SIZES,
    given_gradients,
    given_loop,
    given_module,
)
from . import need_defined, refuse_step_before_backward


def _as_tensors(rec: dict) -> tuple[torch.Tensor, torch.Tensor]:
    return (torch.tensor(rec["X"], dtype=torch.float32).view(-1), torch.tensor(rec["y"], dtype=torch.float32).view(-1))


def _descend(start: tuple[float, float], X, y, lr: float, epochs: int) -> tuple[list, list]:
    """The lecture's loop from `start`: (W, b) before each epoch and after the last, and the cost of each epoch."""
    W = torch.tensor([start[0]], dtype=torch.float32, requires_grad=True)
    b = torch.tensor([start[1]], dtype=torch.float32, requires_grad=True)
    opt = torch.optim.SGD([W, b], lr=lr)
    path, costs = [(W.item(), b.item())], []
    for _ in range(epochs):
        cost = torch.mean((X * W + b - y) ** 2)
        opt.zero_grad()
        cost.backward()
        opt.step()
        path.append((W.item(), b.item()))
        costs.append(cost.item())
    return path, costs


def stability_limit(X: torch.Tensor) -> float:
    """The largest stable lr of gradient descent on the mean squared error of y = W x + b: 2 / lambda_max."""
    x = X.double().view(-1)
    H = 2 * torch.tensor([[float((x * x).mean()), float(x.mean())], [float(x.mean()), 1.0]], dtype=torch.float64)
    return 2 / float(torch.linalg.eigvalsh(H)[-1])


def _one_number(name: str, t: dict) -> float:
    """W or b from the record: a one-element float32 leaf tensor that requires grad, as the lecture makes it."""
    need_defined([name] if t["kind"] == "missing" else [])
    if t["kind"] != "tensor":
        raise Fail(tr("{name} must be a tensor, got {kind} — create it with torch.rand(1, ...)", name=name,
                      kind=t.get("name", t["kind"])), "loop.not-tensor")
    if math.prod(t["shape"]) != 1:
        raise Fail(tr("{name} has shape {shape}; the lecture's {name} is torch.rand(1): one number", name=name,
                      shape=tuple(t["shape"])), "loop.shape")
    if t["dtype"] != "float32":
        raise Fail(tr("{name} has dtype {dtype} (wrong dtype): keep float32 like X and y", name=name,
                      dtype="torch." + t["dtype"]), "loop.dtype")
    if not t["leaf"]:
        raise Fail(tr("{name} was replaced by a new tensor ({name} = {name} - ...): let optimizer.step() update it "
                      "in place", name=name), "loop.replaced")
    if not t["requires_grad"]:
        raise Fail(tr("{name} has no requires_grad, so autograd cannot compute {name}.grad — create it with "
                      "requires_grad=True", name=name), "loop.no-requires-grad")
    return float(torch.tensor(t["value"]).view(-1)[0])


def _diverged(costs: list[float]) -> bool:
    finite = [c for c in costs if c is not None and math.isfinite(c)]
    return len(finite) < len(costs) or (len(finite) > 2 and finite[-1] > 10 * finite[0])


def verdict_loop(rec: dict) -> str:
    """The training loop's outcome from its record: replayed from the student's own start, first departure named."""
    W_rec, b_rec, error = rec["W"], rec["b"], rec.get("error")
    if "placeholder" in (W_rec["kind"], b_rec["kind"], rec.get("optimizer", {}).get("kind")):
        raise NotDone(tr("create W and b, the optimizer, and write the loop"))
    if error:
        if GRAPH_CUT in error["text"]:
            if W_rec.get("requires_grad") and b_rec.get("requires_grad"):
                raise Fail(tr("the cost has no graph back to W and b: it was computed under torch.no_grad(), from "
                              "W.detach() or from .item() numbers; compute y_hat = X * W + b and the cost normally "
                              "inside the loop"), "loop.graph-cut")
            raise Fail(tr("W and b need requires_grad=True, or backward() has nothing to compute: "
                          "torch.rand(1, requires_grad=True)"), "loop.no-requires-grad")
        raise Fail(explain(error, [("only for scalar outputs", N_("backward() needs the cost as one number: average "
                                                                   "the squared errors with torch.mean"))]),
                   "error")
    X, y = _as_tensors(rec)
    lr, epochs = rec["lr"], rec["epochs"]
    W_end, b_end = _one_number("W", W_rec), _one_number("b", b_rec)
    events = rec.get("events")
    if events is None:  # no record of the run: compare the end with the lecture's loop from its own start
        path, _ = _descend(tuple(rec["lecture_start"]), X, y, lr, epochs)
        if close(W_end, path[-1][0]) and close(b_end, path[-1][1]):
            return _loop_passed(W_end, b_end, epochs, None)
        raise Fail(tr("W = {w:.3f}, b = {b:.3f} after the loop, but {epochs} epochs of forward -> cost -> zero_grad -> "
                      "backward -> step with lr = {lr} from the lecture's start give W = {w_ref:.3f}, "
                      "b = {b_ref:.3f}", w=W_end, b=b_end, epochs=epochs, lr=lr, w_ref=path[-1][0],
                      b_ref=path[-1][1]), "loop.departs")
    backwards = [e for e in events if e["call"] == "backward"]
    steps = [e for e in events if e["call"] == "step"]
    if not backwards:
        raise Fail(tr("the loop never calls cost.backward(), so W.grad stays empty and W and b never change"),
                   "loop.no-backward")
    states = [e["state"] for e in backwards if "W" in e["state"] and "b" in e["state"]]
    start = (states[0]["W"]["value"][0], states[0]["b"]["value"][0]) if states else (W_end, b_end)
    path, costs = _descend(start, X, y, lr, epochs)
    if close(W_end, path[-1][0]) and close(b_end, path[-1][1]) and len(backwards) == epochs:
        lecture = tuple(rec["lecture_start"])
        own = None if close(start[0], lecture[0]) and close(start[1], lecture[1]) else start
        return _loop_passed(W_end, b_end, epochs, own)
    if len({s["W"]["object"] for s in states}) > 1 or len({s["b"]["object"] for s in states}) > 1:
        raise Fail(tr("W and b are created again inside the loop, so each epoch starts from a new random value: "
                      "create them once, before the loop"), "loop.init-in-loop")
    first = backwards[0]["loss"]
    mse = costs[0] if costs else None
    if first is not None and mse is not None and not close(first, mse):
        if close(first, len(X) * mse):
            raise Fail(tr("the cost is a sum over the samples, not the mean: use torch.mean (or loss_fn)"), "loop.sum")
        raise Fail(tr("the first epoch's cost is {got:.4f}, but the mean squared error of y_hat = X * W + b is "
                      "{want:.4f}: cost = loss_fn(X * W + b, y)", got=first, want=mse), "loop.cost")
    _loop_update(rec, events, steps, backwards, (W_end, b_end), start)
    if steps and len(backwards) > len(steps) and len(backwards) % len(steps) == 0:
        raise Fail(tr("cost.backward() runs {k} times per step, so each step follows {k} times the gradient (backward "
                      "adds to .grad): call it once per epoch", k=len(backwards) // len(steps)), "loop.backward-twice")
    _frozen(states, path)
    k = next((i for i, s in enumerate(states)
              if i < len(path)
              and not (close(s["W"]["value"][0], path[i][0]) and close(s["b"]["value"][0], path[i][1]))),
             len(states))
    raise Fail(tr("W and b follow the lecture's loop for {k} epochs, then depart: at the end W = {w:.4f}, b = {b:.4f} "
                  "where {epochs} epochs with lr = {lr} give W = {w_ref:.4f}, b = {b_ref:.4f}", k=k, w=W_end, b=b_end,
                  epochs=epochs, lr=lr, w_ref=path[-1][0], b_ref=path[-1][1]), "loop.departs")


def _loop_update(rec: dict, events: list, steps: list, backwards: list, end: tuple, start: tuple) -> None:
    """Name what is wrong with the update: optimizer kind and settings, call order, lr, epochs, divergence."""
    lr, epochs = rec["lr"], rec["epochs"]
    costs = [e["loss"] for e in backwards]
    limit = stability_limit(torch.tensor(rec["X"]))
    if steps:
        opt = steps[0]
        if opt["kind"] != "SGD":
            raise Fail(tr("the optimizer is {kind}; the lecture's loop uses plain gradient descent, "
                          "optim.SGD([W, b], lr={lr})", kind=opt["kind"], lr=lr), "loop.optimizer")
        settings = opt["settings"]
        if settings.get("momentum") or settings.get("nesterov"):
            raise Fail(tr("SGD with momentum = {m:g}: the lecture's loop takes plain steps, optim.SGD([W, b], "
                          "lr={lr}) without momentum", m=settings.get("momentum", 0), lr=lr), "loop.momentum")
        if settings.get("weight_decay"):
            raise Fail(tr("SGD with weight_decay = {d:g} pulls W and b towards 0; the lecture's loop has none",
                          d=settings["weight_decay"]), "loop.weight-decay")
        missing = [n for n in ("W", "b") if not opt["holds"].get(n)]
        if missing:
            raise Fail(tr("the optimizer does not hold {names}, so step() never updates it: "
                          "optim.SGD([W, b], lr={lr})", names=" and ".join(missing), lr=lr), "loop.param-missing")
    refuse_step_before_backward(events, "loop.step-before-backward")
    window: list[str] = []
    zero_grads = [e for e in events if e["call"] == "zero_grad"]
    for e in events:
        if e["call"] == "step":
            if "backward" in window and window[len(window) - 1 - window[::-1].index("backward"):].count("zero_grad"):
                raise Fail(tr("zero_grad() runs between backward() and step(), so step() finds no gradient and W and "
                              "b never change: call optimizer.zero_grad() before cost.backward()"),
                           "loop.zero-grad-order")
            window = []
        else:
            window.append(e["call"])
    if not zero_grads and len(backwards) > 1 and (steps or end != start):
        raise Fail(tr("the gradients accumulate: backward() adds to .grad, so call optimizer.zero_grad() before "
                      "cost.backward() in every epoch"), "loop.no-zero-grad")
    if not steps and end == start:
        raise Fail(tr("W and b never change: the loop must call optimizer.step() after cost.backward()"),
                   "loop.no-step")
    used = steps[0]["settings"].get("lr") if steps else None
    if _diverged(costs):
        raise Fail(tr("the loss diverged: it grew from {first:.3g} to {last:.3g} in {n} epochs — lr = {lr} is too "
                      "large for this data: gradient descent on it converges only for lr below {limit:.3f} (its "
                      "stability limit, 2 / the loss's largest curvature); the exercise uses lr = {want}",
                      first=costs[0], last=next((c for c in reversed(costs) if c is not None), costs[0]),
                      n=len(costs), lr=used if used is not None else "?", limit=limit, want=lr), "loop.diverged")
    if used is not None and not close(used, lr):
        raise Fail(tr("the optimizer's lr is {got:g}; the exercise's loop uses lr = {want}", got=used, want=lr),
                   "loop.lr")
    count = len(steps) if steps else len(backwards)
    if count != epochs:
        raise Fail(tr("the loop makes {count} updates; the exercise asks for {epochs} epochs (for epoch in "
                      "range(slide_epochs)), one update each", count=count, epochs=epochs), "loop.epochs")


def _loop_passed(W: float, b: float, epochs: int, own_start: tuple | None) -> str:
    if own_start is not None:
        return tr("from your start W = {w0:.3f}, b = {b0:.3f}, W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as "
                  "the lecture's loop gives", w0=own_start[0], b0=own_start[1], w=W, b=b, epochs=epochs)
    return tr("W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as the lecture's loop gives (still far from W = 1, "
              "b = 0)", w=W, b=b, epochs=epochs)


def _true_gradients(run: dict) -> dict[str, float]:
    X, y = probe.tensor(run["X"]), probe.tensor(run["y"])
    W, b = probe.tensor(run["W"]), probe.tensor(run["b"])
    r = X * W + b - y
    return {"dW": float(2 / len(X) * (X * r).sum()), "db": float(2 / len(X) * r.sum())}


def _gradient_slips(run: dict) -> list[tuple[str, str, dict[str, float]]]:
    X, y = probe.tensor(run["X"]), probe.tensor(run["y"])
    W, b = probe.tensor(run["W"]), probe.tensor(run["b"])
    r, n = X * W + b - y, len(X)
    true = _true_gradients(run)
    flat = X * W + b - y.view(-1)  # (n, 1) - (n,) broadcasts to an (n, n) table
    return [
        ("grad.no-2-over-n", N_("the factor 2/n is missing: the 2 comes from the square, the 1/n from the mean"),
         {"dW": float((X * r).sum()), "db": float(r.sum())}),
        ("grad.no-2", N_("the factor 2 is missing: the derivative of (y_hat - y)^2 is 2 (y_hat - y)"),
         {"dW": float((X * r).mean()), "db": float(r.mean())}),
        ("grad.sum", N_("a sum instead of the mean: the loss averages over the n samples, so divide by n"),
         {"dW": float(2 * (X * r).sum()), "db": float(2 * r.sum())}),
        ("grad.sign", N_("the sign is flipped: the error is (y_hat - y), not (y - y_hat)"),
         {k: -v for k, v in true.items()}),
        ("grad.broadcast", N_("shapes (n,) and (n, 1) were mixed: y_hat - y.view(-1) broadcasts to an (n, n) table; "
                              "keep both (n, 1)"),
         {"dW": float(2 / n * (X * flat).sum()), "db": float(2 / n * flat.sum())}),
        ("grad.swapped", N_("dW and db are swapped"), {"dW": true["db"], "db": true["dW"]}),
        ("grad.no-x", N_("dW lacks the factor x: by the chain rule d(W x + b)/dW = x, so dW = 2/n * sum(x (y_hat - "
                         "y))"),
         {"dW": true["db"], "db": true["db"]}),
    ]


def _frozen(states: list[dict], path: list[tuple[float, float]]) -> None:
    """Fail where one of W and b never moves while the lecture's loop moves it: no gradient reaches it."""
    if len(states) < 2:
        return
    still = [name for i, name in enumerate(("W", "b"))
             if all(close(s[name]["value"][0], states[0][name]["value"][0]) for s in states)
             and not close(path[min(len(states), len(path)) - 1][i], path[0][i])]
    if len(still) == 1:
        name = still[0]
        raise Fail(tr("{name} never changes while the lecture's loop moves it: no gradient reaches {name}, so the cost "
                      "is computed from {name}.detach(), {name}.data or a number taken from it; compute "
                      "y_hat = X * W + b from W and b themselves", name=name), "loop.frozen")


def _common_factor(got: dict[str, float], true: dict[str, float]) -> float | None:
    """The factor k where dW and db are both k times the true gradient (k not 1), else None."""
    if any(abs(true[name]) < 1e-8 for name in true):
        return None
    ratios = [got[name] / true[name] for name in true]
    k = ratios[0]
    return k if abs(k - 1) > 1e-3 and abs(ratios[1] - k) <= 1e-4 * max(1.0, abs(k)) else None


def verdict_gradients(rec: dict) -> str:
    """dW and db against the true gradient of the mean squared error, on the notebook's values and fresh data."""
    runs = rec["runs"]
    first = runs[0]
    if "placeholder" in (first["dW"]["kind"], first["db"]["kind"]):
        raise NotDone(tr("write dW and db with the chain rule"))
    if first.get("error"):
        raise Fail(explain(first["error"]), "error")
    for i, run in enumerate(runs):
        got = {"dW": value_of("dW", run["dW"]), "db": value_of("db", run["db"])}
        true = _true_gradients(run)
        if all(close(got[k], true[k]) for k in got):
            continue
        if i == 0:
            for cause, hint, values in _gradient_slips(run):
                if all(close(got[k], values[k]) for k in got):
                    raise Fail(tr(hint), cause)
            factor = _common_factor(got, true)
            if factor is not None:
                n = len(run["X"]["value"])
                times = next((text for value, text in ((n, "n"), (1 / n, "1/n"), (2, "2"), (0.5, "1/2"))
                              if abs(factor - value) <= 1e-4 * max(1.0, value)), f"{factor:.4g}")
                raise Fail(tr("dW and db are both {times} times the gradient (n = {n}): the chain rule of the mean "
                              "gives 2/n * sum((W x + b - y) * x) and 2/n * sum(W x + b - y); check the factor in "
                              "front of the sums", times=times, n=n), "grad.scaled")
            wrong = next(k for k in got if not close(got[k], true[k]))
            raise Fail(tr("{name} = {value:.5f} is not the gradient of the mean squared error here; apply the chain "
                          "rule to (1/n) * sum((W x + b - y)^2)", name=wrong, value=got[wrong]), "grad.wrong")
        if run.get("error"):
            raise Fail(explain(run["error"]), "error")
        grads = {"dW": run["W"].get("grad"), "db": run["b"].get("grad")}
        if all(grads[k] is not None and close(got[k], float(torch.tensor(grads[k]).view(-1)[0])) for k in got):
            raise Fail(tr("dW and db copy autograd's W.grad and b.grad; derive them by hand with the chain rule"),
                       "grad.copied")
        n0 = len(runs[0]["X"]["value"])
        X, y = probe.tensor(run["X"]), probe.tensor(run["y"])
        r = X * probe.tensor(run["W"]) + probe.tensor(run["b"]) - y
        if close(got["db"], float(2 / n0 * r.sum())):
            raise Fail(tr("the number of samples is written as {n}: on other data it is different — use n = len(X)",
                          n=n0), "grad.hard-coded-n")
        raise Fail(tr("dW and db are right on the notebook's data but not on other data (dW = {got:.4f}, true "
                      "{true:.4f}): compute them from X, y, W and b, not from fixed numbers", got=got["dW"],
                      true=true["dW"]), "grad.other-data")
    got = {"dW": value_of("dW", first["dW"]), "db": value_of("db", first["db"])}
    return tr("dW = {dW:.5f}, db = {db:.5f}, equal to autograd's W.grad and b.grad", dW=got["dW"], db=got["db"])


class StandIn(nn.Module):
    """A working LinearRegression lent to the rest of the notebook while the exercise is unfinished."""

    def __init__(self, x_in, x_out):
        super().__init__()
        self.linear = nn.Linear(x_in, x_out)

    def forward(self, x):
        return self.linear(x)


MODULE_SYMPTOMS = [
    ("positional argument", N_("LinearRegression(x_in, x_out) and forward(self, x) keep the exercise's arguments")),
    ("unexpected keyword argument", N_("LinearRegression(x_in, x_out) and forward(self, x) keep the exercise's "
                                       "arguments")),
]


def verdict_module(rec: dict) -> str:
    """The LinearRegression class from its record: layer, sizes, bias, and outputs against x W^T + b."""
    cls = rec["cls"]
    need_class("LinearRegression", cls, rec.get("cell_error"), "module.not-module")
    for cfg in rec["configs"]:
        _module_output(cfg, cls, _module_layer(cfg, cls))
    return tr("LinearRegression(1, 1) holds nn.Linear(1, 1) and returns its output")


def _module_layer(cfg: dict, cls: dict) -> dict:
    """One size's class: built, holding one nn.Linear(x_in, x_out) with its bias and nothing else; the layer."""
    x_in, x_out = cfg["x_in"], cfg["x_out"]
    if cfg.get("init_error"):
        if cls.get("stub"):
            raise NotDone(tr("until it is, the cells below use a working stand-in"))
        cause = "module.no-super" if "before Module.__init__()" in cfg["init_error"]["text"] else "error"
        raise Fail(explain(cfg["init_error"], MODULE_SYMPTOMS), cause)
    linear = cfg["linear"]
    if linear["kind"] == "placeholder":
        raise NotDone(tr("until it is, the cells below use a working stand-in"))
    if linear["kind"] == "class":
        raise Fail(tr("self.linear is the class {name} itself, not a layer: create one, nn.Linear(x_in, x_out)",
                      name=linear["name"]), "module.class-not-instance")
    if "layer" not in cfg:
        raise Fail(tr("the model has no nn.Linear layer: build it from one, nn.Linear(x_in, x_out) (any name; "
                      "the cells below read its weight and bias)"), "module.no-linear")
    layer = cfg["layer"]
    if (layer["in"], layer["out"]) != (x_in, x_out):
        cause = ("module.swapped" if (layer["in"], layer["out"]) == (x_out, x_in)
                 else "module.hard-coded-sizes" if (layer["in"], layer["out"]) == MODULE_SIZES[0]
                 else "module.sizes")
        raise Fail(tr("LinearRegression({x_in}, {x_out}) made nn.Linear({a}, {b}): pass x_in, then x_out",
                      x_in=x_in, x_out=x_out, a=layer["in"], b=layer["out"]), cause)
    if not layer["bias"]:
        raise Fail(tr("the layer has no bias: linear regression is y = W x + b, so keep nn.Linear's bias"),
                   "module.no-bias")
    if len(cfg["params"]) != 2:
        raise Fail(tr("the model has {count} parameter tensors; it should have exactly the layer's weight and "
                      "bias", count=len(cfg["params"])), "module.extra-params")
    return layer


def _module_output(cfg: dict, cls: dict, layer: dict) -> None:
    """One size's forward: runs, returns the layer's output x W^T + b unchanged, with its graph."""
    x_in, x_out = cfg["x_in"], cfg["x_out"]
    if cfg.get("error"):
        if cls.get("stub"):
            raise NotDone(tr("forward still returns ..."))
        if "cannot be multiplied" in cfg["error"]["text"]:
            raise Fail(tr("forward multiplies x by the weight as it is, but nn.Linear keeps its weight as "
                          "(x_out, x_in): return self.linear(x) (or x @ self.linear.weight.T + "
                          "self.linear.bias)"), "module.weight-orientation")
        raise Fail(explain(cfg["error"], MODULE_SYMPTOMS), "error")
    out = cfg["y_hat"]
    if out["kind"] == "placeholder":
        raise NotDone(tr("forward still returns ..."))
    if out["kind"] == "none":
        raise Fail(tr("forward returns None: end it with return self.linear(x)"), "module.no-return")
    if out["kind"] == "module":
        raise Fail(tr("forward returns the layer itself, not its output: return self.linear(x)"),
                   "module.returns-layer")
    if out["kind"] != "tensor" or out["shape"] != [5, x_out]:
        shape = tuple(out["shape"]) if out["kind"] == "tensor" else out.get("name", out["kind"])
        raise Fail(tr("forward on a batch of shape (5, {x_in}) returned {shape}; it should return "
                      "self.linear(x), of shape (5, {x_out})", x_in=x_in, x_out=x_out, shape=shape),
                   "module.shape")
    x, W, b = probe.tensor(cfg["x"]), probe.tensor(layer["weight"]), probe.tensor(layer["bias_value"])
    want, got = x @ W.T + b, probe.tensor(out)
    if not torch.allclose(got, want, rtol=1e-4, atol=1e-5):
        again = probe.tensor(cfg["y_hat_again"])
        if again is not None and not torch.allclose(got, again):
            raise Fail(tr("forward gives other outputs each time for the same x: it creates a new layer on "
                          "every call; create self.linear once in __init__ and use it"), "module.new-layer")
        if torch.allclose(got, torch.sigmoid(want), rtol=1e-4, atol=1e-5) or \
                torch.allclose(got, torch.relu(want), rtol=1e-4, atol=1e-5):
            raise Fail(tr("forward should return self.linear(x) unchanged (no activation in linear regression)"),
                       "module.activation")
        raise Fail(tr("forward should return self.linear(x) unchanged (no activation in linear regression)"),
                   "module.forward-wrong")
    if cfg.get("trains") is False or not out["requires_grad"]:
        raise Fail(tr("the output has no graph back to the layer's weights (torch.no_grad() or .detach() in "
                      "forward), so training could not update them"), "module.no-graph")


ANSWERS = answered(
    Answer(LOOP, verdict_loop, given_loop),
    Answer(GRADIENTS, verdict_gradients, given_gradients),
    Answer(MODULE, verdict_module, given_module, stand_in=StandIn),
)
