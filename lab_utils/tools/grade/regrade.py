"""What a regrade changed: after a check or the template changes, `lab grade` over a folder graded before compares
the new rows with the old table and writes every change (which student, which exercise, old -> new outcome and
cause) to changes.csv beside the report."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from ...exercises.core import Exercise
from ...nbfile import atomic_write
from ..run.tables import spreadsheet_cell

MAX_TABLE = 50_000_000  # bytes of an earlier grades.csv read back; a class's table is well under 1 MB


@dataclass(frozen=True)
class Change:
    """One exercise of one student whose outcome or cause differs from the earlier grading."""

    submission: str
    student: str
    exercise: str
    old: str
    new: str
    old_cause: str
    new_cause: str


def earlier(path: Path) -> list[dict[str, str]] | None:
    """The rows of an earlier grades.csv at `path`, or None where there is none (or it cannot be read as one)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_TABLE:
            return None
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return rows if rows and "submission" in rows[0] else None


def _who(row: Mapping[str, Any]) -> str:
    # the LMS id when there is one (stable across downloads), else the submission's key
    return str(row.get("lms id") or "") or str(row.get("submission") or "")


def changes(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise],
            ) -> list[Change]:
    """Every exercise whose outcome or cause changed, students in the new table's order; a student only in one of
    the tables is one change per exercise from or to '(absent)'."""
    before = {_who(r): r for r in old}
    after = {_who(r): r for r in new}
    absent: dict[str, Any] = {}
    out = []
    for who in [*after, *(w for w in before if w not in after)]:
        a, b = before.get(who, absent), after.get(who, absent)
        for ex in exercises:
            old_outcome, new_outcome = str(a.get(ex.id, "(absent)")), str(b.get(ex.id, "(absent)"))
            old_cause, new_cause = str(a.get(f"{ex.id} cause", "")), str(b.get(f"{ex.id} cause", ""))
            if (old_outcome, old_cause) != (new_outcome, new_cause):
                row = b or a
                out.append(Change(str(row.get("submission", "")), str(row.get("student", "")), ex.id, old_outcome,
                                  new_outcome, old_cause, new_cause))
    return out


def write(path: Path, found: Sequence[Change]) -> None:
    """changes.csv: one row per change, written at once."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([f.name.replace("_", " ") for f in fields(Change)])
    writer.writerows([spreadsheet_cell(v) for v in astuple(c)] for c in found)
    atomic_write(path, buf.getvalue())


def summary(found: Sequence[Change]) -> str:
    """One line for the terminal."""
    students = len({(c.submission, c.student) for c in found})
    return (f"regrade: {len(found)} outcome(s) changed for {students} student(s)" if found
            else "regrade: no outcome changed")
