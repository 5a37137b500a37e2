"""Item analysis of a grading batch: which checks separate students who understood from those who did not.

Per exercise: the pass rate and its discrimination, the point-biserial correlation between passing it and the rest
of the score (the other exercises' total, so the exercise does not correlate with itself). A check whose
discrimination is near zero or negative is flagged: passing it says little about the rest of the lab (too easy,
too hard, or testing something else), or the students who pass it tend to fail the rest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...exercises.core import Exercise
from ...i18n import tr

WEAK = 0.2  # below this, a check hardly discriminates (a usual rule of thumb for item-rest correlations)


@dataclass(frozen=True)
class Item:
    """One exercise's statistics over a batch's graded rows."""

    exercise: str
    students: int
    pass_rate: float | None
    discrimination: float | None  # point-biserial with the rest of the score; None where it cannot be computed
    note: str  # why it is flagged or not computed ('' when it discriminates)


def point_biserial(passed: Sequence[bool], rest: Sequence[float]) -> float | None:
    """The correlation between passing (0/1) and the rest score; None where either does not vary."""
    n = len(passed)
    p = sum(passed) / n if n else 0.0
    mean = sum(rest) / n if n else 0.0
    spread = math.sqrt(sum((r - mean) ** 2 for r in rest) / n) if n else 0.0
    if n < 2 or p in (0.0, 1.0) or spread == 0:
        return None
    mean_pass = sum(r for r, ok in zip(rest, passed) if ok) / sum(passed)
    mean_fail = sum(r for r, ok in zip(rest, passed) if not ok) / (n - sum(passed))
    return (mean_pass - mean_fail) / spread * math.sqrt(p * (1 - p))


def items(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[Item]:
    """Each exercise's pass rate and discrimination over the graded rows, with what an instructor should know."""
    graded = [r for r in rows if r.get("status") == "graded"]
    passes = {ex.id: [r.get(ex.id) == "pass" for r in graded] for ex in exercises}
    totals = [sum(passes[ex.id][i] for ex in exercises) for i in range(len(graded))]
    out = []
    for ex in exercises:
        passed = passes[ex.id]
        if not graded:
            out.append(Item(ex.id, 0, None, None, tr("no graded submission")))
            continue
        rate = sum(passed) / len(graded)
        rest = [total - ok for total, ok in zip(totals, passed)]
        r = point_biserial(passed, rest)
        out.append(Item(ex.id, len(graded), rate, r, _note(rate, r, len(graded), len(exercises))))
    return out


def _note(rate: float, r: float | None, students: int, exercises: int) -> str:
    if students < 2:
        return tr("not computed: one graded submission")
    if exercises < 2:
        return tr("not computed: no other exercise to compare with")
    if r is None:
        if rate == 1.0:
            return tr("not computed: every student passed, so passing it tells nobody apart")
        if rate == 0.0:
            return tr("not computed: no student passed, so passing it tells nobody apart")
        return tr("not computed: the rest of the score is the same for everyone")
    if r < 0:
        return tr("flagged: students who pass it tend to fail the rest: check what it tests")
    if r < WEAK:
        return tr("flagged: hardly discriminates: passing it says little about the rest of the lab")
    return ""
