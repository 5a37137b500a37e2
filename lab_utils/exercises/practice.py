"""Checks for the two-exercise practice notebook (tests/fixtures/practice.ipynb): the grader's quick example.

No torch here, so a practice notebook's kernel starts fast. Each check is a probe (runs the student's code on
inputs drawn from the probe seed, records plain data) and a verdict (reads only the record).
"""

from __future__ import annotations

import re

from ..nbfile import cells_run
from .core import (
    N_,
    Exercise,
    caller_namespace,
    declared,
    probe_seed,
    reads,
    run_check,
)
from .core import score_table as _score_table
from .stubs import is_stub

DOUBLE = Exercise("t-double", 1, N_("double a number"), "practice")
HALF = Exercise("t-half", 2, N_("half a number"), "practice")
EXERCISES = declared(globals())  # every Exercise above, in order


def _error(e: BaseException) -> dict[str, str]:
    return {"type": type(e).__name__, "text": str(e).splitlines()[0][:300] if str(e) else ""}


def given_double(seed: int) -> dict:
    """The number a double probe with this seed doubles."""
    return {"x": 21 + seed % 1000}


def probe_double(fn: object, seed: int | None = None) -> dict:
    """What the student's double does on a number drawn from the probe seed."""
    x = given_double(probe_seed() if seed is None else seed)["x"]
    if fn is ... or is_stub(fn):
        return {"stub": True}
    try:
        out = fn(x)
    except Exception as e:
        return {"x": x, "error": _error(e)}
    return {"x": x, "out": out if isinstance(out, (int, float)) and not isinstance(out, bool) else repr(out)[:80]}


@reads("double")
def double() -> None:
    """Check the student's double on a fresh number."""
    namespace = caller_namespace()
    run_check(DOUBLE, lambda: probe_double(namespace.get("double", ...)))


def given_half(seed: int) -> dict:
    """The n a half probe with this seed runs the cell with (seed 0: the notebook's own n, nothing to bind)."""
    return {"n": 10 + seed % 1000} if seed else {}


def probe_half(namespace: dict, seed: int | None = None) -> dict:
    """The student's half; when grading, the cell is run again with an n drawn from the probe seed."""
    seed = probe_seed() if seed is None else seed
    n, half = namespace.get("n"), namespace.get("half", ...)
    source = next((s for s in cells_run(namespace) or [] if re.search(r"^half\s*=", s, re.M)), None)
    if seed and source is not None:
        n = given_half(seed)["n"]
        where = dict(namespace, n=n)
        try:
            exec(compile(source, "<exercise cell>", "exec"), where)
        except Exception as e:
            return {"n": n, "half": None, "error": _error(e)}
        half = where.get("half", ...)
    out = "..." if half is ... else half if isinstance(half, (int, float)) else repr(half)[:80]
    return {"n": n, "half": out}


@reads("n", "half")
def half() -> None:
    """Check the student's half of n."""
    namespace = caller_namespace()
    run_check(HALF, lambda: probe_half(namespace))


def score_table() -> None:
    """The practice notebook's score table."""
    _score_table(EXERCISES)


