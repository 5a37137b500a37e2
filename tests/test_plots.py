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


# The figures are PNG, which nbval does not compare: these tests check the data each figure draws.

def _contours(ax):
    from matplotlib.contour import ContourSet

    return [c for c in ax.collections if isinstance(c, ContourSet)]


def test_loss_surface_draws_the_bowl_around_the_true_minimum():
    X = torch.tensor([[1.0], [2.0], [3.0]])
    y = X + 1  # the best line is W = 1, b = 1 (not the lecture's b = 0, so a sign flip in b shows)
    fig = lab.loss_surface_figure(X, y, {"path": [(0.0, 0.0), (0.5, 0.5)]}, b_range=(-1.5, 2.5))
    ax = _axes(fig)[0]
    (cs,) = _contours(ax)
    assert torch.allclose(torch.tensor(cs.levels), torch.logspace(-3, 1.5, 14).double(), rtol=1e-6)
    inner = torch.tensor(cs.get_paths()[0].vertices.tolist())  # matplotlib 3.8+: one path per level
    assert torch.allclose(inner.mean(0), torch.tensor([1.0, 1.0]), atol=0.02)  # the smallest loss ring
    star = next(line for line in ax.lines if line.get_marker() == "*")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((1.0, 1.0))
    path = next(line for line in ax.lines if line.get_label() == "path")
    assert path.get_xdata().tolist() == [0.0, 0.5] and path.get_ydata().tolist() == [0.0, 0.5]


def test_decision_boundary_is_drawn_where_the_model_says_one_half():
    X, y = lab.gate_data("and")
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    with torch.no_grad():
        model[0].weight[:] = torch.tensor([[10.0, 10.0]])
        model[0].bias[:] = -15.0  # sigmoid(10 x1 + 10 x2 - 15) = 0.5 on the line x1 + x2 = 1.5
    ax = _axes(lab.decision_boundary_figure(model, X, y))[0]
    line = next(c for c in _contours(ax) if list(c.levels) == [0.5])
    points = torch.tensor(line.get_paths()[0].vertices.tolist())
    assert len(points) > 10 and torch.allclose(points.sum(1), torch.full((len(points),), 1.5), atol=0.02)
    shading = next(c for c in _contours(ax) if len(c.levels) > 2)
    assert shading.levels[0] == 0 and shading.levels[-1] == 1


def test_hidden_space_plots_the_output_logit_of_each_input():
    H = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.7, 0.6], [0.2, 0.1]])
    w, b = torch.tensor([2.0, -3.0]), 0.5
    fig = lab.hidden_space_figure(H, torch.tensor([[0.0], [1.0], [1.0], [0.0]]), w, b)
    logit_ax = _axes(fig)[2]
    xs = torch.tensor(logit_ax.collections[0].get_offsets()[:, 0].tolist())
    assert torch.allclose(xs, H @ w + b)
    heat = _axes(fig)[0].images[0].get_array()
    assert torch.allclose(torch.tensor(heat.tolist()), H)


def test_activation_loss_and_rate_figures_plot_the_values_given():
    z = torch.linspace(-2, 2, 5)
    g, dg = torch.tanh(z), 1 - torch.tanh(z) ** 2
    ax = lab.activation_figure(z, {"tanh": (g, dg)}).axes[0]
    assert torch.allclose(torch.tensor(ax.lines[0].get_ydata()), g)
    assert torch.allclose(torch.tensor(ax.lines[1].get_ydata()), dg)
    ax = lab.loss_figure([3.0, 2.0, 0.5]).axes[0]
    assert ax.lines[0].get_ydata().tolist() == [3.0, 2.0, 0.5]
    rows = [{"hidden": 4, "rate": 0.9}, {"hidden": 2, "rate": 0.5}]
    line = lab.rate_figure(rows, x="hidden", y="rate").axes[0].lines[0]
    assert line.get_xdata().tolist() == [2.0, 4.0] and line.get_ydata().tolist() == [0.5, 0.9]


def test_snapshots_figure_draws_each_recorded_line_and_point():
    X, y = lab.linear_data()
    runs = {"a": [(0, 0.5, 0.5), (10, 0.9, 0.1)], "b": [(0, 0.2, 1.0)]}
    fig = lab.snapshots_figure(X, y, runs)
    axes = fig.axes
    assert len(axes) == 2 * 3  # two rows, two snapshot columns and the loss surface
    line = axes[1].lines[0]  # run a, epoch 10: y = 0.9 x + 0.1
    assert torch.allclose(torch.tensor(line.get_ydata()), 0.9 * torch.tensor(line.get_xdata()) + 0.1)
    assert axes[1].get_title() == "epoch 10: W=0.90, b=0.10"
    surface = axes[2].lines[0]
    assert surface.get_xdata().tolist() == [0.5, 0.9] and surface.get_ydata().tolist() == [0.5, 0.1]
    assert not axes[4].axison  # run b has one snapshot: its second panel stays empty
    with pytest.raises(lab.LabError, match="runs is empty"):
        lab.snapshots_figure(X, y, {"a": []})


def test_evolution_figure_shows_each_snapshot_boundary_and_hidden_code():
    X, y = lab.gate_data("xor")
    torch.manual_seed(0)
    net = nn.Module()
    net.linear1, net.activation = nn.Linear(2, 2), nn.Sigmoid()
    net.linear2 = nn.Linear(2, 1)
    net.forward = lambda x: torch.sigmoid(net.linear2(net.activation(net.linear1(x))))
    with torch.no_grad():
        net.linear1.weight[:] = torch.tensor([[10.0, 10.0], [10.0, 10.0]])
        net.linear1.bias[:] = torch.tensor([-5.0, -15.0])
        net.linear2.weight[:] = torch.tensor([[10.0, -10.0]])
        net.linear2.bias[:] = -5.0
    fig = lab.evolution_figure({"epoch 0": net, "final": net}, X, y)
    boundary, heat = fig.axes[0], fig.axes[2]
    assert boundary.get_title() == "epoch 0" and any(list(c.levels) == [0.5] for c in _contours(boundary))
    with torch.no_grad():
        code = torch.sigmoid(net.linear1(X))
    assert torch.allclose(torch.tensor(heat.images[0].get_array().tolist()), code)
    with pytest.raises(lab.LabError, match="models is empty"):
        lab.evolution_figure({}, X, y)


def test_a_figure_carries_its_alt_text_into_the_notebook_output():
    """IPython shows a helper's figure as PNG with the alt text in the output's metadata (what the site uses)."""
    from IPython.core.formatters import DisplayFormatter
    from IPython.core.pylabtools import print_figure

    formatter = DisplayFormatter()  # with the PNG formatter that `%matplotlib inline` registers
    formatter.formatters["image/png"].for_type(Figure, lambda f: print_figure(f, "png"))
    fig = lab.loss_figure([2.86, 0.1, 1.51e-07])
    data, metadata = formatter.format(fig)
    assert "image/png" in data and data["text/plain"] == "<Figure size 500x350 with 1 Axes>"
    assert metadata["image/png"]["alt"] == "Loss per epoch on a log scale. loss: from 2.86 to 1.51e-07 in 3 epochs"
