"""The grade itself, computed on the grader's side: each check's record (untrusted JSON from the sandbox) goes
through its verdict, with the inputs the grader chose, in the template's language.

Verdicts run in a worker process of their own (`Judge`, `python -m lab_utils.tools.grade.verdicts`), never in the
grader's: a record made to keep a verdict busy is stopped by killing that process at VERDICT_SECONDS, and while a
verdict works the grader's threads keep supervising the other runs (a verdict in the grader's process held its GIL).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ...exercises.core import FAILED, NOT_DONE, NOT_RUN, PASSED, Exercise, Outcome
from ...nbfile import SCORE_TAG, tags
from ..run.execution import RunResult, reason
from .submissions import first_error, scores

SHORT = {PASSED: "pass", NOT_DONE: "not done", NOT_RUN: "not run"}
VERDICT_SECONDS = 60.0  # one verdict on one record (notebook 03's configuration takes 1-4 s)
START_SECONDS = 120.0  # the worker's start: importing torch and its first optimizer step


@contextlib.contextmanager
def speaking(code: str) -> Iterator[None]:
    """The checks' messages in this language while the grader writes feedback, then as before."""
    from ... import i18n

    before = i18n.language()
    i18n.language(code)
    try:
        yield
    finally:
        i18n.language(before)


def untrusted_json(text: str) -> Any:
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


