"""Helpers shared by the 'Multi-Layer Perceptrons' lab notebooks.

The lesson's own code (models, losses, training loops) lives in the notebooks; this package holds what
would distract from it: data, seeding and device, plots, result reports, parameter checks, batched
training for the reliability study, and the runners behind the `lab` command.
"""

from .batched import BatchResult, init_params, train_batched
from .checks import check_choice, check_history, check_positive, check_tensor
from .data import GATES, gate_data, linear_data
from .errors import LabError, ParameterError
from .params import check_params, read_parameters
from .plots import (
    activation_figure,
    decision_boundary_figure,
    fit_figure,
    hidden_space_figure,
    loss_figure,
    loss_surface_figure,
    rate_figure,
)
from .repro import describe_device, get_device, make_deterministic, seed_everything
from .results import read_results, report

__version__ = "0.1.0"

__all__ = [
    "GATES", "BatchResult", "LabError", "ParameterError", "activation_figure", "check_choice", "check_history",
    "check_params", "check_positive", "check_tensor", "decision_boundary_figure", "describe_device", "fit_figure",
    "gate_data", "get_device", "hidden_space_figure", "init_params", "linear_data", "loss_figure",
    "loss_surface_figure", "make_deterministic", "rate_figure", "read_parameters", "read_results", "report",
    "seed_everything", "train_batched",
]
