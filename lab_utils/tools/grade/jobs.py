"""What a batch grades: one Job per student, from the sources (files, folders, LMS archives) and, when given, the
roster (every enrolled student gets a row, a submission that matches nobody on it is flagged, never dropped)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...nbfile import EXERCISE_TAG, source_text, tags
from ..lms.intake import Submission, read_sources
from ..lms.roster import Enrolled, name_key, read_roster
from .submissions import MAX_BYTES

NOT_ENROLLED = "not on the roster: check the student's name and id"


@dataclasses.dataclass
class Job:
    """One row of the batch: its key, the student's submission (None: nothing came), who they are on the roster
    (None: no roster, or not on it), the notebook's bytes, and once assembled what runs."""

    name: str
    submission: Submission | None
    enrolled: Enrolled | None = None
    content: bytes = b""
    notebook: dict[str, Any] | None = None
    missing: list[str] = dataclasses.field(default_factory=list)
    flags: list[str] = dataclasses.field(default_factory=list)
    seed: int = 0

    def identity(self) -> dict[str, str]:
        """The row's columns that say whose it is."""
        sub, who = self.submission, self.enrolled
        return {"student": (who.name if who else "") or (sub.name if sub else ""),
                "lms id": (who.lms_id if who else "") or (sub.lms_id if sub else ""),
                "late": "late" if sub and (sub.late or who and who.late) else "",
                "files": "; ".join(sub.files) if sub else ""}


def keys_of(bases: Sequence[str]) -> list[str]:
    """One key per row, safe as a file name, never shared: a base that cleans to one already taken gets the next
    free -2, -3, ... (a file named like another's numbered key cannot take that student's row)."""
    keys: list[str] = []
    taken: set[str] = set()
    for text in bases:
        base = "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:60].strip("._") or "submission"
        key, number = base, 1
        while key.casefold() in taken:  # case-insensitive: the executed copies share a folder
            number += 1
            key = f"{base}-{number}"
        taken.add(key.casefold())
        keys.append(key)
    return keys


def make_jobs(sources: Sequence[Path], work: Path, template: Mapping[str, Any], roster: Path | None = None,
              ) -> list[Job]:
    """The batch's rows: the submissions in `sources` (archives extracted under `work`), in the roster's order
    when there is one (enrolled students without a submission included), the unmatched ones after."""
    submissions = read_sources(list(sources), work, choose=_chooser(template))
    pairs = _match(submissions, read_roster(roster)[1]) if roster else [(s, None, False) for s in submissions]
    bases = [(f"{s.name} {s.lms_id}" if s.lms_id else s.name) if s else f"{e.name} {e.lms_id}".strip()
             for s, e, _ in pairs]
    jobs = []
    for key, (sub, enrolled, stranger) in zip(keys_of(bases), pairs):
        job = Job(key, sub, enrolled, _content(sub))
        job.flags = [NOT_ENROLLED] if stranger else []
        jobs.append(job)
    return jobs


def _content(sub: Submission | None) -> bytes:
    if sub is None or sub.notebook is None or not sub.notebook.is_file() or sub.notebook.stat().st_size > MAX_BYTES:
        return b""
    return sub.notebook.read_bytes()


def _match(submissions: list[Submission], roster: list[Enrolled]) -> list[tuple[Submission | None, Enrolled | None,
                                                                              bool]]:
    """(submission, enrolled, not on the roster) rows: by the LMS's id where the roster has ids, else by name."""
    by_id = {e.lms_id: e for e in roster if e.lms_id}
    by_name: dict[str, list[Enrolled]] = {}
    for e in roster:
        by_name.setdefault(name_key(e.name), []).append(e)
    matched: dict[int, Submission] = {}
    strangers = []
    for sub in submissions:
        who = by_id.get(sub.lms_id) if by_id else next(iter(by_name.get(name_key(sub.name), [])), None)
        if who is None or id(who) in matched:
            strangers.append(sub)
        else:
            matched[id(who)] = sub
    return [(matched.get(id(e)), e, False) for e in roster] + [(s, None, True) for s in strangers]


def _chooser(template: Mapping[str, Any]):
    """Among a student's notebooks, the one that holds most of the template's exercise cells (by cell id), then the
    one with most of them answered (changed from the template's)."""
    stubs = {c.get("id"): source_text(c) for c in template["cells"] if EXERCISE_TAG in tags(c)}

    def score(path: Path) -> tuple[int, int]:
        try:
            if path.stat().st_size > MAX_BYTES:
                return -1, -1
            cells = [c for c in json.loads(path.read_bytes()).get("cells", []) if isinstance(c, dict)]
        except (OSError, ValueError, RecursionError, AttributeError):
            return -1, -1
        found = [c for c in cells if c.get("id") in stubs]
        return len(found), sum(_text(c.get("source")) != stubs[c["id"]] for c in found)

    return lambda paths: max(paths, key=score)


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""
