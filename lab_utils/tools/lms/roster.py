"""The class list, from the CSV the LMS exports, recognised by its header (shared/reference/lms-formats.md):

- Moodle's grading worksheet (Identifier = "Participant <id>", the id in the submissions zip's names);
- Canvas's gradebook export (ID = the user id in the submissions zip's names; the Points Possible row skipped);
- a Gradescope roster (SID, as in the export's metadata);
- Moodle's participants table (no ids at all: students are matched by name, which the report says).

Untrusted input like the rest: not UTF-8, no known header, or one id twice is one line naming the problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import LabError
from .intake import nfc


@dataclass(frozen=True)
class Enrolled:
    """One student on the roster: their name, the id the LMS's submissions carry ('' if the roster has none), email."""

    name: str
    lms_id: str
    email: str = ""
    late: bool = False  # Moodle's worksheet says so in its Status ("Submitted for grading - 2 hours late")


def read_roster(path: Path) -> tuple[str, list[Enrolled]]:
    """(the roster's kind, its students) from an LMS's CSV export."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabError(f"{path.name} is not UTF-8: export it from the LMS again (as UTF-8 CSV)") from None
    except OSError as e:
        raise LabError(f"cannot read the roster {path.name} ({e.strerror})") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise LabError(f"{path.name} is empty: pass the class list the LMS exports with --roster")
    header = [h.strip() for h in rows[0]]
    kind, students = _parse(header, rows[1:], path.name)
    seen: dict[str, str] = {}
    for s in students:
        if s.lms_id and s.lms_id in seen:
            raise LabError(f"{path.name} lists id {s.lms_id} twice ({seen[s.lms_id]} and {s.name}): fix the roster")
        seen[s.lms_id] = s.name
    return kind, students


def _parse(header: list[str], rows: list[list[str]], name: str) -> tuple[str, list[Enrolled]]:
    col = {h: i for i, h in enumerate(header)}

    def cell(row: list[str], key: str) -> str:
        return nfc(row[col[key]].strip()) if key in col and col[key] < len(row) else ""

    if "Identifier" in col and "Full name" in col:
        out = [Enrolled(cell(r, "Full name"), (re.search(r"(\d+)\s*$", cell(r, "Identifier")) or [""])[0],
                        cell(r, "Email address"), " late" in cell(r, "Status")) for r in rows if r]
        return "moodle-worksheet", out
    if {"Student", "ID"} <= set(col):
        out = [Enrolled(cell(r, "Student").removeprefix('="').removesuffix('"'), cell(r, "ID"),
                        cell(r, "SIS Login ID")) for r in rows
               if r and cell(r, "ID").isdigit()]  # the Points Possible and Manual Posting rows have no ID
        return "canvas-gradebook", out
    if "SID" in col and ("Name" in col or "First Name" in col):
        out = [Enrolled(cell(r, "Name") or f"{cell(r, 'First Name')} {cell(r, 'Last Name')}".strip(), cell(r, "SID"),
                        cell(r, "Email")) for r in rows if r]
        return "gradescope-roster", out
    last = "Last name" if "Last name" in col else "Surname"
    if "First name" in col and last in col:
        out = [Enrolled(f"{cell(r, 'First name')} {cell(r, last)}".strip(), "", cell(r, "Email address"))
               for r in rows if r]
        return "moodle-participants", out
    raise LabError(f"{name} is not a roster this knows (Moodle's grading worksheet or participants, Canvas's "
                   f"gradebook, a Gradescope roster): its header is {', '.join(header[:4])}")


def name_key(name: str) -> str:
    """A name compared across sources: NFC, case and spacing ignored."""
    return " ".join(nfc(name).casefold().split())
