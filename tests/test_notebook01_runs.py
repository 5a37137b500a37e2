"""Notebook 01 with papermill parameters: converges with lr 0.1, reports divergence past the limit."""

import math

import pytest

from .nbrun import NB, run, stdout_of

pytestmark = pytest.mark.slow


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
