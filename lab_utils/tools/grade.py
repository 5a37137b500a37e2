"""Grade submitted exercise notebooks: each runs in its own sandbox, and the grade is computed here.

A submission is untrusted. Only the source of its exercise cells is used (matched by cell id, else by likeness);
the checks, the data and the score table come from the exercise notebook. The notebook runs in a bubblewrap
sandbox (lab_utils.tools.sandbox) with a probe seed chosen for this run; its checks' records come back as JSON and
the verdicts run in this process, which never imports or executes student code. What the notebook printed is only
compared with them. Exercise cells that reach into the checks or the grader are flagged. Only this process writes
results: grades.csv (rewritten atomically after each submission, each row with a keyed digest that --resume
verifies), the executed copies, a feedback file per submission and a report.

This module runs the batch and writes the results; submissions.py reads the template and the submissions,
scan.py flags exercise cells, sandbox.py runs each notebook, verdicts.py turns its records into the grade.
"""


from __future__ import annotations

import csv
import dataclasses
import hashlib
import hmac
import io
import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import LabError
from ..exercises.core import Exercise, Outcome
from ..nbfile import (
    EXERCISE_TAG,
    atomic_write,
    dump_notebook,
    load_notebook,
    source_text,
    tags,
)
from . import sandbox
from .dispatch import run_many
from .execution import KERNEL
from .scan import scan
from .submissions import (
    MAX_BYTES,
    assemble,
    check_template,
    exercises_of,
    language_of,
    parse_submission,
    read_submission,
)
from .verdicts import judge, speaking


def _key(out_dir: Path) -> bytes:
    """This grader's secret for row digests (made on first use, readable by the instructor alone)."""
    path = out_dir / ".grader-key"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def digest(key: bytes, row: Mapping[str, Any], submission: bytes, template: bytes) -> str:
    """A keyed digest over a row, the submission's bytes and the template's: --resume trusts a row only with it."""
    body = json.dumps({k: str(v) for k, v in row.items() if k != "digest"}, sort_keys=True)
    msg = body.encode() + hashlib.sha256(submission).digest() + hashlib.sha256(template).digest()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]


def _cell(value: Any) -> Any:
    """A table cell that a spreadsheet will not run as a formula (text from a submission can start with =)."""
    return "'" + value if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _names(paths: Sequence[Path]) -> list[str]:
    names, seen = [], {}
    for p in paths:
        base = "".join(c if c.isalnum() or c in "-_." else "_" for c in p.stem)[:60] or "submission"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return names


NO_SANDBOX = "graded WITHOUT a sandbox (--no-sandbox): its code ran with the grader's rights"


