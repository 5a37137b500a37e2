"""The notebooks run with papermill parameters as the issues promise: converge, diverge clearly, reject bad input."""

import json
import math

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from lab_utils.results import read_results

from .conftest import ROOT

pytestmark = pytest.mark.slow
NB = {n: next((ROOT / "notebooks").glob(f"{n}_*.ipynb")) for n in ("01", "02", "03")}
QUICK_STUDY = {"n_models": 50, "grid_models": 20, "grid_epochs": 300}


def run(nb, tmp_path, **params):
    out = tmp_path / f"{nb.stem}-out.ipynb"
    papermill.execute_notebook(str(nb), str(out), parameters=params, kernel_name="python3", cwd=str(tmp_path),
                               progress_bar=False, log_output=False)
    return read_results(out), json.loads(out.read_text())


def stdout_of(nb_json):
    return "".join("".join(o.get("text", "")) for c in nb_json["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []) if o.get("name") == "stdout")


def test_01_converges_with_lr_01_and_400_epochs(tmp_path):
    results, _ = run(NB["01"], tmp_path, lr=0.1, epochs=400)
    assert results["converged"] is True and results["diverged"] is False
    assert abs(results["W"] - 1) < 1e-3 and abs(results["b"]) < 1e-3
    assert results["epochs_used"] <= 400


def test_01_past_the_stability_limit_reports_divergence(tmp_path):
    results, nb = run(NB["01"], tmp_path, lr=0.19, epochs=1000)
    assert results["converged"] is False and results["diverged"] is True
    text = stdout_of(nb)
    assert "diverged: lr = 0.19 is past the stability limit 0.180" in text
    assert "nan" not in text.lower()
    assert results["final_loss"] is not None and math.isfinite(results["final_loss"])


@pytest.mark.parametrize("gate", ["or", "nand"])
def test_02_other_gates_converge(gate, tmp_path):
    results, _ = run(NB["02"], tmp_path, gate=gate)
    assert results["gate"] == gate and results["converged"] is True and results["accuracy"] == 1.0


def test_02_xor_runs_to_the_end_and_is_not_learned(tmp_path):
    results, nb = run(NB["02"], tmp_path, gate="xor")
    assert results["converged"] is False and results["accuracy"] <= 0.75
    assert "the slide's numbers are for AND; this run learned XOR" in stdout_of(nb)


def test_03_wide_adam_network_converges(tmp_path):
    results, _ = run(NB["03"], tmp_path, hidden=8, optimizer="adam", lr=0.1, epochs=2000)
    assert results["converged"] is True and results["accuracy"] == 1.0
    assert results["slp_accuracy"] <= 0.75 and results["success_rate"] >= 0.99


def test_03_huge_adam_lr_is_not_converged_and_prints_no_nan(tmp_path):
    results, nb = run(NB["03"], tmp_path, optimizer="adam", lr=1000.0, epochs=500, **QUICK_STUDY)
    assert results["converged"] is False
    assert "nan" not in stdout_of(nb).lower()


@pytest.mark.parametrize("nb,params,message", [
    ("01", {"lr": -1.0}, "ParameterError: parameter 'lr' must be > 0, got -1.0"),
    ("02", {"gate": "nor"}, "ParameterError: unknown gate 'nor'; .*choose one of: and, or, nand, xor"),
    ("03", {"activation": "gelu"}, "ParameterError: unknown activation 'gelu'; choose one of: sigmoid, tanh, relu"),
    ("03", {"hidden": 0}, "ParameterError: parameter 'hidden' must be >= 1, got 0"),
    ("03", {"epoch": 10}, "ParameterError: unknown parameter 'epoch'; did you mean 'epochs'\\?"),
    ("01", {"epochs": "many"}, "ParameterError: parameter 'epochs' must be int, got 'many'"),
])
def test_bad_parameters_stop_at_the_check_cell(nb, params, message, tmp_path):
    with pytest.raises(PapermillExecutionError, match=message) as info:
        run(NB[nb], tmp_path, **params)
    assert info.value.exec_count <= 3  # stopped right after the parameters, before any training
    assert len(info.value.traceback) == 1  # one line, not a traceback
