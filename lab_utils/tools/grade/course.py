"""The course view: several graded batches (the three notebooks, or a notebook and its regrade) joined into one row
per student, on the identity the grader recorded (the LMS id, else the name); a student missing from a batch is
shown as missing, never dropped."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import LabError
from ...nbfile import atomic_write
from ..lms.export import read_grades
from ..run.tables import spreadsheet_cell

NO_ROW = "missing"  # the student has no row in that batch (not errors or messages: a cell value)


@dataclass(frozen=True)
class Batch:
    """One grades.csv: its name (the file's), its exercises and its rows."""

    name: str
    exercises: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def read_batch(path: Path) -> Batch:
    """A grades.csv that lab grade wrote, as a Batch (LabError naming the file otherwise)."""
    rows = read_grades(path)
    exercises = tuple(c for c in rows[0] if f"{c} cause" in rows[0])
    return Batch(path.stem, exercises, tuple(rows))


def identity(row: dict[str, str]) -> str:
    """Who a row is: the LMS id where there is one, else the student's name (compared in NFC, case-folded)."""
    lms_id = (row.get("lms id") or "").strip()
    name = unicodedata.normalize("NFC", row.get("student") or row.get("submission") or "").casefold().strip()
    return f"id:{lms_id}" if lms_id else f"name:{name}"


def course(batches: Sequence[Batch]) -> tuple[list[str], list[dict[str, str]]]:
    """The course table's columns and rows: one row per student in order of first appearance."""
    names = [b.name for b in batches]
    if len(set(names)) != len(names):
        raise LabError("two tables have the same file name; name each batch's table after its notebook, e.g. "
                       "lab01.csv, lab02.csv")
    columns = ["student", "lms id"] + [f"{b.name} {c}" for b in batches for c in (*b.exercises, "total")] + ["total"]
    people: dict[str, dict[str, str]] = {}
    for batch in batches:
        for row in batch.rows:
            person = people.setdefault(identity(row), {"student": row.get("student") or row.get("submission", ""),
                                                      "lms id": row.get("lms id", "")})
            absent = row.get("status") == "no submission"
            for c in (*batch.exercises, "total"):
                person[f"{batch.name} {c}"] = "no submission" if absent else row.get(c, "")
    out = []
    for person in people.values():
        row = {c: person.get(c, NO_ROW) for c in columns}
        totals = [row[f"{b.name} total"] for b in batches]
        row["total"] = str(sum(int(t) for t in totals if t.isdigit()))
        out.append(row)
    return columns, out


def write_course(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """course.csv, written at once (cells a spreadsheet will not run)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: spreadsheet_cell(r[c]) for c in columns} for r in rows)
    atomic_write(path, buf.getvalue())