def grade(
    template_path: str | Path, submissions: Sequence[str | Path], out_csv: str | Path, workers: int = 2,
    timeout: float | None = 300, resume: bool = False, params: Mapping[str, Any] | None = None,
    kernel: str = KERNEL, on_done: Callable[[dict[str, Any]], None] | None = None, scheduler: str | None = None,
    limits: sandbox.Limits | None = None, use_sandbox: bool = True,
) -> list[dict[str, Any]]:
    """Grade every submission against an exercise notebook, each in its own sandbox (here, or on the Dask cluster
    at `scheduler`); write out_csv after each, then the report; return the rows in order."""
    if use_sandbox and scheduler is None:
        missing_sandbox = sandbox.available()
        if missing_sandbox:
            raise LabError(missing_sandbox)
    if not use_sandbox:
        print(f"lab grade: warning: every submission is {NO_SANDBOX}", file=sys.stderr)
    limits = limits or sandbox.Limits()
    if timeout is not None:
        limits = dataclasses.replace(limits, wall=float(timeout))
    template_path = Path(template_path).resolve()
    template_bytes = template_path.read_bytes()
    template = load_notebook(template_path)
    check_template(template, template_path.name)
    module, exercises, allowed = exercises_of(template)
    spoken = language_of(template)
    out_csv = Path(out_csv)
    out_dir = out_csv.with_suffix("")  # executed copies, feedback and the report beside the table: grades/
    key = _key(out_dir)
    paths = [Path(s) for s in submissions]
    names = _names(paths)
    content = {n: (p.read_bytes() if p.is_file() and p.stat().st_size <= MAX_BYTES else b"") for p, n in
               zip(paths, names)}
    rows: dict[str, dict[str, Any]] = {}
    if resume and out_csv.is_file():
        with out_csv.open(newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                name = r.get("submission")
                if name in content and r.get("status") == "graded" and hmac.compare_digest(
                        r.get("digest") or "", digest(key, r, content[name], template_bytes)):
                    rows[name] = r
    todo = [(p, n) for p, n in zip(paths, names) if n not in rows]
    outcomes: dict[str, dict[str, Outcome]] = {}

    columns = ["submission", "status", *(ex.id for ex in exercises), "total",
               *(f"{ex.id} cause" for ex in exercises), "seconds", "flags", "error", "digest"]

    def save() -> None:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[n] for n in names if n in rows)
        atomic_write(out_csv, buf.getvalue())

    def done(row: dict[str, Any]) -> None:
        row = {c: _cell(row.get(c, "")) for c in columns}  # the row as the table holds it: what the digest covers
        row["digest"] = digest(key, row, content[row["submission"]], template_bytes)
        rows[row["submission"]] = row
        save()
        if on_done:
            on_done(row)

    save()
    batch = os.environ.get("LAB_BATCH") or secrets.token_hex(6)  # tags every process of this batch's runs
    jobs, meta = [], []
    for path, name in todo:
        try:
            # bytes read once (they also sign the row); a missing or oversized file gets read_submission's reason
            submission = parse_submission(content[name]) if content[name] else read_submission(path)
            nb, missing = assemble(template, submission)
        except LabError as e:  # not a notebook: a row with the reason, nothing to run
            row = {"submission": name, "status": "failed", "total": 0, "seconds": 0.0, "error": str(e),
                   "flags": "" if use_sandbox else NO_SANDBOX}
            done(row)
            continue
        flags = [] if use_sandbox else [NO_SANDBOX]
        for cell in nb["cells"]:
            if EXERCISE_TAG in tags(cell) and cell["id"] not in missing:
                flags += scan(source_text(cell), cell["id"], allowed)
        seed = secrets.randbelow(2 ** 31 - 2) + 1  # chosen here, per run: a record made for another run fails
        jobs.append((dump_notebook(nb), dict(params or {}), kernel, limits, seed, use_sandbox, batch))
        meta.append((name, missing, seed, flags, nb))
    for index, result in run_many(jobs, kernel, None, workers, scheduler, fn=sandbox.run, failed=sandbox.failure):
        name, missing, seed, flags, nb = meta[index]
        if result["executed"]:
            atomic_write(out_dir / f"{name}.ipynb", result["executed"])
        else:  # nothing came back, or a copy over the output limit: the notebook as it was run, without outputs
            atomic_write(out_dir / f"{name}.ipynb", dump_notebook(nb))
        with speaking(spoken):  # a Korean edition's students read their lines and feedback in Korean
            row, outcomes[name] = judge(name, result, module, exercises, seed, missing, flags)
            atomic_write(out_dir / f"{name}.feedback.txt", feedback(name, exercises, outcomes[name], row))
        done(row)
    ordered = [rows[n] for n in names if n in rows]
    from .report import write_report

    write_report(out_dir / "report.html", template_path.name, exercises, ordered)
    return ordered


def feedback(name: str, exercises: Sequence[Exercise], outcomes: Mapping[str, Outcome], row: Mapping[str, Any],
             ) -> str:
    """What the student is told: each exercise's line as the notebook shows it (no probe record, no seed)."""
    from ..exercises.core import MARK, NOTE, tr

    lines = [f"{name}: {row['total']} / {len(exercises)}", ""]
    for ex in exercises:
        o = outcomes[ex.id]
        lines.append(tr("{mark} Exercise {number} ({title}): {message}", mark=MARK[o.status], number=ex.number,
                        title=tr(ex.title), message=o.message or tr(o.status)))
    if row.get("error"):
        lines += ["", tr(NOTE, text=row["error"])]
    return "\n".join(lines) + "\n"
