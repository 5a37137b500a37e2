"""Probes: run the student's code under observation and record what it did as plain data.

A record holds only JSON types (dicts, lists, str, numbers, bools, None): tensors become {"kind": "tensor", ...}
with their values as nested lists, an exception becomes {"type", "text", "line", "code"}. A verdict (in the
exercise modules) reads nothing else, so it can run in a process that never loads the student's code.

Student code runs here with its output, warnings and random numbers kept away from the notebook: stdout and stderr
are captured, figures it opens are closed, and the random generators of torch, numpy and Python are restored.

One module over 300 lines on purpose: everything that runs student code and turns what it did into plain data is
here, so that it is reviewed in one place.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import random
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch
from torch import nn

from ..nbfile import cells_run
from .patches import patched
from .stubs import is_stub

CELL_FILE = "<exercise cell>"  # the file name of a re-run cell, so that errors point at the student's lines


class _Missing:
    """Stands for a name the student's cell did not define."""


MISSING = _Missing()


def data(value: object, values: bool = True) -> dict[str, Any]:
    """A JSON-ready description of any object the student's code produced (tensors with their values)."""
    if value is MISSING:
        return {"kind": "missing"}
    if value is Ellipsis:
        return {"kind": "placeholder"}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, torch.Tensor):
        t = value.detach()
        out = {"kind": "tensor", "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
               "requires_grad": value.requires_grad, "leaf": value.is_leaf, "device": t.device.type}
        if values and t.numel() <= 4096:
            out["value"] = None if t.is_complex() else t.cpu().double().tolist()
            if value.is_leaf and value.grad is not None:
                out["grad"] = value.grad.detach().cpu().double().tolist()
        return out
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, (int, float)):
        return {"kind": type(value).__name__, "value": value if isinstance(value, float) or abs(value) < 2**53
                else float(value)}
    if isinstance(value, str):
        return {"kind": "str", "value": value[:200]}
    if isinstance(value, type):
        return {"kind": "class", "name": value.__name__, "module_class": issubclass(value, nn.Module)}
    if isinstance(value, nn.Module):
        return {"kind": "module", "name": type(value).__name__}
    if callable(value):
        return {"kind": "function", "name": getattr(value, "__name__", type(value).__name__)}
    return {"kind": "object", "name": type(value).__name__}


def error_data(error: BaseException, source: str | None = None, filename: str | None = None) -> dict[str, Any]:
    """An exception as data: its type, first line of text, and the line of the student's cell it came from."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    line = None
    if isinstance(error, SyntaxError) and error.filename in (CELL_FILE, filename):
        line = error.lineno
    else:
        for frame, lineno in traceback.walk_tb(error.__traceback__):
            if frame.f_code.co_filename in (CELL_FILE, filename):
                line = lineno  # the deepest frame in the student's own code
    code = None
    if line is not None and source is not None:
        lines = source.splitlines()
        code = lines[line - 1].strip()[:120] if 0 < line <= len(lines) else None
    return {"type": type(error).__name__, "text": text[:300], "line": line, "code": code}


def _bound_names(tree: ast.Module) -> set[str]:
    """Names a cell binds at its top level (assignments, defs, classes, imports, loop targets)."""
    names: set[str] = set()

    def visit(stmts):
        for node in stmts:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    visit([s for s in inner if isinstance(s, ast.stmt)])

    visit(tree.body)
    return names


def _mentions(source: str, name: str) -> bool:
    return re.search(rf"^\s*(?:(?:def|class)\s+{name}\b|{name}\s*(?::[^=]*)?=[^=])", source, re.M) is not None


def find_cell(namespace: Mapping[str, Any], binds: set[str]) -> str | None:
    """The source of the latest cell run in this kernel that binds every name in `binds` (the exercise cell).

    Jupyter keeps each cell's source in the `In` list; a cell that does not parse counts when its text assigns
    the names, so that its syntax error can be named."""
    for source in cells_run(namespace) or []:
        if not source.strip():
            continue
        try:
            found = binds <= _bound_names(ast.parse(source))
        except SyntaxError:
            found = all(_mentions(source, n) for n in binds)
        if found:
            return source
    return None


def _copy(value: object) -> object:
    # Tensors and modules the cell may change in place are copied, so the notebook's own stay as they were.
    if isinstance(value, torch.Tensor):
        if value.is_leaf:
            return value.detach().clone().requires_grad_(value.requires_grad)
        return value.detach().clone()
    if isinstance(value, nn.Module):
        try:
            return copy.deepcopy(value)
        except Exception:
            return value
    return value


@contextlib.contextmanager
def quiet() -> Iterator[io.StringIO]:
    """Student code runs here without printing, warning, drawing or moving the random generators."""
    out = io.StringIO()
    figures = set()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        figures = set(plt.get_fignums())
    np = sys.modules.get("numpy")
    np_state = np.random.get_state() if np is not None else None
    py_state = random.getstate()
    devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices), warnings.catch_warnings(), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        warnings.simplefilter("ignore")
        try:
            yield out
        finally:
            random.setstate(py_state)
            if np_state is not None:
                np.random.set_state(np_state)
            if plt is not None:
                for number in set(plt.get_fignums()) - figures:
                    plt.close(number)


def scope(namespace: Mapping[str, Any], replace: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the notebook's namespace to re-run a cell in (its tensors and modules copied), with some names
    replaced by probe inputs."""
    out = {k: _copy(v) for k, v in namespace.items() if k not in ("In", "Out", "_ih", "_oh", "_dh")}
    out.update(replace or {})
    return out