class Judge:
    """A worker process that runs verdicts for one checks module, killed and started anew when a verdict passes
    its time limit. Use as a context manager."""

    def __init__(self, module: str, language: str, seconds: float = VERDICT_SECONDS):
        self.module, self.language, self.seconds = module, language, seconds
        self.proc: subprocess.Popen | None = None
        self._buffer = b""

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> bool:
        self.proc = subprocess.Popen([sys.executable, "-m", __name__, self.module, self.language],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._buffer = b""
        return self._line(START_SECONDS) == b"ready"

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()
        self.proc = None

    def _line(self, seconds: float) -> bytes | None:
        """The worker's next line within `seconds`, or None."""
        deadline = time.monotonic() + seconds
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def assess(self, records: str, exercise_ids: Sequence[str], seed: int) -> dict[str, tuple[Outcome, list[str]]]:
        """Each exercise's outcome (and the record's paths that held other inputs) from a run's records text."""
        out: dict[str, tuple[Outcome, list[str]]] = {}
        while len(out) < len(exercise_ids):
            todo = [ex for ex in exercise_ids if ex not in out]
            if self.proc is None and not self._start():
                self._stop()
                return out | {ex: (Outcome(FAILED, "unreadable", "the grader's verdict process did not start"), [])
                              for ex in todo}
            request = json.dumps({"records": records, "exercises": todo, "seed": seed}).encode() + b"\n"
            try:
                self.proc.stdin.write(request)
                self.proc.stdin.flush()
            except OSError:
                self._stop()
                continue
            for ex in todo:
                line = self._line(self.seconds)
                if line is None:  # too slow, or the worker died: this exercise fails, the next gets a new worker
                    self._stop()
                    why = f"took longer than {self.seconds:g} s"
                    out[ex] = (Outcome(FAILED, "unreadable", f"the grader could not judge this record ({why})"), [])
                    break
                answer = json.loads(line)
                out[ex] = (Outcome(answer["status"], answer["cause"], answer["message"]), answer["differ"])
        return out


def _serve(module: str, language: str) -> None:
    """The worker: judge each request's records, one line per exercise, in `language`."""
    from ... import i18n
    from ...exercises import assess, checks

    i18n.language(language)
    checks(module)
    if "torch" in sys.modules:
        # torch imports its compiler stack on an optimizer's first use (seconds): done before the first verdict.
        import torch

        weight = torch.zeros(1, requires_grad=True)
        weight.sum().backward()
        torch.optim.SGD([weight], lr=0.1).step()
    out = sys.stdout.buffer
    out.write(b"ready\n")
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        records = untrusted_json(request["records"])
        records = records if isinstance(records, dict) else {}
        for ex in request["exercises"]:
            try:
                outcome, differ = assess(ex, records.get(ex), request["seed"], module)
            except Exception as e:  # a record that breaks the verdict's machinery (its own errors are outcomes)
                outcome, differ = Outcome(FAILED, "unreadable", f"the grader could not judge this record "
                                                                f"({type(e).__name__})"), []
            out.write(json.dumps({"status": outcome.status, "cause": outcome.cause, "message": outcome.message,
                                  "differ": differ}).encode() + b"\n")
            out.flush()


def grade_of(name: str, result: RunResult, exercises: Sequence[Exercise], seed: int, missing: Sequence[str],
          judge_process: Judge) -> tuple[dict[str, Any], dict[str, Outcome], list[str]]:
    """A submission's row, outcomes and flags from its run: the records judged in the verdict process, the
    notebook's own table compared."""
    flags: list[str] = []
    judged = judge_process.assess(result.records, [ex.id for ex in exercises], seed)
    outcomes = {ex.id: judged[ex.id][0] for ex in exercises}
    for ex in exercises:
        if judged[ex.id][1]:
            flags.append(f"{ex.id}: the record held other inputs than this run's ({', '.join(judged[ex.id][1][:3])})")
    flags += _records_flags(untrusted_json(result.records), exercises)
    executed = _notebook(untrusted_json(result.executed))
    printed = scores(executed)
    if printed is not None:
        differ = [f"{ex}: printed {printed.get(ex, 'nothing')}, graded {outcomes[ex].status}" for ex in outcomes
                  if printed.get(ex) != outcomes[ex].status]
        if differ:
            flags.append("the notebook's own score table disagrees with the grader: " + "; ".join(differ))
    row = _row(name, result, exercises, outcomes, executed, missing)
    return row, outcomes, flags


def _records_flags(records: Any, exercises: Sequence[Exercise]) -> list[str]:
    """What the records file says of how it was written: the checks always add "_meta" (see core._export)."""
    if not isinstance(records, dict) or not any(ex.id in records for ex in exercises):
        return []
    meta = records.get("_meta")
    if not isinstance(meta, dict):
        return ["the records file was not written by the checks"]
    flags = []
    patched = meta.get("patched")
    if isinstance(patched, list) and patched:
        flags.append("what the checks write records with was replaced at run time: "
                     + ", ".join(str(p)[:40] for p in patched[:5]))
    if meta.get("foreign_write"):
        flags.append("the records file was written by something other than the checks")
    return flags


def _row(name: str, result: RunResult, exercises: Sequence[Exercise], outcomes: Mapping[str, Outcome],
         executed: Mapping[str, Any], missing: Sequence[str]) -> dict[str, Any]:
    died = "DeadKernel" in result.log or "Kernel died" in result.log
    reached = any(SCORE_TAG in tags(c) and c.get("execution_count") for c in executed["cells"])
    # The run got to its score table (a cell may fail); a copy too large to keep cannot say, its records can.
    finished = (reached or bool(result.cut)) and not died and not result.notes
    row: dict[str, Any] = {"submission": name, "status": "graded" if finished else "failed"}
    row |= {ex.id: SHORT.get(outcomes[ex.id].status, "fail") for ex in exercises}
    row["total"] = sum(o.status == PASSED for o in outcomes.values())
    row |= {f"{ex.id} cause": outcomes[ex.id].cause if outcomes[ex.id].status == FAILED else "" for ex in exercises}
    row["seconds"] = result.seconds
    row["peak MiB"] = round(result.peak_memory / 2 ** 20) if result.peak_memory else ""
    row["sandbox"] = result.enforced
    if finished:
        notes = [first_error(executed)]
    elif result.notes:
        notes = [result.notes[0]]
    elif died:
        notes = ["the kernel died (the code crashed Python, e.g. os._exit or out of memory)"]
    else:
        notes = [reason(result.log) if result.code else "the notebook stopped before its score table"]
    notes += [*result.notes[1:], result.cut]
    notes += [f"no answer found for cell {', '.join(missing)}"] if missing else []
    row["error"] = "; ".join(n for n in notes if n)
    return row


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
