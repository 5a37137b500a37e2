"""Students re-run cells: after a full top-to-bottom run, every code cell run once more shows what it showed the
first time. Each run also checks one promise of its notebook's parameters, so that no run is paid for twice."""

import math

import pytest

from .nbrun import NB, QUICK_STUDY
from .rerun import run_twice

pytestmark = [pytest.mark.slow, pytest.mark.ci]


def test_01_every_cell_can_run_again_and_lr_past_the_limit_is_reported(tmp_path):
    changed, results, stdout = run_twice(NB["01"], tmp_path, lr=0.19, epochs=1000)
    assert changed == []
    assert results["converged"] is False and results["diverged"] is True
    assert "diverged: lr = 0.19 is past the stability limit 0.180" in stdout and "nan" not in stdout.lower()
    assert results["final_loss"] is not None and math.isfinite(results["final_loss"])


def test_02_every_cell_can_run_again_and_xor_is_not_learned(tmp_path):
    changed, results, stdout = run_twice(NB["02"], tmp_path, gate="xor", epochs=500)
    assert changed == []
    assert results["gate"] == "xor" and results["converged"] is False and results["accuracy"] <= 0.75
    assert "the slide's numbers are for AND; this run learned XOR" in stdout


def test_03_every_cell_can_run_again_and_a_wide_adam_network_converges(tmp_path):
    # The command (-p hidden 8 -p optimizer_name adam -p lr 0.1 -p epochs 2000), with a smaller study.
    changed, results, _ = run_twice(NB["03"], tmp_path, hidden=8, optimizer_name="adam", lr=0.1, epochs=2000,
                                 **QUICK_STUDY)
    assert changed == []
    assert results["converged"] is True and results["accuracy"] == 1.0
    assert results["slp_accuracy"] <= 0.75 and results["success_rate"] >= 0.98
