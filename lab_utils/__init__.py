"""Helpers shared by the 'Multi-Layer Perceptrons' lab notebooks.

The lesson's own code (models, losses, training loops) lives in the notebooks; this package holds what
would distract from it: data, seeding and device, plots, result reports, parameter checks, batched
training for the reliability study, and the runners behind the `lab` command.

The public names and the module each comes from are listed once, in __init__.pyi (which editors read); they are
loaded on first use, so `lab params` or a notebook's first cell does not pay for importing torch and matplotlib
before it needs them.
"""

import ast as _ast
from importlib import import_module
from pathlib import Path as _Path

__version__ = "0.1.0"


def _public_names() -> dict[str, str]:
    """{public name: module} from the stub's `from .module import name as name` lines."""
    tree = _ast.parse(_Path(__file__).with_suffix(".pyi").read_text(encoding="utf-8"))
    return {alias.asname or alias.name: node.module for node in tree.body if isinstance(node, _ast.ImportFrom)
            for alias in node.names}


_EXPORTS = _public_names()
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lab_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
