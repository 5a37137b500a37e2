"""The XOR playground of notebook 03: pick a configuration, watch the boundary, the loss and the success rate.

`update` does the work (train with the batched trainer, draw one figure) and is tested without a browser;
`playground` wraps it in ipywidgets controls, which Colab and JupyterLab already have.
"""

from __future__ import annotations

import time
from typing import Any

import torch
from matplotlib.figure import Figure

from .batched import ACTIVATIONS, OPTIMIZERS, train_batched
from .i18n import N_, tr
from .plots import _boundary, new_figure

MISSING = N_("The playground needs ipywidgets: pip install ipywidgets (Colab and JupyterLab already have it).")


def update(
    X: torch.Tensor, y: torch.Tensor, hidden: int = 3, activation: str = "sigmoid", optimizer: str = "sgd",
    lr: float = 5.0, epochs: int = 2000, seed: int = 0, models: int = 100,
) -> tuple[Figure, dict[str, Any]]:
    """Train `models` seeds (and `seed`) at once; return the figure (seed's boundary, its loss, success over seeds)
    and a summary."""
    start = time.perf_counter()
    seeds = sorted({int(seed), *range(models)})
    study = train_batched(X, y, seeds, hidden=hidden, activation=activation, optimizer=optimizer, lr=lr,
                          epochs=epochs, history=True)
    index = seeds.index(int(seed))
    from .exercises.answers.network import MultiLayerPerceptron  # the answer to exercise 1: not in a grading run

    net = MultiLayerPerceptron(hidden, activation)
    net.load_state_dict(study.state_dict(index))
    ok = study.all_correct
    summary = {"success_rate": ok.float().mean().item(), "final_loss": study.loss[index].item(),
               "correct": bool(ok[index]), "seconds": time.perf_counter() - start}
    fig = new_figure(figsize=(12, 3.6), layout="constrained")
    ax_b, ax_l, ax_r = fig.subplots(1, 3)
    _boundary(ax_b, net, X, y)
    ax_b.set(title=tr("seed {seed}: {outcome}", seed=seed,
                      outcome=tr("all correct") if summary["correct"] else tr("not solved")))
    ax_l.plot(study.history[:, index].numpy(), lw=2)
    ax_l.set(yscale="log", xlabel=tr("epoch"), ylabel=tr("loss"), title=tr("loss of seed {seed}", seed=seed))
    ax_l.grid(alpha=0.3, which="both")
    counts = [int(ok.sum()), int((~ok).sum())]
    ax_r.bar([tr("all correct"), tr("failed")], counts, color=["tab:green", "tab:red"])
    ax_r.set(title=tr("{n} seeds: {rate:.1f} % succeed", n=len(seeds), rate=100 * summary["success_rate"]),
             ylabel=tr("seeds"))
    fig.suptitle(tr("2-{hidden}-1, {activation}, {optimizer} lr {lr:g}, {epochs} epochs", hidden=hidden,
                    activation=activation, optimizer=optimizer, lr=lr, epochs=epochs))
    fig.alt = tr("{title}. Left: seed {seed}'s decision boundary ({outcome}); middle: its loss per epoch, from "
                 "{first:.3g} to {last:.3g}; right: {ok} of {n} seeds classify all four points correctly",
                 title=fig.get_suptitle(), seed=seed, outcome=ax_b.get_title(),
                 first=float(study.history[0, index]), last=float(study.history[-1, index]), ok=counts[0], n=len(seeds))
    return fig, summary


def playground(X: torch.Tensor, y: torch.Tensor, models: int = 100) -> Any:
    """Sliders for hidden units, activation, optimizer, lr, epochs and seed that retrain and redraw on change."""
    try:
        import ipywidgets as w
    except ImportError:
        print(tr(MISSING))
        return None
    controls = {
        "hidden": w.IntSlider(value=3, min=1, max=16, description=tr("hidden units")),
        "activation": w.Dropdown(options=list(ACTIVATIONS), value="sigmoid", description=tr("activation")),
        "optimizer": w.Dropdown(options=OPTIMIZERS, value="sgd", description=tr("optimizer")),
        "lr": w.FloatLogSlider(value=5.0, base=10, min=-3, max=1.3, step=0.1, description="lr"),
        "epochs": w.IntSlider(value=2000, min=100, max=5000, step=100, description=tr("epochs")),
        "seed": w.IntSlider(value=0, min=0, max=models - 1, description=tr("seed")),
    }
    out = w.Output()

    def redraw(change: object = None) -> None:
        fig, _ = update(X, y, models=models, **{k: c.value for k, c in controls.items()})
        # Into the widget's own state, not through display messages: a headless run (nbval, papermill) then
        # shows the widget's text form only, and a browser draws the figure from the state.
        out.outputs = ()
        out.append_display_data(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    items = list(controls.values())
    return w.VBox([w.HBox(items[:3]), w.HBox(items[3:]), out])
