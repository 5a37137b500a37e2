"""The grade itself, computed in the grader's process: each check's record (untrusted JSON from the sandbox) goes
through its verdict, with the inputs the grader chose, under a time limit, in the template's language."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..exercises import assess
from ..exercises.core import FAILED, NOT_DONE, NOT_RUN, PASSED, Exercise, Outcome
from ..nbfile import (
    SCORE_TAG,
    tags,
)
from .execution import reason
from .submissions import first_error, scores

SHORT = {PASSED: "pass", NOT_DONE: "not done", NOT_RUN: "not run"}


@contextlib.contextmanager
def speaking(code: str) -> Iterator[None]:
    """The checks' messages in this language while the grader judges and writes feedback, then as before."""
    from .. import i18n

    before = i18n.language()
    i18n.language(code)
    try:
        yield
    finally:
        i18n.language(before)


VERDICT_SECONDS = 60.0  # one verdict on one record, in the grader (notebook 03's configuration takes 1-4 s)


def _untrusted_json(text: str) -> Any:
    """JSON a sandboxed run left (records, the executed copy): None unless it parses (deep nesting included)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _notebook(value: Any) -> dict[str, Any]:
    """An executed copy reduced to what the grader reads: cells that are dicts, each with a list of dict outputs
    (anything else the run left there is dropped, so nothing malformed reaches the row)."""
    cells = value.get("cells") if isinstance(value, dict) else None
    keep = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict):
            outputs = cell.get("outputs")
            keep.append({**cell, "outputs": [o for o in outputs if isinstance(o, dict)] if isinstance(outputs, list)
                         else []})
    return {"cells": keep}


@functools.lru_cache(maxsize=1)
def _warm_torch() -> None:
    """Run one optimizer step before any verdict runs under a time limit: torch imports its compiler stack on an
    optimizer's first use (seconds), and an import cut off by the limit leaves torch broken for the whole batch."""
    import torch

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    weight.sum().backward()
    optimizer.step()


def _assess_in_time(exercise_id: str, record: Any, seed: int, module: str) -> tuple[Outcome, list[str]]:
    """assess() under a time limit: a record made to keep a verdict busy (epochs = 10**9) fails, the grader goes on."""
    from ..exercises.core import TimeUp, time_limit

    if "torch" in sys.modules:  # the checks module uses torch (the practice checks do not: nothing to warm)
        _warm_torch()
    try:
        with time_limit(VERDICT_SECONDS):
            return assess(exercise_id, record, seed, module)
    except TimeUp:
        why = f"took longer than {VERDICT_SECONDS:g} s"
    except Exception as e:  # a record that breaks the verdict's machinery (its own errors are outcomes already)
        why = type(e).__name__
    return Outcome(FAILED, "unreadable", f"the grader could not judge this record ({why})"), []


def judge(name: str, result: Mapping[str, Any], module: str, exercises: Sequence[Exercise], seed: int,
          missing: list[str], flags: list[str]) -> tuple[dict[str, Any], dict[str, Outcome]]:
    """A submission's row and outcomes from its run: the records judged here, the notebook's own table compared."""
    records = _untrusted_json(result["records"])
    records = records if isinstance(records, dict) else {}
    outcomes: dict[str, Outcome] = {}
    for ex in exercises:
        outcomes[ex.id], differ = _assess_in_time(ex.id, records.get(ex.id), seed, module)
        if differ:
            flags.append(f"{ex.id}: the record held other inputs than this run's ({', '.join(differ[:3])})")
    executed = _notebook(_untrusted_json(result["executed"]))
    printed = scores(executed)
    if printed is not None:
        differ = [f"{ex}: printed {printed.get(ex, 'nothing')}, graded {outcomes[ex].status}" for ex in outcomes
                  if printed.get(ex) != outcomes[ex].status]
        if differ:
            flags.append("the notebook's own score table disagrees with the grader: " + "; ".join(differ))
    log, code = result["log"], result["code"]
    died = "DeadKernel" in log or "Kernel died" in log
    reached = any(SCORE_TAG in tags(c) and c.get("execution_count") for c in executed["cells"])
    # The run got to its score table (a cell may fail); a copy too large to keep cannot say, its records can.
    finished = (reached or bool(result["cut"])) and not died and not result["notes"]
    row: dict[str, Any] = {"submission": name, "status": "graded" if finished else "failed"}
    row |= {ex.id: SHORT.get(o.status, "fail") for ex, o in zip(exercises, outcomes.values())}
    row["total"] = sum(o.status == PASSED for o in outcomes.values())
    row |= {f"{ex.id} cause": o.cause if o.status == FAILED else "" for ex, o in zip(exercises, outcomes.values())}
    row["seconds"] = result["seconds"]
    if finished:
        notes = [first_error(executed)]
    elif died:
        notes = ["the kernel died (the code crashed Python, e.g. os._exit or out of memory)"]
    else:
        notes = [result["notes"][0] if result["notes"] else reason(log) if code else
                 "the notebook stopped before its score table"]
    notes += result["notes"][1:] + [result["cut"]]
    notes += [f"no answer found for cell {', '.join(missing)}"] if missing else []
    row["flags"] = "; ".join(flags)
    row["error"] = "; ".join(n for n in notes if n)
    return row, outcomes
