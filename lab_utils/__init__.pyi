"""The public API of lab_utils, explicitly: what `import lab_utils as lab` offers and where each name lives.

Editors and type checkers read this stub; lab_utils/__init__.py hands it to lazy_loader.attach_stub, which loads
each module on first use (the lazy loading of scientific Python's SPEC 1), so this is the one list of public names."""

from .arguments import (
    check_choice as check_choice,
)
from .arguments import (
    check_history as check_history,
)
from .arguments import (
    check_positive as check_positive,
)
from .arguments import (
    check_tensor as check_tensor,
)
from .batched import BatchResult as BatchResult
from .batched import init_params as init_params
from .batched import train_batched as train_batched
from .data import GATES as GATES
from .data import gate_data as gate_data
from .data import linear_data as linear_data
from .errors import LabError as LabError
from .errors import ParameterError as ParameterError
from .i18n import language as language
from .interactive import playground as playground
from .params import check_params as check_params
from .params import read_parameters as read_parameters
from .plots import (
    activation_figure as activation_figure,
)
from .plots import (
    decision_boundary_figure as decision_boundary_figure,
)
from .plots import (
    evolution_figure as evolution_figure,
)
from .plots import (
    fit_figure as fit_figure,
)
from .plots import (
    hidden_space_figure as hidden_space_figure,
)
from .plots import (
    loss_figure as loss_figure,
)
from .plots import (
    loss_surface_figure as loss_surface_figure,
)
from .plots import (
    rate_figure as rate_figure,
)
from .plots import (
    snapshots_figure as snapshots_figure,
)
from .repro import (
    describe_device as describe_device,
)
from .repro import (
    get_device as get_device,
)
from .repro import (
    make_deterministic as make_deterministic,
)
from .repro import (
    seed_everything as seed_everything,
)
from .results import read_results as read_results
from .results import report as report

__version__: str
