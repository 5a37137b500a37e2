"""Report a notebook's outcome at its end, and read it back from an executed notebook."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import LabError
from .i18n import tr
from .nbfile import RESULTS_KEY, load_notebook

MIME = "application/json"
DIGITS = 4  # significant digits kept: enough to read, few enough to be stable across CPUs


def _round(value: float) -> float | None:
    if not math.isfinite(value):
        return None  # JSON has no NaN/inf; a diverged value reads as null
    return float(f"{value:.{DIGITS}g}")


def to_plain(value: Any, name: str = "value") -> Any:
    """Turn tensors, numbers and containers into JSON-ready values, floats rounded to 4 significant digits."""
    torch = sys.modules.get("torch")  # only a program that made tensors can pass one; don't import torch for it
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        return _round(value.item()) if value.dim() == 0 else to_plain(value.tolist(), name)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return _round(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_plain(value.item(), name)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v, f"{name}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v, name) for v in value]
    raise LabError(tr("cannot report {name} of type {kind}; pass numbers, strings, lists or tensors", name=name,
                      kind=type(value).__name__))


def format_results(results: Mapping[str, Any]) -> str:
    """The short text form of a results dict: one 'name: value' line each."""
    width = max((len(k) for k in results), default=0)
    return "\n".join(f"{k:<{width}} : {json.dumps(v)}" for k, v in results.items())


def report(**results: Any) -> dict[str, Any]:
    """Show a notebook's results (rounded text plus application/json) and return them as plain data."""
    if not results:
        raise LabError(tr("report() got no results; pass them as keywords, e.g. report(loss=cost, converged=ok)"))
    plain = {k: to_plain(v, k) for k, v in results.items()}
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: the text is all there is
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        # Notebook files store JSON with sorted keys: the metadata keeps the order the notebook reported them in.
        display({"text/plain": format_results(plain), MIME: plain}, raw=True, metadata={RESULTS_KEY: list(plain)})
    else:
        print(format_results(plain))
    return plain


def read_results(path: str | Path) -> dict[str, Any]:
    """Read the results that `report()` left in an executed notebook file."""
    nb = load_notebook(path)
    found = None
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            order = out.get("metadata", {}).get(RESULTS_KEY)
            if order and MIME in out.get("data", {}):
                data = out["data"][MIME]
                keys = [k for k in order if k in data] if isinstance(order, list) else []
                found = {**{k: data[k] for k in keys}, **data}  # the last report wins
    if found is None:
        raise LabError(tr("{path} has no results: run it to the end (its last cell calls lab_utils.report)",
                          path=path))
    return found
