"""The answers to the practice notebook's exercises (the grader's example): the verdicts, and what
they compare a record with.

The grader and the student's own notebook use them; a grading run never sees them (the sandbox hides this
folder: lab_utils.tools.isolation.sandbox.hidden_paths), so a submission can only produce evidence by computing it.
"""

from __future__ import annotations

from ..core import (
    Answer,
    Fail,
    NotDone,
    answered,
    explain,
)
from ..practice import (
    DOUBLE,
    HALF,
    given_double,
    given_half,
)


def verdict_double(rec: dict) -> str:
    """double(x) = 2 x, from the record."""
    if rec.get("stub"):
        raise NotDone
    if rec.get("error"):
        raise Fail(explain(rec["error"]), "error")
    got, want = rec["out"], 2 * rec["x"]
    if got != want:
        raise Fail(f"double({rec['x']}) gave {got!r}, not {want}", "double.wrong")
    return f"double({rec['x']}) = {want}"


def verdict_half(rec: dict) -> str:
    """half = n / 2, from the record."""
    if rec.get("error"):
        raise Fail(explain(rec["error"]), "error")
    if rec["half"] == "...":
        raise NotDone
    if rec["half"] != rec["n"] / 2:
        raise Fail(f"half is {rec['half']!r}, not {rec['n'] / 2}", "half.wrong")
    return f"half = {rec['half']}"


ANSWERS = answered(
    Answer(DOUBLE, verdict_double, given_double),
    Answer(HALF, verdict_half, given_half),
)
