"""Grade submitted exercise notebooks: each runs in a fresh kernel, with every cell but the exercises from source.

A submission is untrusted. Only the source of its exercise cells is used (matched by cell id, else by likeness);
the checks, the data and the score table come from the exercise notebook, so deleting or editing a check cell
changes nothing. Every cell may fail without stopping the run, a run is killed at its timeout, and anything that
is not a notebook is a row with the reason. grades.csv is rewritten atomically after each submission.
"""

from __future__ import annotations

import copy
import csv
import difflib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import LabError
from ..exercises.core import NOT_DONE, NOT_RUN, PASSED, SCORES_TAG
from ..nbfile import atomic_write, dump_notebook, load_notebook, source_text
from .editions import EXERCISE_TAG, SCORE_TAG
from .runner import KERNEL, reason, run_many

MAX_BYTES = 20_000_000  # a notebook of this lab is well under 1 MB; anything far larger is not a submission
LIKENESS = 0.5  # how alike a cell must be to an exercise cell to count as its answer when ids were lost
SHORT = {PASSED: "pass", NOT_DONE: "not done", NOT_RUN: "not run"}


def _tags(cell: Mapping[str, Any]) -> list[str]:
    meta = cell.get("metadata")
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return tags if isinstance(tags, list) else []


def check_template(template: Mapping[str, Any], name: str) -> None:
    """LabError unless `template` is an exercise notebook made by `lab editions`, with a score table."""
    if template.get("metadata", {}).get("lab_utils", {}).get("edition") != "exercise":
        raise LabError(f"{name} is not an exercise notebook; pass one from exercises/ (made by lab editions)")
    if not any(EXERCISE_TAG in _tags(c) for c in template["cells"]) or \
            not any(SCORE_TAG in _tags(c) for c in template["cells"]):
        raise LabError(f"{name} has no exercise cells or no score table; regenerate it with lab editions")


def read_submission(path: Path) -> dict[str, Any]:
    """A submission as a notebook dict, or LabError with a one-line reason."""
    if not path.is_file():
        raise LabError("no such file")
    if path.stat().st_size > MAX_BYTES:
        raise LabError(f"not a notebook: {path.stat().st_size / 1e6:.0f} MB is far too large")
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
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


