"""Bad papermill parameters stop every notebook at its check cell, with one line."""

import pytest
from papermill.exceptions import PapermillExecutionError

from .nbrun import NB, run

pytestmark = pytest.mark.slow


# One run per notebook: the messages themselves are unit-tested in test_results_params.py.
@pytest.mark.parametrize("nb,params,message", [
    ("01", {"lr": -1.0}, "ParameterError: parameter 'lr' must be > 0, got -1.0"),
    ("02", {"gate": "nor"}, "ParameterError: unknown gate 'nor'; .*choose one of: and, or, nand, xor"),
    ("03", {"epoch": 10}, "ParameterError: unknown parameter 'epoch'; did you mean 'epochs'\\?"),
])
def test_bad_parameters_stop_at_the_check_cell(nb, params, message, tmp_path):
    with pytest.raises(PapermillExecutionError, match=message) as info:
        run(NB[nb], tmp_path, **params)
    assert info.value.exec_count == 4  # install, parameters, injected parameters, check: no training ran
    assert len(info.value.traceback) == 1  # one line, not a traceback
