"""A fixture class for similarity: 30 submissions of notebook 01 built from the canonical answers and the correct and
mistaken variants of the checks' catalogue (tests/test_exercise_mistakes.py), with honest differences in comments
and layout, plus one planted pair that shares idiosyncratic code under renamed variables, reordered statements and
changed comments."""

from __future__ import annotations

import copy
import random
import re

from . import cells
from .test_exercise_mistakes import CORRECT, MISTAKES, NB1

CELLS = ("cell-10", "cell-18", "cell-24")
PLANTED = ("student-07", "student-23")

# The planted pair: an unusual helper with odd names and a comment in cell-10, and the same rare mistake in cell-18
# (dW without the factor 2, db with it), written by the second student with every name changed, the independent
# statements reordered and other comments.
PLANTED_A = {
    "cell-10": """\
def run_one_epoch_zz(wq, bq, opt_zz, xs_in, ys_in):
    # zz: my own helper, one epoch per call (kept from homework 2)
    pred_zz = xs_in * wq + bq
    c_zz = loss_fn(pred_zz, ys_in)
    opt_zz.zero_grad()
    c_zz.backward()
    opt_zz.step()
    return c_zz.detach().clone()

W = torch.rand(1, requires_grad=True, device=device)
b = torch.rand(1, requires_grad=True, device=device)
optimizer = optim.SGD([W, b], lr=0.01)
hist_zz = [run_one_epoch_zz(W, b, optimizer, X, y) for epoch in range(slide_epochs)]
last_zz = hist_zz[-1] if len(hist_zz) > 0 else None
""",
    "cell-18": "dW = 1 / n * (X * (y_hat - y)).sum() * (n / n)\ndb = 2 / n * (y_hat - y).sum() * (n / n)",
}
PLANTED_B = {
    "cell-10": """\
def step_once(weight, bias, sgd, inputs, targets):
    # one pass over the data
    guess = inputs * weight + bias
    err = loss_fn(guess, targets)
    sgd.zero_grad()
    err.backward()
    sgd.step()
    return err.detach().clone()

b = torch.rand(1, requires_grad=True, device=device)
W = torch.rand(1, requires_grad=True, device=device)
optimizer = optim.SGD([W, b], lr=0.01)
losses = [step_once(W, b, optimizer, X, y) for epoch in range(slide_epochs)]
final = losses[-1] if len(losses) > 0 else None
""",
    "cell-18": "db = 2 / n * (y_hat - y).sum() * (n / n)\ndW = 1 / n * (X * (y_hat - y)).sum() * (n / n)",
}


def canonical() -> dict[str, str]:
    """The solution notebook's code of each exercise cell."""
    nb = cells.load(cells.ROOT / "notebooks" / f"{NB1}.ipynb")
    return {cid: cells.source(nb, cid) for cid in CELLS}


def _honest(code: str, rng: random.Random) -> str:
    """An honest student's copy of an answer: comments dropped or reworded, blank lines moved."""
    lines = []
    for line in code.splitlines():
        if "#" in line and rng.random() < 0.5:
            line = re.sub(r"\s*#.*$", "", line) if rng.random() < 0.5 else line + "  # mine"
        lines.append(line)
        if rng.random() < 0.1:
            lines.append("")
    return "\n".join(lines)


def answers(rng: random.Random) -> dict[str, list[str]]:
    """Each exercise cell's pool of answers: the catalogue's cases that fill it, each used once."""
    nb = cells.exercise(NB1)
    pool: dict[str, list[str]] = {cid: [] for cid in CELLS}
    for case in [*CORRECT, *MISTAKES]:
        if case.cell in pool:
            code = cells.filled(nb, case.cell, *case.answers)
            for old, new in case.edit:
                code = code.replace(old, new)
            pool[case.cell].append(code)
    for codes in pool.values():
        rng.shuffle(codes)
    return pool


def fixture_class(n: int = 30, seed: int = 3) -> dict[str, dict]:
    """name -> submission notebook: about half the answers canonical, the rest the catalogue's variants."""
    rng = random.Random(seed)
    template = cells.exercise(NB1)
    solution, pool = canonical(), answers(rng)
    out = {}
    for i in range(1, n + 1):
        name = f"student-{i:02d}"
        nb = copy.deepcopy(template)
        for cid in CELLS:
            planted = PLANTED_A if name == PLANTED[0] else PLANTED_B if name == PLANTED[1] else {}
            if cid in planted:
                code = cells.filled(template, cid, planted[cid])
            elif pool[cid] and rng.random() < 0.5:
                code = pool[cid].pop()
            else:
                code = solution[cid]
            next(c for c in nb["cells"] if c.get("id") == cid)["source"] = _honest(code, rng)
        out[name] = nb
    return out