def assemble(template: Mapping[str, Any], submission: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The notebook to grade: the template with its exercise cells' code taken from the submission.

    Returns it and the ids of exercise cells the submission has no answer for (they keep their placeholder)."""
    nb = copy.deepcopy(dict(template))
    answers = _code_cells(submission)
    by_id = {cid: src for cid, src in answers if cid}
    used: set[int] = set()
    missing = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        # Every cell may fail: the run goes on to the checks and the score table.
        cell["metadata"]["tags"] = [*_tags(cell), "raises-exception"]
        if EXERCISE_TAG not in _tags(cell):
            continue
        if cell["id"] in by_id:
            cell["source"] = by_id[cell["id"]]
            continue
        stub = source_text(cell)
        ratios = [(difflib.SequenceMatcher(None, stub, src).ratio(), i) for i, (_, src) in enumerate(answers)
                  if i not in used]
        best = max(ratios, default=(0.0, -1))
        if best[0] >= LIKENESS:
            used.add(best[1])
            cell["source"] = answers[best[1]][1]
        else:
            missing.append(cell["id"])
    return nb, missing


def scores(executed: Mapping[str, Any]) -> dict[str, str] | None:
    """{exercise id: status}, in the exercises' order, from the score table's output; None if it did not run."""
    for cell in executed.get("cells", []):
        if SCORE_TAG in _tags(cell):
            for out in cell.get("outputs", []):
                if out.get("metadata", {}).get(SCORES_TAG):
                    data = out.get("data", {}).get("application/json", {})
                    found = data.get("exercises", {})
                    return {k: found[k] for k in data.get("order", found) if k in found}
    return None


def first_error(executed: Mapping[str, Any]) -> str:
    """The first error an exercise cell raised, as 'cell ID: Name: message' (empty if none)."""
    for cell in executed.get("cells", []):
        if EXERCISE_TAG in _tags(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    return f"cell {cell.get('id')}: {out.get('ename')}: {str(out.get('evalue'))[:120]}"
    return ""


def judge(name: str, code: int, log: str, seconds: float, executed: dict[str, Any], missing: list[str],
          ) -> dict[str, Any]:
    """A submission's row from its run: (submission, status, one column per exercise, total, seconds, error)."""
    row: dict[str, Any] = {"submission": name, "status": "failed", "total": 0, "seconds": seconds, "error": ""}
    found = scores(executed)
    if log.startswith("timed out") or found is None:
        why = reason(log) if code else "the notebook stopped before its score table"
        if "DeadKernel" in log or "Kernel died" in log:
            why = "the kernel died (the code crashed Python, e.g. os._exit or out of memory)"
        row["error"] = why
        return row
    notes = [first_error(executed)] + ([f"no answer found for cell {', '.join(missing)}"] if missing else [])
    return {"submission": name, "status": "graded", **{ex: SHORT.get(st, "fail") for ex, st in found.items()},
            "total": sum(st == PASSED for st in found.values()), "seconds": seconds,
            "error": "; ".join(n for n in notes if n)}


def _names(paths: Sequence[Path]) -> list[str]:
    names, seen = [], {}
    for p in paths:
        base = "".join(c if c.isalnum() or c in "-_." else "_" for c in p.stem)[:60] or "submission"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return names


def grade(
    template_path: str | Path, submissions: Sequence[str | Path], out_csv: str | Path, workers: int = 2,
    timeout: float | None = 300, resume: bool = False, params: Mapping[str, Any] | None = None,
    kernel: str = KERNEL, on_done: Callable[[dict[str, Any]], None] | None = None, scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Grade every submission against an exercise notebook (here, or on the Dask cluster at `scheduler`); write
    out_csv after each; return the rows in order."""
    template_path = Path(template_path).resolve()
    template = load_notebook(template_path)
    check_template(template, template_path.name)
    out_csv = Path(out_csv)
    out_dir = out_csv.with_suffix("")  # executed copies beside the table: grades.csv -> grades/
    paths = [Path(s) for s in submissions]
    names = _names(paths)
    rows: dict[str, dict[str, Any]] = {}
    if resume and out_csv.is_file():
        with out_csv.open(newline="", encoding="utf-8") as f:
            rows = {r["submission"]: r for r in csv.DictReader(f) if r.get("status") == "graded"}
    todo = [(p, n) for p, n in zip(paths, names) if n not in rows]
    fixed = ("submission", "status", "total", "seconds", "error")

    def save() -> None:
        done = [rows[n] for n in names if n in rows]
        exercises = list(dict.fromkeys(k for r in done for k in r if k not in fixed))
        columns = ["submission", "status", *exercises, "total", "seconds", "error"]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in done)
        atomic_write(out_csv, buf.getvalue())

    def done(row: dict[str, Any]) -> None:
        rows[row["submission"]] = row
        save()
        if on_done:
            on_done(row)

    save()
    jobs, meta = [], []
    for path, name in todo:
        try:
            nb, missing = assemble(template, read_submission(path))
        except LabError as e:  # not a notebook: a row with the reason, nothing to run
            done({"submission": name, "status": "failed", "total": 0, "seconds": 0.0, "error": str(e)})
            continue
        jobs.append((dump_notebook(nb), dict(params or {})))
        meta.append((name, missing))
    for index, (code, log, seconds, text) in run_many(jobs, kernel, timeout, workers, scheduler):
        name, missing = meta[index]
        if text:
            atomic_write(out_dir / f"{name}.ipynb", text)
        done(judge(name, code, log, seconds, json.loads(text) if text else {}, missing))
    return [rows[n] for n in names if n in rows]