def execute(source: str, where: dict[str, Any]) -> dict[str, Any] | None:
    """Run a cell's source in `where` (see scope); return its error as data, or None."""
    try:
        exec(compile(source, CELL_FILE, "exec"), where)
    except Exception as e:  # the student's code may raise anything; it is recorded, not raised
        return error_data(e, source)
    return None


def function(value: object) -> dict[str, Any]:
    """data() of a student's function or class, with whether it still holds the `...` placeholder."""
    return {**data(value), "callable": callable(value) and value is not MISSING, "stub": is_stub(value)}


def call(fn: Callable, *args: Any) -> tuple[Any, dict[str, Any] | None]:
    """Call a student's function; return (result, error or None)."""
    try:
        return fn(*args), None
    except Exception as e:
        return None, error_data(e, _source_of(fn), getattr(getattr(fn, "__code__", None), "co_filename", None))


def _source_of(fn: object) -> str | None:
    import inspect

    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    return "\n" * (start - 1) + "".join(lines)


class Recorder:
    """Records, in order, every backward(), zero_grad() and optimizer step while student code runs, with the
    values of the watched tensors at each of them (`watch` returns {name: tensor} at that moment)."""

    def __init__(self, watch: Callable[[], Mapping[str, object]] | None = None):
        self.events: list[dict[str, Any]] = []
        self.watch = watch or (lambda: {})
        self._optimizers: list[int] = []
        self._objects: list[int] = []

    def _token(self, obj: object, seen: list[int]) -> int:
        if id(obj) not in seen:
            seen.append(id(obj))
        return seen.index(id(obj))

    def state(self) -> dict[str, Any]:
        out = {}
        for name, t in self.watch().items():
            if isinstance(t, torch.Tensor):
                out[name] = {"value": t.detach().cpu().double().reshape(-1).tolist(),
                             "object": self._token(t, self._objects)}
        return out

    def _optimizer(self, opt: torch.optim.Optimizer) -> dict[str, Any]:
        group = opt.param_groups[0] if opt.param_groups else {}
        settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items()
                    if k in ("lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps")
                    and isinstance(v, (int, float, bool, tuple))}
        held = {id(p) for g in opt.param_groups for p in g["params"]}
        watched = {name: id(t) in held for name, t in self.watch().items() if isinstance(t, torch.Tensor)}
        return {"optimizer": self._token(opt, self._optimizers), "kind": type(opt).__name__, "settings": settings,
                "holds": watched, "params": sum(len(g["params"]) for g in opt.param_groups)}

    @contextlib.contextmanager
    def active(self) -> Iterator[Recorder]:
        import torch.optim.optimizer as optimizer_module

        recorder = self
        backward, opt_zero, module_zero = torch.Tensor.backward, torch.optim.Optimizer.zero_grad, nn.Module.zero_grad

        def recorded_backward(tensor, *args, **kwargs):
            loss = float(tensor.detach().reshape(-1)[0]) if tensor.numel() == 1 else None
            recorder.events.append({"call": "backward", "loss": loss, "numel": tensor.numel(),
                                    "state": recorder.state()})
            return backward(tensor, *args, **kwargs)

        def recorded_opt_zero(opt, *args, **kwargs):
            recorder.events.append({"call": "zero_grad", **recorder._optimizer(opt)})
            return opt_zero(opt, *args, **kwargs)

        def recorded_module_zero(module, *args, **kwargs):
            recorder.events.append({"call": "zero_grad", "module": type(module).__name__})
            return module_zero(module, *args, **kwargs)

        def after_step(opt, args, kwargs):
            recorder.events.append({"call": "step", **recorder._optimizer(opt), "state": recorder.state()})

        handle = optimizer_module.register_optimizer_step_post_hook(after_step)
        try:
            with patched((torch.Tensor, "backward", recorded_backward),
                         (torch.optim.Optimizer, "zero_grad", recorded_opt_zero),
                         (nn.Module, "zero_grad", recorded_module_zero)):
                yield self
        finally:
            handle.remove()


class CallLog(torch.overrides.TorchFunctionMode):
    """The names of the torch functions and modules student code called (e.g. sigmoid, binary_cross_entropy)."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []
        self._handle = None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name and name not in self.names and not name.startswith("__"):
            self.names.append(name)
        return func(*args, **(kwargs or {}))

    def __enter__(self):
        def hook(module, args, output):
            name = type(module).__name__
            if name not in self.names:
                self.names.append(name)

        self._handle = nn.modules.module.register_module_forward_hook(hook)
        return super().__enter__()

    def __exit__(self, *exc):
        if self._handle is not None:
            self._handle.remove()
        return super().__exit__(*exc)


def tensor(record: Mapping[str, Any] | None) -> torch.Tensor | None:
    """A recorded tensor's values back as a float64 tensor (None if the record is not a tensor with values)."""
    if not record or record.get("kind") != "tensor" or record.get("value") is None:
        return None
    return torch.tensor(record["value"], dtype=torch.float64).reshape(record["shape"])


def generator(seed: int) -> torch.Generator:
    """A private random generator for probe inputs: the notebook's generator is never drawn from."""
    return torch.Generator().manual_seed(seed)


def student(namespace: Mapping[str, Any], name: str, given: object = None) -> tuple[object, dict[str, Any] | None]:
    """The object a check judges: `given` if the caller passed one, else the student's `name` (see defined)."""
    return (given, None) if given is not None else defined(namespace, name)


def defined(namespace: Mapping[str, Any], name: str) -> tuple[object, dict[str, Any] | None]:
    """The student's `name` from the notebook, or MISSING with the error that kept its cell from defining it (the
    cell is run again, quietly, to find that error)."""
    if name in namespace:
        return namespace[name], None
    source = find_cell(namespace, {name})
    if source is None:
        return MISSING, None
    with quiet():
        return MISSING, execute(source, scope(namespace))
