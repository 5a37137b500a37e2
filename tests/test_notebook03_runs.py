"""Notebook 03 with papermill parameters: a wide Adam network converges, a huge lr is reported."""

import pytest

from .nbrun import NB, QUICK_STUDY, run, stdout_of

pytestmark = pytest.mark.slow


def test_03_wide_adam_network_converges(tmp_path):
    # The command (-p hidden 8 -p optimizer adam -p lr 0.1 -p epochs 2000), with a smaller study.
    results, _ = run(NB["03"], tmp_path, hidden=8, optimizer="adam", lr=0.1, epochs=2000, **QUICK_STUDY)
    assert results["converged"] is True and results["accuracy"] == 1.0
    assert results["slp_accuracy"] <= 0.75 and results["success_rate"] >= 0.98


def test_03_huge_adam_lr_is_not_converged_and_prints_no_nan(tmp_path):
    results, nb = run(NB["03"], tmp_path, optimizer="adam", lr=1000.0, epochs=300, slp_epochs=100, **QUICK_STUDY)
    assert results["converged"] is False
    assert "nan" not in stdout_of(nb).lower()
