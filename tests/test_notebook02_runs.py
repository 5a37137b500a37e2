"""Notebook 02 with papermill parameters: OR and NAND converge, XOR runs to the end unlearned."""

import pytest

from .nbrun import NB, run, stdout_of

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("gate", ["or"])  # nand: see the simulated Colab run in test_colab.py
def test_02_other_gates_converge(gate, tmp_path):
    # lr 0.5 for 2000 epochs goes as far as the default lr 0.1 for 10 000 (a fifth of the run time)
    results, _ = run(NB["02"], tmp_path, gate=gate, lr=0.5, epochs=2000)
    assert results["gate"] == gate and results["converged"] is True and results["accuracy"] == 1.0


def test_02_xor_runs_to_the_end_and_is_not_learned(tmp_path):
    results, nb = run(NB["02"], tmp_path, gate="xor", epochs=500)  # no number of epochs learns XOR
    assert results["converged"] is False and results["accuracy"] <= 0.75
    assert "the slide's numbers are for AND; this run learned XOR" in stdout_of(nb)
