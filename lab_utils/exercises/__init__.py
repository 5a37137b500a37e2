"""Exercise checks the practice notebooks call: `from lab_utils.exercises import linear as check`.

One module per notebook (linear: 01, logistic: 02, mlp: 03; practice: the grader's two-exercise example). Each
check is a probe, which runs the student's code and records what it did as plain data, and a verdict, which turns
that record into an outcome with a named cause; it prints one line — passed, not done yet, or what is wrong with a
hint — and `score_table()` shows them all. `assess` is the grader's side: a record from a sandbox, judged here.
Nothing here builds or grades notebooks (that is lab_utils.tools).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from .core import FAILED, NOT_RUN, PASSED, Outcome, absent, bind, judge, tr


def modules() -> tuple[str, ...]:
    """The checks modules (one per notebook, and the grader's practice example): each module here that has its
    answers in lab_utils.exercises.answers."""
    from . import answers

    here = {m.name for m in pkgutil.iter_modules(__path__)}
    return tuple(sorted(here & {m.name for m in pkgutil.iter_modules(answers.__path__)}))


def checks(module: str | None = None) -> dict[str, tuple[Callable[[dict], str], Callable[[int], dict]]]:
    """Exercise id -> (its verdict, a function of the probe seed giving the inputs its probe records), for one
    checks module (e.g. 'practice': nothing else, torch included, is imported) or all."""
    table: dict = {}
    for name in modules() if module is None else (module,):
        answers = importlib.import_module(f"{__name__}.answers.{name}").ANSWERS
        table.update({ex_id: (answer.verdict, answer.given) for ex_id, answer in answers.items()})
    return table


def verdicts() -> dict[str, Callable[[dict], str]]:
    """Exercise id -> its verdict: a function of a probe's record alone (it never runs student code)."""
    return {ex: verdict for ex, (verdict, _) in checks().items()}


def assess(exercise_id: str, record: object, seed: int, module: str | None = None) -> tuple[Outcome, list[str]]:
    """The grader's outcome for a record that came back from a sandboxed run with probe seed `seed`: the inputs
    that seed chose are put into the record first (a replayed or hard-coded record then fails on them), then the
    verdict judges it (`module`: the checks module, if known). Returns the outcome and the record's paths that
    held other inputs (a flag for the row)."""
    table = checks(module)
    if exercise_id not in table:
        return Outcome(FAILED, "unknown-check", tr("the check is not one of this package's")), []
    if record is None:
        return Outcome(NOT_RUN, "not-run", tr("the check did not run (the notebook stopped before it)")), []
    if not isinstance(record, dict):
        record = {"error": {"type": "unreadable", "text": type(record).__name__}}
    verdict, given = table[exercise_id]
    inputs = given(seed)
    lacking = absent(record, inputs)
    differ = bind(record, inputs)
    outcome = judge(verdict, record)
    if differ and outcome.status == FAILED:  # what the verdict found wrong is that the record is not this run's
        outcome = Outcome(FAILED, "replayed", tr("the record holds inputs this run's check never gave ({where}): "
                                                 "it was made elsewhere, not by this run", where=differ[0]))
    elif lacking and outcome.status == PASSED:  # only a forged record passes without every input's outcome
        outcome = Outcome(FAILED, "incomplete", tr("the record lacks what this run's check asked for ({where}): "
                                                   "it was not made by the check", where=lacking[0]))
    return outcome, differ
