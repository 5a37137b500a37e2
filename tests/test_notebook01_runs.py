"""Notebook 01 with papermill parameters: past the stability limit it reports divergence clearly.

(Convergence with -p lr 0.1 -p epochs 400 is checked by the simulated Colab run in test_colab.py.)
"""

import math

import pytest

from .nbrun import NB, run, stdout_of

pytestmark = pytest.mark.slow


def test_01_past_the_stability_limit_reports_divergence(tmp_path):
    results, nb = run(NB["01"], tmp_path, lr=0.19, epochs=1000)
    assert results["converged"] is False and results["diverged"] is True
    text = stdout_of(nb)
    assert "diverged: lr = 0.19 is past the stability limit 0.180" in text
    assert "nan" not in text.lower()
    assert results["final_loss"] is not None and math.isfinite(results["final_loss"])
