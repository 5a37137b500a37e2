"""LMS files made the way each LMS makes them (shared/reference/lms-formats.md, from the LMSs' own code): Moodle's
submissions zip (folders, the pre-4.1 folders, flat) and grading worksheet, Canvas's submissions zip and gradebook
export, Gradescope's export. Test fixtures are built by these functions, never written by hand."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Student:
    """One student of a simulated class, and what they handed in (file name -> bytes; empty: nothing)."""

    first: str
    last: str
    user_id: int  # Canvas's user id
    participant_id: int  # Moodle's per-assignment participant id (unrelated to the user id)
    email: str
    files: dict[str, bytes] = field(default_factory=dict)
    late: bool = False
    nfd: bool = False  # the name written decomposed, as a zip made on macOS does

    @property
    def full(self) -> str:
        korean = any("HANGUL" in unicodedata.name(c, "") for c in self.first + self.last)
        name = f"{self.last}{self.first}" if korean else f"{self.first} {self.last}"
        return unicodedata.normalize("NFD", name) if self.nfd else name

    @property
    def sortable(self) -> str:
        return f"{self.last}, {self.first}"


def clean_filename(text: str) -> str:
    """Moodle's clean_param(PARAM_FILE): control characters and & < > " ` | ' : \\ / removed."""
    text = "".join(c for c in text if ord(c) >= 32 and c != "\x7f")
    return re.sub(r"[&<>\"`|':\\/]", "", text)


def moodle_zip(path: Path, students: list[Student], layout: str = "folders") -> Path:
    """Moodle's "Download all submissions": layout 'folders' (4.1+), 'folders-old' (3.1-4.0: a trailing _) or
    'flat' (downloadasfolders off)."""
    with zipfile.ZipFile(path, "w") as zf:
        for s in students:
            if not s.files:
                continue  # only students with a submission appear
            prefix = clean_filename(s.full.replace("_", " ") + "_" + str(s.participant_id))
            for name, data in s.files.items():
                if layout == "folders":
                    entry = clean_filename(prefix + "_assignsubmission_file") + "/" + name
                elif layout == "folders-old":
                    entry = clean_filename(prefix + "_assignsubmission_file_") + "/" + name
                else:
                    entry = clean_filename(prefix + "_assignsubmission_file_" + name)
                zf.writestr(entry, data)
    return path


def moodle_worksheet(path: Path, students: list[Student], maximum: float = 3.0) -> Path:
    """Moodle's offline grading worksheet (Grades-<course>-<assignment>-<cmid>.csv): BOM, LF, fputcsv quoting."""
    rows = [["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum grade", "Grade can be changed",
             "Last modified (submission)", "Last modified (grade)", "Feedback comments"]]
    for s in students:
        status = "Submitted for grading" + (" - 2 hours 5 mins late" if s.late else "") if s.files else \
            "No submission"
        rows.append([f"Participant {s.participant_id}", unicodedata.normalize("NFC", s.full), s.email, status, "",
                     f"{maximum:.2f}", "Yes", "Tuesday, 1 December 2026, 11:59 PM" if s.files else "-", "-", ""])
    buf = io.StringIO()
    for row in rows:
        buf.write(",".join(_fputcsv(cell) for cell in row) + "\n")
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def _fputcsv(cell: str) -> str:
    """PHP's fputcsv: quote a field holding the delimiter, a quote, a backslash, CR, LF, TAB or a space."""
    if any(c in cell for c in ',"\\\r\n\t '):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _word(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c == "_")  # Ruby's [[:word:]]: letters, marks, digits, _


def canvas_zip(path: Path, students: list[Student], first_file_id: int = 30051000) -> Path:
    """Canvas's "Download Submissions": `name[_LATE]_<user id>_<file id>_<display name>` (content_zipper.rb)."""
    file_id = first_file_id
    with zipfile.ZipFile(path, "w") as zf:
        for s in students:
            user = _word(re.sub(r"_(\d+)_", r"\1", s.sortable)).lower()
            prefix = _word("_".join([user, *(["LATE"] if s.late else []), str(s.user_id)]))
            for name, data in s.files.items():
                file_id += 1
                display = re.sub(r"[\x00/\\:*?\"<>|]+", "_", name)
                zf.writestr(f"{prefix}_{file_id}_{display}", data)
    return path


def canvas_gradebook(path: Path, students: list[Student], assignment: str = "Lab 01 (4242)", bom: bool = False,
                     points: float = 3.0) -> Path:
    """Canvas's gradebook export: Student, ID, SIS User ID, SIS Login ID, Section, the assignment, read-only totals;
    the Points Possible row; Ruby CSV quoting (only fields holding , " CR LF), LF line ends."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment, "Labs Current Points",
              "Labs Final Points", "Current Score", "Unposted Current Score", "Final Score", "Unposted Final Score"]
    rows = [header, ["    Points Possible", "", "", "", "", f"{points:.2f}", "(read only)", "(read only)",
                     "(read only)", "(read only)", "(read only)", "(read only)"]]
    for s in sorted(students, key=lambda s: s.sortable.lower()):
        name = s.sortable if not s.sortable.startswith("=") else f'="{s.sortable}"'
        rows.append([name, str(s.user_id), f"S{s.user_id}", s.email, "Section A", "", "0.00", "0.00", "", "", "0.00",
                     "0.00"])
    text = "".join(",".join(_ruby_csv(c) for c in row) + "\n" for row in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _ruby_csv(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


def gradescope_zip(path: Path, students: list[Student], assignment_id: int = 777) -> Path:
    """Gradescope's "Export Submissions": assignment_<id>_export/ with submission_metadata.yml (Ruby-symbol keys)
    and one submission_<id>/ folder per submission."""
    root = f"assignment_{assignment_id}_export"
    meta = []
    with zipfile.ZipFile(path, "w") as zf:
        for i, s in enumerate(students):
            if not s.files:
                continue
            sub = 90000 + i
            meta.append(f"submission_{sub}:\n  :submitters:\n  - :name: {_yaml(s.full)}\n    :sid: '{s.user_id}'\n"
                        f"    :email: {s.email}\n  :created_at: 2026-12-01 23:10:05.000000000 +09:00\n"
                        f"  :score: 0.0\n  :history: []\n")
            for name, data in s.files.items():
                zf.writestr(f"{root}/submission_{sub}/{name}", data)
        zf.writestr(f"{root}/submission_metadata.yml", "---\n" + "".join(meta))
    return path


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
