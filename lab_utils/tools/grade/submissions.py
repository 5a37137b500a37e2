"""What grading reads: the exercise notebook (the template: its exercises, its language) and a submission (untrusted
bytes, of which only the exercise cells' source is used, matched by cell id or by likeness), assembled into the
notebook that runs; what an executed copy printed (its score table, its first error)."""

from __future__ import annotations

import ast
import copy
import difflib
import importlib
import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ...errors import LabError
from ...exercises.core import Exercise
from ...nbfile import (
    EXERCISE_TAG,
    RAISES_TAG,
    SCORE_TAG,
    SCORES_KEY,
    source_text,
    tags,
)
from .scan import python_source

MAX_BYTES = 20_000_000  # a notebook of this lab is well under 1 MB; anything far larger is not a submission


LIKENESS = 0.5  # how alike a cell must be to an exercise cell to count as its answer when ids were lost


def check_template(template: Mapping[str, Any], name: str) -> None:
    """LabError unless `template` is an exercise notebook made by `lab editions`, with a score table."""
    if template.get("metadata", {}).get("lab_utils", {}).get("edition") != "exercise":
        raise LabError(f"{name} is not an exercise notebook; pass one from exercises/ (made by lab editions)")
    if not any(EXERCISE_TAG in tags(c) for c in template["cells"]) or \
            not any(SCORE_TAG in tags(c) for c in template["cells"]):
        raise LabError(f"{name} has no exercise cells or no score table; regenerate it with lab editions")


def read_submission(path: Path) -> dict[str, Any]:
    """A submission as a notebook dict, or LabError with a one-line reason."""
    if not path.is_file():
        raise LabError("no such file")
    if path.stat().st_size > MAX_BYTES:
        raise LabError(f"not a notebook: {path.stat().st_size / 1e6:.0f} MB is far too large")
    return parse_submission(path.read_bytes())


