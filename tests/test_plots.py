import math

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

import lab_utils as lab


def _axes(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def test_activation_figure():
    z = torch.arange(-5.0, 5.0, 0.1)
    fig = lab.activation_figure(z, {"sigmoid": (torch.sigmoid(z), torch.sigmoid(z) * (1 - torch.sigmoid(z)))})
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert len(fig.axes[0].lines) >= 2
    with pytest.raises(lab.LabError, match="curves is empty"):
        lab.activation_figure(z, {})
    with pytest.raises(lab.LabError, match=r"relu output must have shape \(100,\)"):
        lab.activation_figure(z, {"relu": (z[:50], z[:50])})


def test_fit_figure():
    X, y = lab.linear_data()
    fig = lab.fit_figure(X, y, {"fit": (1.0, 0.0)})
    assert isinstance(fig, Figure)
    line = fig.axes[0].lines[0]
    assert torch.allclose(torch.tensor(line.get_xdata()), torch.tensor(line.get_ydata()))
    assert "1.000 x + 0.000" in fig.axes[0].get_legend().get_texts()[1].get_text()
    with pytest.raises(lab.LabError, match=r"X must have shape \(N, 1\)"):
        lab.fit_figure(X.view(-1), y)


def test_loss_figure():
    fig = lab.loss_figure([1.0, 0.1, 0.01])
    assert isinstance(fig, Figure) and fig.axes[0].get_yscale() == "log"
    fig = lab.loss_figure({"a": [1, 2], "b": [2, 1]}, log=False)
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_yscale() == "linear"
    with pytest.raises(lab.LabError, match="history 'loss' turns nan at epoch 1"):
        lab.loss_figure([1.0, math.nan])


def test_loss_surface_figure():
    X, y = lab.linear_data()
    fig = lab.loss_surface_figure(X, y, {"path": [(0.5, 0.5), (0.8, 0.2)]})
    assert isinstance(fig, Figure)
    with pytest.raises(lab.LabError, match="path 'p' is empty"):
        lab.loss_surface_figure(X, y, {"p": []})


def test_decision_boundary_figure():
    X, y = lab.gate_data("and")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    with torch.no_grad():
        model[0].weight[:] = torch.tensor([[10.0, 10.0]])
        model[0].bias[:] = -15.0
    fig = lab.decision_boundary_figure(model, X, y)
    assert isinstance(fig, Figure)
    assert len(_axes(fig)[0].collections) >= 2  # shading, contour line, points
    with pytest.raises(lab.LabError, match="the model takes 3 inputs; a decision boundary needs a model of 2"):
        lab.decision_boundary_figure(nn.Sequential(nn.Linear(3, 1)), X, y)
    with pytest.raises(lab.LabError, match=r"must map \(N, 2\) to \(N, 1\)"):
        lab.decision_boundary_figure(nn.Linear(2, 2), X, y)
    with pytest.raises(lab.LabError, match="cannot take inputs of shape"):
        lab.decision_boundary_figure(lambda x: x @ torch.ones(3, 1), X, y)
    with pytest.raises(lab.LabError, match=r"X must have shape \(N, 2\)"):
        lab.decision_boundary_figure(model, X[:, :1], y)


@pytest.mark.parametrize("k,n_axes", [(1, 3), (2, 3), (3, 3), (8, 3)])
def test_hidden_space_figure(k, n_axes):
    H = torch.rand(4, k)
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    fig = lab.hidden_space_figure(H, y, torch.ones(k), -1.0)
    assert isinstance(fig, Figure) and len(_axes(fig)) == n_axes
    with pytest.raises(lab.LabError, match=rf"w_out must have shape \({k},\)"):
        lab.hidden_space_figure(H, y, torch.ones(k + 1), 0.0)


def test_rate_figure():
    rows = [{"hidden": h, "rate": h / 10, "opt": o} for h in (2, 4) for o in ("sgd", "adam")]
    fig = lab.rate_figure(rows, x="hidden", y="rate", group="opt")
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2
    with pytest.raises(lab.LabError, match="no column 'speed'; columns are: hidden, rate, opt"):
        lab.rate_figure(rows, x="speed", y="rate")
    with pytest.raises(lab.LabError, match="no rows to plot"):
        lab.rate_figure([], x="a", y="b")


def test_plots_never_touch_pyplot():
    import sys

    X, y = lab.linear_data()
    lab.fit_figure(X, y)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []
