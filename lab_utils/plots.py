"""Figures for the labs. Each function returns a matplotlib Figure; none shows or saves it.

Over 300 lines because it holds every figure of the three notebooks; they share the drawing helpers and the Korean
font setup.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import torch
from matplotlib import font_manager
from matplotlib.figure import Figure as MplFigure
from torch import nn

from .arguments import check_history, check_tensor
from .errors import LabError
from .i18n import N_, language, tr

CLASS_COLORS = ("tab:blue", "tab:red")  # target 0, target 1


KOREAN_FONT = "NanumGothic"  # bundled by the koreanize-matplotlib package: Korean figures need no system font


def korean_font_file() -> Path | None:
    """NanumGothic's file from the koreanize-matplotlib package, without importing it (its import needs distutils,
    which Python 3.12 dropped), or None when the package is missing."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / f"{KOREAN_FONT}.ttf"
        if path.is_file():
            return path
    return None


class Figure(MplFigure):
    """A matplotlib Figure that says what it shows: its `alt` text goes into the image output's metadata
    (`{"image/png": {"alt": ...}}`), which the course site uses as the image's alt text."""

    alt: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        # No data of its own: IPython's png formatter still draws the image, and keeps this metadata beside it.
        return {}, ({"image/png": {"alt": self.alt}} if self.alt else {})


def _described(fig: Figure, alt: str) -> Figure:
    fig.alt = alt
    return fig


def _num(v: float) -> str:
    return f"{v:.3g}"


@functools.cache
def _register_korean_font() -> bool:
    path = korean_font_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    return path is not None


def new_figure(**kwargs: Any) -> Figure:
    """An empty Figure whose text can show Hangul when the language is Korean."""
    # Text takes its font from rcParams when it is made: in Korean, Hangul falls back from DejaVu Sans (which
    # keeps Latin letters, digits and the minus sign as in English) to NanumGothic, glyph by glyph.
    if language() == "ko" and _register_korean_font():
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", KOREAN_FONT]
    return Figure(**kwargs)


def _np(t: torch.Tensor):
    # matplotlib takes numpy arrays; convert explicitly (also moves CUDA tensors to the CPU).
    return t.detach().cpu().numpy()


def _points(ax, X: torch.Tensor, y: torch.Tensor) -> None:
    X, y = _np(X), _np(y).reshape(-1)
    for label in (0, 1):
        sel = (y > 0.5) == bool(label)
        ax.scatter(X[sel, 0], X[sel, 1], s=120, c=CLASS_COLORS[label], edgecolors="k", zorder=3, label=f"y = {label}")


def activation_figure(z: torch.Tensor, curves: Mapping[str, tuple[torch.Tensor, torch.Tensor]]) -> Figure:
    """One panel per activation: g(z) and its derivative g'(z) over the inputs z."""
    check_tensor("z", z, (None,))
    if not curves:
        raise LabError(tr("curves is empty; pass {example}", example="{'name': (g(z), g'(z)), ...}"))
    fig = new_figure(figsize=(4 * len(curves), 3.2), layout="constrained")
    axes = fig.subplots(1, len(curves), squeeze=False)[0]
    zc = _np(z)
    for ax, (name, (g, dg)) in zip(axes, curves.items()):
        check_tensor(tr("{name} output", name=name), g, (len(z),))
        check_tensor(tr("{name} derivative", name=name), dg, (len(z),))
        ax.plot(zc, _np(g), lw=2, label="g(z)")
        ax.plot(zc, _np(dg), lw=2, ls="--", label="g'(z)")
        ax.axhline(0, c="gray", lw=0.5)
        ax.axvline(0, c="gray", lw=0.5)
        ax.set(title=name, xlabel="z")
        ax.legend(loc="upper left")
    return _described(fig, tr("{names}, one panel each: the function g(z) (solid) and its derivative g'(z) (dashed) "
                              "for z from {lo} to {hi}", names=", ".join(curves), lo=_num(float(zc.min())),
                              hi=_num(float(zc.max()))))


def fit_figure(X: torch.Tensor, y: torch.Tensor, lines: Mapping[str, tuple[float, float]] | None = None) -> Figure:
    """The data points (x, y) and, for each label, the line y = W x + b."""
    check_tensor("X", X, (None, 1))
    check_tensor("y", y, (len(X), 1))
    fig = new_figure(figsize=(5, 4), layout="constrained")
    ax = fig.subplots()
    xs, ys = _np(X).reshape(-1), _np(y).reshape(-1)
    ax.scatter(xs, ys, s=80, c="k", zorder=3, label=tr("data"))
    grid = _np(torch.linspace(float(xs.min()) - 1, float(xs.max()) + 1, 50))
    for label, (w, b) in (lines or {}).items():
        ax.plot(grid, float(w) * grid + float(b), lw=2, label=f"{label}: y = {float(w):.3f} x + {float(b):.3f}")
    ax.set(xlabel="x", ylabel="y", title=tr("data and fitted line") if lines else tr("data"))
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    points = "; ".join(f"({_num(a)}, {_num(b)})" for a, b in zip(xs.tolist(), ys.tolist()))
    alt = tr("{n} data points: {points}", n=len(xs), points=points)
    for label, (w, b) in (lines or {}).items():
        alt += tr("; line {label}: y = {w} x + {b}", label=label, w=f"{float(w):.3f}", b=f"{float(b):.3f}")
    return _described(fig, alt)


def loss_figure(history: Sequence[float] | Mapping[str, Sequence[float]], log: bool = True) -> Figure:
    """Loss per epoch for one run, or one curve per label; log scale by default."""
    runs = history if isinstance(history, Mapping) else {tr("loss"): history}
    fig = new_figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.subplots()
    for label, values in runs.items():
        ax.plot(check_history(values, tr("history {label!r}", label=label)), lw=2, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=tr("epoch"), ylabel=tr("loss"), title=tr("training loss"))
    ax.grid(alpha=0.3, which="both")
    if len(runs) > 1:
        ax.legend()
    scale = tr("on a log scale") if log else tr("on a linear scale")
    curves = "; ".join(tr("{label}: from {first} to {last} in {n} epochs", label=label, first=_num(v[0]),
                          last=_num(v[-1]), n=len(v)) for label, v in ((k, [float(x) for x in vals])
                                                                       for k, vals in runs.items()))
    return _described(fig, tr("Loss per epoch {scale}. {curves}", scale=scale, curves=curves))


def _loss_contours(ax, X: torch.Tensor, y: torch.Tensor, w_range, b_range):
    """Contours of the MSE of y_hat = W x + b over a (W, b) grid."""
    W = torch.linspace(*w_range, 121)
    B = torch.linspace(*b_range, 121)
    WW, BB = torch.meshgrid(W, B, indexing="xy")
    xs, ys = X.detach().cpu().view(-1, 1, 1), y.detach().cpu().view(-1, 1, 1)
    loss = _np(((WW * xs + BB - ys) ** 2).mean(0))
    return ax.contour(_np(WW), _np(BB), loss, levels=torch.logspace(-3, 1.5, 14).tolist(), cmap="viridis",
                      linewidths=0.8)


def loss_surface_figure(
    X: torch.Tensor, y: torch.Tensor, paths: Mapping[str, Sequence[tuple[float, float]]],
    w_range: tuple[float, float] = (-0.5, 2.5), b_range: tuple[float, float] = (-1.5, 2.0),
) -> Figure:
    """Contours of the MSE of y_hat = W x + b over (W, b), with gradient-descent paths drawn on top."""
    check_tensor("X", X, (None, 1))
    check_tensor("y", y, (len(X), 1))
    fig = new_figure(figsize=(6, 4.5), layout="constrained")
    ax = fig.subplots()
    cs = _loss_contours(ax, X, y, w_range, b_range)
    fig.colorbar(cs, ax=ax, label=tr("loss"))
    for label, path in paths.items():
        pts = torch.tensor([[float(w), float(b)] for w, b in path])
        if pts.dim() != 2 or len(pts) == 0:
            raise LabError(tr("path {label!r} is empty; pass a list of (W, b) pairs", label=label))
        ax.plot(_np(pts[:, 0]), _np(pts[:, 1]), ".-", ms=3, lw=1, label=label)
    # The least-squares line is the bottom of the bowl: its (W, b) in closed form.
    xv, yv = X.detach().cpu().view(-1).double(), y.detach().cpu().view(-1).double()
    w_min = float(((xv - xv.mean()) * (yv - yv.mean())).sum() / ((xv - xv.mean()) ** 2).sum())
    b_min = float(yv.mean() - w_min * xv.mean())
    ax.plot([w_min], [b_min], "k*", ms=14, label=tr("minimum (W={W:.3g}, b={b:.3g})", W=w_min, b=b_min))
    ax.set(xlim=w_range, ylim=b_range, xlabel="W", ylabel="b", title=tr("loss surface and gradient-descent paths"))
    ax.legend(loc="upper right", fontsize=8)
    walks = "; ".join(tr("{label}: {steps} steps from (W, b) = ({w0}, {b0}) to ({w1}, {b1})", label=label,
                         steps=len(path) - 1, w0=_num(float(path[0][0])), b0=_num(float(path[0][1])),
                         w1=_num(float(path[-1][0])), b1=_num(float(path[-1][1]))) for label, path in paths.items())
    return _described(fig, tr("Contour lines of the loss over W and b, a valley around its minimum at W = {w}, "
                              "b = {b}. Paths: {walks}", w=_num(w_min), b=_num(b_min), walks=walks))


def _model_input_check(model: Callable[[torch.Tensor], torch.Tensor]) -> torch.device:
    params = list(model.parameters()) if hasattr(model, "parameters") else []
    device = params[0].device if params else torch.device("cpu")
    # Any layer may come first in the module's registration order: the model fits if one of its layers takes 2.
    sizes = [m.in_features for m in model.modules() if hasattr(m, "in_features")] if hasattr(model, "modules") else []
    if sizes and 2 not in sizes:
        raise LabError(tr("the model takes {n} inputs; a decision boundary needs a model of 2 inputs", n=sizes[0]))
    return device


def _boundary(ax, model: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, y: torch.Tensor,
              resolution: int = 151):
    """Shade the model's output over the unit square, draw its 0.5 contour and the points; return the shading."""
    device = _model_input_check(model)
    g = torch.linspace(-0.25, 1.25, resolution)
    GX, GY = torch.meshgrid(g, g, indexing="xy")
    grid = torch.stack([GX.reshape(-1), GY.reshape(-1)], 1).to(device)
    with torch.no_grad():
        try:
            out = model(grid)
        except RuntimeError as e:
            raise LabError(tr("the model cannot take inputs of shape (N, 2): {error}",
                              error=str(e).splitlines()[0])) from None
    if out.shape != (len(grid), 1):
        raise LabError(tr("the model must map (N, 2) to (N, 1) probabilities, got output shape {shape}",
                          shape=tuple(out.shape)))
    P = _np(out).reshape(GX.shape)
    GX, GY = _np(GX), _np(GY)
    im = ax.contourf(GX, GY, P, levels=torch.linspace(0, 1, 11).tolist(), cmap="RdBu_r", alpha=0.75)
    if float(P.min()) < 0.5 < float(P.max()):
        ax.contour(GX, GY, P, levels=[0.5], colors="k", linewidths=2)
    _points(ax, X, y)
    ax.set(xlabel="x1", ylabel="x2", aspect="equal")
    return im


def decision_boundary_figure(
    model: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, y: torch.Tensor, title: str | None = None
) -> Figure:
    """The model's output over the unit square (shaded, with the 0.5 contour) and the four points."""
    check_tensor("X", X, (None, 2))
    check_tensor("y", y, (len(X), 1))
    fig = new_figure(figsize=(4.6, 4), layout="constrained")
    ax = fig.subplots()
    im = _boundary(ax, model, X, y)
    fig.colorbar(im, ax=ax, label="y_hat")
    ax.set(title=tr("decision boundary") if title is None else title)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return _described(fig, tr("{title}: the model's output y_hat shaded over the square of inputs (x1, x2), with "
                              "its 0.5 boundary; {right} of {n} points on their class's side", title=ax.get_title(),
                              right=_on_their_side(model, X, y), n=len(X)))


def _on_their_side(model: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> int:
    with torch.no_grad():
        out = model(X.to(_model_input_check(model))).detach().cpu().view(-1)
    return int(((out > 0.5) == (y.detach().cpu().view(-1) > 0.5)).sum())


def evolution_figure(models: Mapping[str, nn.Module], X: torch.Tensor, y: torch.Tensor, title: str = "") -> Figure:
    """Training in motion: for each snapshot (label -> 2-H-1 model), the decision boundary over the hidden code."""
    check_tensor("X", X, (None, 2))
    check_tensor("y", y, (len(X), 1))
    if not models:
        raise LabError(tr("models is empty; pass {example} built from the recorded snapshots",
                          example="{'epoch 0': model, ...}"))
    fig = new_figure(figsize=(3.1 * len(models), 6.2), layout="constrained")
    axes = fig.subplots(2, len(models), squeeze=False)
    for col, (label, model) in enumerate(models.items()):
        if not all(hasattr(model, name) for name in ("linear1", "activation")):
            raise LabError(tr("snapshot {label!r} is not a 2-H-1 network with linear1 and activation", label=label))
        ax = axes[0, col]
        _boundary(ax, model, X, y, resolution=76)  # small panels: a coarser grid draws the same picture faster
        ax.set(title=label)
        with torch.no_grad():
            H = _np(model.activation(model.linear1(X.to(_model_input_check(model)))))
        heat = axes[1, col]
        heat.imshow(H, cmap="viridis", vmin=min(0.0, float(H.min())), vmax=max(1.0, float(H.max())), aspect="auto")
        for i in range(H.shape[0]):
            for j in range(H.shape[1]):
                heat.text(j, i, f"{H[i, j]:.2f}", ha="center", va="center", fontsize=8,
                          color="w" if H[i, j] < 0.5 else "k")
        heat.set(xticks=range(H.shape[1]), xticklabels=[f"h{j + 1}" for j in range(H.shape[1])],
                 yticks=range(H.shape[0]), yticklabels=[f"{int(a)}{int(b)}" for a, b in _np(X).tolist()],
                 title=tr("hidden code"))
    if title:
        fig.suptitle(title)
    steps = "; ".join(tr("{label}: {right} of {n} points on their side", label=label,
                         right=_on_their_side(model, X, y), n=len(X)) for label, model in models.items())
    return _described(fig, tr("{title}. Top row: the decision boundary at {labels}; bottom row: each input's hidden "
                              "code as a heat map. {steps}", title=title or tr("Training in motion"),
                              labels=", ".join(models), steps=steps))


def snapshots_figure(
    X: torch.Tensor, y: torch.Tensor, runs: Mapping[str, Sequence[tuple[int, float, float]]],
    w_range: tuple[float, float] = (-0.5, 2.5), b_range: tuple[float, float] = (-1.5, 2.0),
) -> Figure:
    """Training in motion for y_hat = W x + b: per run (a row), the line at each recorded (epoch, W, b), and
    those (W, b) points on the loss surface."""
    check_tensor("X", X, (None, 1))
    check_tensor("y", y, (len(X), 1))
    if not runs or any(len(snaps) == 0 for snaps in runs.values()):
        raise LabError(tr("runs is empty; pass {example}", example="{'label': [(epoch, W, b), ...], ...}"))
    cols = max(len(snaps) for snaps in runs.values()) + 1
    fig = new_figure(figsize=(2.6 * cols, 2.6 * len(runs)), layout="constrained")
    axes = fig.subplots(len(runs), cols, squeeze=False)
    xs, ys = _np(X).reshape(-1), _np(y).reshape(-1)
    grid = _np(torch.linspace(float(xs.min()) - 1, float(xs.max()) + 1, 20))
    for row, (label, snaps) in enumerate(runs.items()):
        for col in range(cols - 1):
            ax = axes[row, col]
            if col >= len(snaps):
                ax.set_axis_off()
                continue
            epoch, w, b = snaps[col]
            ax.scatter(xs, ys, s=30, c="k", zorder=3)
            ax.plot(grid, float(w) * grid + float(b), lw=2, c=f"C{row}")
            ax.set(title=tr("epoch {epoch}: W={W:.2f}, b={b:.2f}", epoch=epoch, W=float(w), b=float(b)),
                   ylim=(float(ys.min()) - 1.5, float(ys.max()) + 1.5))
            ax.title.set_fontsize(9)
            if col == 0:
                ax.set_ylabel(label)
        ax = axes[row, -1]
        _loss_contours(ax, X, y, w_range, b_range)
        ws, bs = [float(s[1]) for s in snaps], [float(s[2]) for s in snaps]
        ax.plot(ws, bs, "o-", c=f"C{row}", ms=4, lw=1)
        for epoch, w, b in snaps:
            ax.annotate(str(epoch), (float(w), float(b)), textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.set(xlim=w_range, ylim=b_range, xlabel="W", ylabel="b", title=tr("(W, b) on the loss surface"))
        ax.title.set_fontsize(9)
    rows = "; ".join(tr("{label}: epochs {epochs}, the line going from y = {w0} x + {b0} to y = {w1} x + {b1}",
                        label=label, epochs=", ".join(str(e) for e, _, _ in snaps), w0=f"{float(snaps[0][1]):.2f}",
                        b0=f"{float(snaps[0][2]):.2f}", w1=f"{float(snaps[-1][1]):.2f}",
                        b1=f"{float(snaps[-1][2]):.2f}") for label, snaps in runs.items())
    return _described(fig, tr("One row per run: the fitted line at a few epochs, and the same (W, b) on the loss "
                              "surface. {rows}", rows=rows))


def hidden_space_figure(hidden: torch.Tensor, y: torch.Tensor, w_out: torch.Tensor, b_out: float) -> Figure:
    """How the hidden layer re-maps the inputs: activations per input, the hidden space, and the output's logit."""
    check_tensor("hidden", hidden, (None, None))
    check_tensor("y", y, (len(hidden), 1))
    k = hidden.shape[1]
    check_tensor("w_out", w_out, (k,))
    H, yv, w = _np(hidden), _np(y).reshape(-1), _np(w_out)
    logit = H @ w + float(b_out)
    fig = new_figure(figsize=(13, 3.8), layout="constrained")
    ax_heat = fig.add_subplot(1, 3, 1)
    im = ax_heat.imshow(H, cmap="viridis", vmin=min(0.0, float(H.min())), vmax=max(1.0, float(H.max())), aspect="auto")
    for i in range(len(H)):
        for j in range(k):
            v = float(H[i, j])
            ax_heat.text(j, i, f"{v:.2f}", ha="center", va="center", color="w" if v < 0.5 else "k", fontsize=9)
    fig.colorbar(im, ax=ax_heat)
    ax_heat.set(xticks=range(k), xticklabels=[f"h{j + 1}" for j in range(k)], yticks=range(len(H)),
                yticklabels=[tr("input {i} (y={y})", i=i, y=int(t)) for i, t in enumerate(yv)],
                title=tr("hidden activations"))
    colors = [CLASS_COLORS[int(t > 0.5)] for t in yv]
    if k >= 3:
        ax = fig.add_subplot(1, 3, 2, projection="3d")
        ax.scatter(H[:, 0], H[:, 1], H[:, 2], c=colors, s=80, edgecolors="k", depthshade=False)
        ax.set(xlabel="h1", ylabel="h2", zlabel="h3", title=tr("hidden space (first 3 units)"))
    else:
        ax = fig.add_subplot(1, 3, 2)
        ax.scatter(H[:, 0], H[:, 1] if k == 2 else [0.0] * len(H), c=colors, s=80, edgecolors="k")
        ax.set(xlabel="h1", ylabel="h2" if k == 2 else "", title=tr("hidden space"))
    ax_line = fig.add_subplot(1, 3, 3)
    ax_line.axvline(0, c="k", lw=1)
    ax_line.scatter(logit, [0.0] * len(H), c=colors, s=80, edgecolors="k", zorder=3)
    for i, v in enumerate(logit.tolist()):
        ax_line.annotate(tr("input {i}", i=i), (v, 0), textcoords="offset points", xytext=(0, 8 + 11 * i), ha="center")
    ax_line.set(yticks=[], xlabel="z2 = w·h + b", title=tr("output logit: one threshold separates the classes"))
    logits = "; ".join(tr("input {i} (y={y}): {z}", i=i, y=int(t), z=f"{v:.2f}") for i, (t, v) in
                       enumerate(zip(yv.tolist(), logit.tolist())))
    return _described(fig, tr("The hidden layer's {k} activations for each input as a heat map, the inputs as points "
                              "in hidden space, and the output logit z2 = w·h + b of each input on a line: {logits}",
                              k=k, logits=logits))


# The studies' column names as a figure shows them: the notebooks' own names in English, words in a translation.
COLUMN_NAMES = {"hidden": N_("hidden"), "success_rate": N_("success_rate"), "converged_rate": N_("converged_rate"),
                "optimizer": N_("optimizer")}


def _column(name: str) -> str:
    return tr(COLUMN_NAMES[name]) if name in COLUMN_NAMES else name


def rate_figure(rows: Sequence[Mapping[str, object]], x: str, y: str, group: str | None = None) -> Figure:
    """A metric `y` against a parameter `x`, one line per value of `group` (for studies and sweeps)."""
    if not rows:
        raise LabError(tr("no rows to plot; run the study or sweep first"))
    for key in (x, y) + ((group,) if group else ()):
        if key not in rows[0]:
            raise LabError(tr("no column {key!r}; columns are: {columns}", key=key,
                              columns=", ".join(map(str, rows[0]))))
    fig = new_figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.subplots()
    groups = sorted({str(r[group]) for r in rows}) if group else [None]
    for gv in groups:
        sel = [r for r in rows if group is None or str(r[group]) == gv]
        pts = sorted((float(r[x]), float("nan") if r[y] is None else float(r[y])) for r in sel)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"{_column(group)} = {gv}" if group else None)
    ax.set(xlabel=_column(x), ylabel=_column(y))
    ax.grid(alpha=0.3)
    if group:
        ax.legend()
    lines = []
    for gv in groups:
        sel = sorted((float(r[x]), r[y]) for r in rows if group is None or str(r[group]) == gv)
        values = ", ".join(f"{_num(a)}: {'-' if b is None else _num(float(b))}" for a, b in sel)
        lines.append(f"{_column(group)} = {gv}: {values}" if group else values)
    return _described(fig, tr("{y} against {x}, one line per {group}: {lines}", y=_column(y), x=_column(x),
                              group=_column(group) if group else "-", lines="; ".join(lines)))
