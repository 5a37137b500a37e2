"""The XOR playground without a browser: one update trains the batch and draws what the widgets show."""

import sys

import pytest
import torch

import lab_utils as lab
from lab_utils import interactive as playground


def test_update_draws_boundary_loss_and_success_rate():
    X, y = lab.gate_data("xor")
    fig, summary = playground.update(X, y, hidden=3, lr=5.0, epochs=300, seed=7, models=20)
    study = lab.train_batched(X, y, list(range(20)), hidden=3, lr=5.0, epochs=300)
    assert summary["success_rate"] == pytest.approx(study.summary()["success_rate"])
    assert summary["final_loss"] == pytest.approx(study.loss[7].item())
    boundary, loss, rate = fig.axes
    assert boundary.get_title().startswith("seed 7:")
    assert loss.lines[0].get_ydata()[0] > loss.lines[0].get_ydata()[-1]  # the loss curve of seed 7 falls
    assert sum(p.get_height() for p in rate.patches) == 20
    assert summary["seconds"] < 30


def test_update_includes_a_seed_beyond_the_batch_and_checks_its_input():
    X, y = lab.gate_data("xor")
    _, summary = playground.update(X, y, epochs=50, seed=99, models=5)
    assert 0 <= summary["success_rate"] <= 1
    with pytest.raises(lab.LabError, match="unknown activation 'gelu'"):
        playground.update(X, y, activation="gelu", epochs=10, models=2)


def test_playground_says_how_to_get_ipywidgets_when_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    X, y = lab.gate_data("xor")
    assert playground.playground(X, y) is None
    assert capsys.readouterr().out.strip() == playground.MISSING


def test_playground_builds_its_controls():
    pytest.importorskip("ipywidgets")
    X, y = lab.gate_data("xor")
    box = playground.playground(X, y, models=5)
    sliders = [c for row in box.children[:2] for c in row.children]
    assert [c.description for c in sliders] == ["hidden units", "activation", "optimizer", "lr", "epochs", "seed"]
    sliders[0].value = 4  # a change retrains and redraws without raising
    assert torch.is_tensor(X)
