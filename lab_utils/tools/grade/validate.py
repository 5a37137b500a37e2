"""`lab validate`: a student's check before submitting. It grades the student's own file exactly as `lab grade`
does (the same template, the same sandbox, a fresh probe seed, the same feedback) and then says what a fresh
top-to-bottom run changes compared with the notebook as the student saved it: exercise cells that lost their id,
cells that ran out of order, an exercise that passed only in the saved notebook."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import layout
from ...errors import LabError
from ...i18n import LANGUAGES
from ...nbfile import EXERCISE_TAG, load_notebook, tags
from ..isolation import sandbox
from ..run.tables import inert
from .submissions import assemble, check_template, exercises_of, read_submission, scores
from .verdicts import SHORT


@dataclass(frozen=True)
class Validation:
    """What `lab validate` found: the grade row, the feedback the grader would send, and how a fresh run differs."""

    row: dict[str, Any]
    feedback: str
    differences: list[str]
    sandboxed: bool


def template_for(notebook: Path, submission: Mapping[str, Any]) -> Path:
    """The exercise notebook a submission answers: its edition metadata (source and language) looked up in the
    course folder above the notebook, the working folder or this package; LabError naming --template otherwise."""
    import lab_utils

    meta = submission.get("metadata", {}).get("lab_utils", {}) if isinstance(submission.get("metadata"), dict) else {}
    source = meta.get("source") if isinstance(meta, dict) else None
    name = Path(source).name if isinstance(source, str) and source.endswith(".ipynb") else notebook.name
    language = meta.get("language") if isinstance(meta, dict) and meta.get("language") in LANGUAGES else layout.SOURCE
    folder = Path(layout.folder(language, "exercise"))
    starts = [notebook.resolve().parent, Path.cwd(), Path(lab_utils.__file__).resolve().parent]
    for start in starts:
        for root in [start, *start.parents]:
            candidate = root / folder / name
            if candidate.is_file() and candidate.resolve() != notebook.resolve():
                return candidate
    raise LabError(f"cannot tell which exercise notebook {notebook.name} answers; pass --template with the file "
                   f"from exercises/, e.g. --template exercises/01_linear_regression.ipynb")


def out_of_order(submission: Mapping[str, Any]) -> str:
    """The first code cell that ran before a cell above it, as a sentence ('' if the saved cells ran in order)."""
    runs = []
    for cell in submission.get("cells", []):
        count = cell.get("execution_count") if isinstance(cell, dict) and cell.get("cell_type") == "code" else None
        if isinstance(count, int) and not isinstance(count, bool):
            runs.append((_first_line(cell), count))
    for (above, count_above), (below, count_below) in zip(runs, runs[1:]):
        if count_below < count_above:
            return (f"cells ran out of order: the cell `{below}` ran as In [{count_below}], before the cell above "
                    f"it, `{above}` (In [{count_above}])")
    return ""


def _first_line(cell: Mapping[str, Any]) -> str:
    """How a student finds a cell: its first line of code (Jupyter shows no cell numbers)."""
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    line = next((li.strip() for li in text.splitlines() if li.strip() and not li.strip().startswith("#")), "")
    return inert(line if len(line) <= 60 else line[:57] + "...")


def lost_ids(template: Mapping[str, Any], submission: Mapping[str, Any]) -> list[str]:
    """The template's exercise cells whose id the submission no longer has (a cell copied, recreated or pasted)."""
    ids = {c.get("id") for c in submission.get("cells", []) if isinstance(c, dict)}
    return [c["id"] for c in template["cells"] if EXERCISE_TAG in tags(c) and c["id"] not in ids]


def differences(template: Mapping[str, Any], submission: Mapping[str, Any], row: Mapping[str, Any],
                titles: Mapping[str, str]) -> list[str]:
    """What a fresh top-to-bottom run changes compared with the saved notebook, one sentence each."""
    found = []
    _, unanswered, _ = assemble(template, submission)
    for cell_id in lost_ids(template, submission):
        how = "counts as not answered" if cell_id in unanswered else \
            "was found by its likeness to the exercise instead (a larger change would lose it)"
        found.append(f"the exercise cell '{cell_id}' lost its id (copied or recreated cell): its answer {how}; "
                     f"type your answer into the cell the exercise notebook gave you")
    order = out_of_order(submission)
    if order:
        found.append(order + "; the grader runs every cell once, top to bottom (Kernel > Restart & Run All)")
    saved = scores(submission) or {}
    for exercise, status in saved.items():
        fresh = row.get(exercise)
        if exercise in titles and SHORT.get(status) == "pass" and fresh != "pass":
            found.append(f"{titles[exercise]} passed in your saved notebook but not in a fresh run: it depended on "
                         f"cells run out of order or on something no longer in the notebook")
    return found


def validate(notebook: str | Path, template: str | Path | None = None, use_sandbox: bool | None = None,
             timeout: float = 300) -> Validation:
    """Grade one notebook as `lab grade` would (sandboxed where bubblewrap works here) and compare with it as
    saved."""
    from .batch import grade

    notebook = Path(notebook)
    submission = read_submission(notebook) if notebook.is_file() else None
    if submission is None:
        raise LabError(f"{notebook} does not exist; pass the notebook you will submit")
    template_path = Path(template) if template else template_for(notebook, submission)
    template_nb = load_notebook(template_path)
    check_template(template_nb, template_path.name)
    sandboxed = sandbox.available() is None if use_sandbox is None else use_sandbox
    _, exercises, _ = exercises_of(template_nb)
    with tempfile.TemporaryDirectory(prefix="lab-validate-") as work:
        rows = grade(template_path, [notebook], Path(work) / "grades.csv", workers=1, timeout=timeout,
                     use_sandbox=sandboxed)
        row = rows[0]
        feedback = (Path(work) / "grades" / f"{row['submission']}.feedback.txt").read_text(encoding="utf-8")
    titles = {ex.id: f"exercise {ex.number}" for ex in exercises}
    return Validation(row, feedback, differences(template_nb, submission, row, titles), sandboxed)


def report(found: Validation, notebook: Path) -> str:
    """The text `lab validate` prints."""
    how = "in the grader's sandbox" if found.sandboxed else \
        "WITHOUT the grader's sandbox (bubblewrap is not available here; the lines are the same)"
    lines = [f"{notebook.name}: graded as lab grade does, {how}", "", found.feedback.rstrip("\n")]
    if found.row.get("status") != "graded":
        lines += ["", "the grader could not finish this notebook: see the note above"]
    if found.differences:
        lines += ["", "a fresh top-to-bottom run differs from your saved notebook:"]
        lines += [f"- {d}" for d in found.differences]
    else:
        lines += ["", "a fresh top-to-bottom run gives what your saved notebook shows"]
    return "\n".join(lines)
