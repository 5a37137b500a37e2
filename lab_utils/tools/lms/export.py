"""Grades and feedback back into the LMS (shared/reference/lms-formats.md):

- Moodle: a CSV for "Grades > Import > CSV file" (Email address, Grade, Feedback: map Email address to useremail,
  Grade to the assignment, Feedback to its feedback) and a zip for "Upload multiple feedback files in a zip"
  (`Full Name_<participant id>_assignfeedback_file_feedback.txt`, as Moodle's importer parses names), both from the
  grading worksheet the instructor downloaded (it links participant ids, names and emails).
- Canvas: the instructor's own gradebook export with the assignment's column filled in; every other byte of the
  file is kept (BOM, quoting, line ends, the Points Possible row, read-only columns).

Grades are the grader's totals scaled to the LMS's maximum (Moodle's "Maximum grade", Canvas's Points Possible).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ...errors import LabError
from ...nbfile import atomic_write
from .roster import read_roster


def read_grades(path: Path) -> list[dict[str, str]]:
    """The rows of a grades.csv that `lab grade` wrote."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise LabError(f"cannot read {path.name} ({e}); pass the grades.csv that lab grade wrote") from None
    if not rows or not {"submission", "lms id", "total", "status"} <= set(rows[0]):
        raise LabError(f"{path.name} is not a table lab grade wrote (no submission, lms id, total and status columns)")
    return rows


def exercise_count(rows: Sequence[Mapping[str, str]]) -> int:
    """How many exercises a grades.csv has (the columns with a cause column beside them)."""
    return sum(1 for c in rows[0] if f"{c} cause" in rows[0])


def _feedback(grades: Path, row: Mapping[str, str]) -> str:
    path = grades.with_suffix("") / f"{row['submission']}.feedback.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _points(row: Mapping[str, str], exercises: int, maximum: float) -> str:
    if row["status"] == "no submission":
        return ""
    return f"{int(row['total'] or 0) * maximum / max(1, exercises):.2f}"


def moodle(grades: Path, worksheet: Path, out: Path) -> tuple[Path, Path]:
    """Write out/moodle-grades.csv and out/moodle-feedback.zip; return their paths."""
    kind, enrolled = read_roster(worksheet)
    if kind != "moodle-worksheet":
        raise LabError(f"{worksheet.name} is not Moodle's grading worksheet (Identifier, Full name, ...): download it "
                       f"from the assignment's 'Download grading worksheet'")
    rows = read_grades(grades)
    maximum = _moodle_maximum(worksheet)
    by_id = {r["lms id"]: r for r in rows if r["lms id"]}
    exercises = exercise_count(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["Email address", "Grade", "Feedback"])
    out.mkdir(parents=True, exist_ok=True)
    zip_path = out / "moodle-feedback.zip"
    partial = zip_path.with_name(".moodle-feedback.zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for student in enrolled:
            row = by_id.get(student.lms_id)
            if row is None or not student.email:
                continue
            text = _feedback(grades, row) if row["status"] != "no submission" else ""
            writer.writerow([student.email, _points(row, exercises, maximum), text.split("\n", 1)[0]])
            if text:  # only students who submitted: the names map onto the submissions zip's
                zf.writestr(feedback_name(student.name, student.lms_id), text)
    partial.replace(zip_path)
    csv_path = out / "moodle-grades.csv"
    atomic_write(csv_path, buf.getvalue())
    return csv_path, zip_path


def feedback_name(full_name: str, participant_id: str) -> str:
    """The file name Moodle's feedback-zip importer attaches to this participant: the name with `_` as spaces (its
    importer splits on `_`) and clean_filename's characters removed, the participant id, the plugin."""
    name = re.sub(r"[&<>\"`|':\\/\x00-\x1f\x7f]", "", full_name.replace("_", " "))
    return f"{name}_{participant_id}_assignfeedback_file_feedback.txt"


def _moodle_maximum(worksheet: Path) -> float:
    rows = list(csv.DictReader(io.StringIO(worksheet.read_bytes().decode("utf-8-sig"), newline="")))
    for key in ("Maximum grade", "Maximum Grade"):
        for row in rows:
            try:
                return float(row.get(key) or "")
            except ValueError:
                continue
    return 100.0


def canvas(grades: Path, gradebook: Path, out: Path, column: str | None = None) -> Path:
    """Write out: the Canvas gradebook export with `column` (default: the one assignment column) filled in from
    grades.csv, by Canvas user id; every other byte as it was."""
    data = gradebook.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        raise LabError(f"{gradebook.name} is not UTF-8: export the gradebook from Canvas again") from None
    records = spans(text)
    header = [_unquote(text[a:b]) for a, b in records[0]]
    target = _column(header, column, gradebook.name)
    ids = header.index("ID") if "ID" in header else None
    if ids is None:
        raise LabError(f"{gradebook.name} has no ID column: pass Canvas's gradebook export (Grades > Export)")
    rows = read_grades(grades)
    maximum = _points_possible(text, records, target)
    by_id = {r["lms id"]: r for r in rows if r["lms id"]}
    exercises = exercise_count(rows)
    edits = []
    for record in records[1:]:
        if len(record) <= max(target, ids):
            continue
        row = by_id.get(_unquote(text[slice(*record[ids])]))
        if row is not None and row["status"] != "no submission":
            edits.append((record[target], _points(row, exercises, maximum)))
    for (a, b), value in sorted(edits, reverse=True):  # from the end, so earlier offsets stay valid
        text = text[:a] + value + text[b:]
    atomic_write(out, ("\ufeff" if bom else "") + text)
    return out


ASSIGNMENT = re.compile(r"\(\d+\)$")  # Canvas titles an assignment's column "Title (assignment id)"


def _column(header: list[str], column: str | None, name: str) -> int:
    found = [i for i, h in enumerate(header) if ASSIGNMENT.search(h)]
    if column:
        if column not in header:
            raise LabError(f"{name} has no column {column!r}; its assignment columns are "
                           f"{', '.join(header[i] for i in found)}")
        return header.index(column)
    if len(found) != 1:
        raise LabError(f"{name} has {len(found)} assignment columns: name one with --column "
                       f"(e.g. --column {header[found[0]]!r})" if found else f"{name} has no assignment column")
    return found[0]


def _points_possible(text: str, records: list[list[tuple[int, int]]], target: int) -> float:
    for record in records[1:4]:
        if record and _unquote(text[slice(*record[0])]).strip() == "Points Possible":
            try:
                return float(_unquote(text[slice(*record[target])]))
            except ValueError:
                break
    return 100.0


def _unquote(cell: str) -> str:
    return cell[1:-1].replace('""', '"') if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell


def spans(text: str) -> list[list[tuple[int, int]]]:
    """Each record of a CSV text as the (start, end) offsets of its cells, quotes included (RFC 4180: quoted cells
    may hold separators, quotes as "" and line breaks; records end at LF or CRLF)."""
    records: list[list[tuple[int, int]]] = []
    cells: list[tuple[int, int]] = []
    i, n, start = 0, len(text), 0
    while i < n:
        if text[i] == '"' and i == start:
            i += 1
            while i < n and not (text[i] == '"' and text[i + 1:i + 2] != '"'):
                i += 2 if text[i] == '"' else 1
            i += 1
            continue
        if text[i] == ",":
            cells.append((start, i))
            start = i + 1
        elif text[i] in "\r\n":
            cells.append((start, i))
            records.append(cells)
            cells = []
            i += 2 if text[i:i + 2] == "\r\n" else 1
            start = i
            continue
        i += 1
    if start < n or cells:
        cells.append((start, n))
        records.append(cells)
    return records