def parse_submission(data: bytes) -> dict[str, Any]:
    """A submission's bytes as a notebook dict, or LabError with a one-line reason."""
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:  # nested past the parser's depth too
        raise LabError(f"not a notebook: the file is not JSON ({str(e).splitlines()[0][:80]})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise LabError("not a notebook: the JSON has no list of cells")
    return nb


def _code_cells(nb: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    out = []
    for cell in nb["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            if isinstance(src, list) and all(isinstance(s, str) for s in src):
                src = "".join(src)
            if isinstance(src, str):
                out.append((cell.get("id") if isinstance(cell.get("id"), str) else None, src))
    return out


MAX_ANSWER = 100_000  # characters of one exercise cell's answer; the course's longest is under 2,000
LIKENESS_SECONDS = 5.0  # likeness matching of one submission (cells without ids), before any sandbox starts


def assemble(template: Mapping[str, Any], submission: Mapping[str, Any],
             ) -> tuple[dict[str, Any], list[str], list[str]]:
    """The notebook to grade: the template with its exercise cells' code taken from the submission.

    Returns it, the ids of exercise cells the submission has no answer for (they keep their placeholder), and
    notes on caps that were hit (an answer too long to use, likeness matching stopped at its time limit)."""
    nb = copy.deepcopy(dict(template))
    answers = _code_cells(submission)
    notes = [f"cell {cid or '(no id)'}: an answer of {len(src):,} characters is too long to grade"
             for cid, src in answers if len(src) > MAX_ANSWER][:3]
    answers = [(cid, src) for cid, src in answers if len(src) <= MAX_ANSWER]
    by_id = {cid: src for cid, src in answers if cid}
    unmatched = [i for i, (cid, _) in enumerate(answers) if not (cid and cid in _exercise_ids(nb))]
    missing = []
    deadline = time.monotonic() + LIKENESS_SECONDS
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        # Every cell may fail: the run goes on to the checks and the score table.
        cell["metadata"]["tags"] = [*tags(cell), RAISES_TAG]
        if EXERCISE_TAG not in tags(cell):
            continue
        if cell["id"] in by_id:
            cell["source"] = by_id[cell["id"]]
            continue
        best = _most_alike(source_text(cell), [(i, answers[i][1]) for i in unmatched], deadline)
        if best is None:
            missing.append(cell["id"])
            if time.monotonic() > deadline and not any("likeness" in n for n in notes):
                notes.append(f"likeness matching stopped after {LIKENESS_SECONDS:g} s ({len(answers):,} code cells "
                             f"without matching ids)")
            continue
        unmatched.remove(best)
        cell["source"] = answers[best][1]
    return nb, missing, notes


def _exercise_ids(nb: Mapping[str, Any]) -> set[str]:
    return {c["id"] for c in nb["cells"] if EXERCISE_TAG in tags(c)}


def _most_alike(stub: str, candidates: list[tuple[int, str]], deadline: float) -> int | None:
    """The index of the candidate most like `stub` (at least LIKENESS), or None; the cheap upper bounds of
    difflib first, and nothing after `deadline`."""
    best, best_ratio = None, LIKENESS
    matcher = difflib.SequenceMatcher(None)
    matcher.set_seq1(stub)
    for i, src in candidates:
        if time.monotonic() > deadline:
            return None
        matcher.set_seq2(src)
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
    return best


def scores(executed: Mapping[str, Any]) -> dict[str, str] | None:
    """{exercise id: status} from the score table the notebook printed (untrusted: only compared); None if absent."""
    for cell in executed.get("cells", []):
        if SCORE_TAG in tags(cell):
            for out in cell.get("outputs", []):
                meta, data = out.get("metadata"), out.get("data")
                if isinstance(meta, dict) and meta.get(SCORES_KEY) and isinstance(data, dict):
                    table = data.get("application/json")
                    found = table.get("exercises") if isinstance(table, dict) else None
                    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None
    return None


def first_error(executed: Mapping[str, Any]) -> str:
    """The first error an exercise cell raised, as 'cell ID: Name: message' (empty if none)."""
    for cell in executed.get("cells", []):
        if EXERCISE_TAG in tags(cell):
            for out in cell.get("outputs", []):
                if isinstance(out, dict) and out.get("output_type") == "error":
                    return f"cell {cell.get('id')}: {out.get('ename')}: {str(out.get('evalue'))[:120]}"
    return ""


def _template_nodes(template: Mapping[str, Any]) -> Iterator[ast.AST]:
    """Every AST node of the template's code cells (IPython lines blanked; a cell that does not parse skipped)."""
    for cell in template["cells"]:
        if cell["cell_type"] == "code":
            try:
                yield from ast.walk(ast.parse(python_source(source_text(cell))[0]))
            except SyntaxError:
                continue


def exercises_of(template: Mapping[str, Any]) -> tuple[str, list[Exercise], set[str]]:
    """The checks module the template's cells import as `check`, its exercises, and the names of that module its
    check cells use (an exercise cell may use those, nothing else of the checks)."""
    modules, used = [], set()
    for node in _template_nodes(template):
        if isinstance(node, ast.ImportFrom) and node.module == "lab_utils.exercises":
            modules += [a.name for a in node.names if a.asname == "check"]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "check":
            used.add(node.attr)
    if not modules:
        raise LabError("the exercise notebook imports no checks (from lab_utils.exercises import ... as check); "
                       "regenerate it with lab editions")
    module = importlib.import_module(f"lab_utils.exercises.{modules[0]}")
    return modules[0], list(module.EXERCISES), used | {"language"}


def language_of(template: Mapping[str, Any]) -> str:
    """The language the template speaks: its `lab.language("ko")` line (the Korean editions), else en."""
    from ...i18n import LANGUAGES

    for node in _template_nodes(template):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "language" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("lab", "check") and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in LANGUAGES:
            return node.args[0].value
    return "en"
