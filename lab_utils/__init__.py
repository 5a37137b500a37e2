"""Helpers shared by the 'Multi-Layer Perceptrons' lab notebooks.

The lesson's own code (models, losses, training loops) lives in the notebooks; this package holds what
would distract from it: data, seeding and device, plots, result reports, parameter checks, batched
training for the reliability study, and the runners behind the `lab` command.
"""

from importlib import import_module

__version__ = "0.1.0"

# Public name -> module. Loaded on first use, so `lab params` or a notebook's first cell does not pay for
# importing torch and matplotlib before it needs them.
_EXPORTS = {
    "BatchResult": "batched", "init_params": "batched", "train_batched": "batched",
    "check_choice": "checks", "check_history": "checks", "check_positive": "checks", "check_tensor": "checks",
    "GATES": "data", "gate_data": "data", "linear_data": "data",
    "LabError": "errors", "ParameterError": "errors",
    "language": "i18n",
    "check_params": "params", "read_parameters": "params",
    "activation_figure": "plots", "decision_boundary_figure": "plots", "evolution_figure": "plots",
    "fit_figure": "plots", "snapshots_figure": "plots",
    "hidden_space_figure": "plots", "loss_figure": "plots", "loss_surface_figure": "plots", "rate_figure": "plots",
    "playground": "interactive",
    "describe_device": "repro", "get_device": "repro", "make_deterministic": "repro", "seed_everything": "repro",
    "read_results": "results", "report": "results",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lab_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
