"""Grade submitted exercise notebooks: each runs in its own sandbox, and the grade is computed here.

A submission is untrusted. Only the source of its exercise cells is used (matched by cell id, else by likeness);
the checks, the data and the score table come from the exercise notebook. The notebook runs in a bubblewrap
sandbox (lab_utils.tools.isolation.sandbox) with a probe seed chosen for this run; its checks' records come back as
JSON and the verdicts run in this process, which never imports or executes student code. What the notebook printed
is only compared with them. Exercise cells that reach into the checks or the grader are flagged. Only this process
writes results: grades.csv (rewritten atomically after each submission, each row with a keyed digest that --resume
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

from ...errors import LabError
from ...exercises.core import NOT_RUN, NOTE, Exercise, Outcome, exercise_line
from ...i18n import tr
from ...nbfile import EXERCISE_TAG, atomic_write, dump_notebook, load_notebook, source_text, tags
from ..isolation import sandbox, warm
from ..run.dispatch import run_many
from ..run.execution import KERNEL
from ..run.tables import inert, spreadsheet_cell
from . import regrade
from .jobs import Job, make_jobs
from .needed import skip_unneeded
from .scan import scan
from .submissions import (
    assemble,
    check_template,
    exercises_of,
    language_of,
    parse_submission,
    read_submission,
)
from .verdicts import Judge, grade_of, speaking


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


NO_SANDBOX = "graded WITHOUT a sandbox (--no-sandbox): its code ran with the grader's rights"


def _prepare(job: Job, template: Mapping[str, Any], allowed: set[str], use_sandbox: bool,
             skip_for: str | None) -> str | None:
    """Assemble a job's notebook (without the cells no check of `skip_for`, the checks module, depends on), scan
    its exercise cells; the reason it cannot run, if so."""
    job.flags = [*job.flags, *([] if use_sandbox else [NO_SANDBOX])]
    if job.submission is None:
        return "no submission"
    if job.submission.notebook is None:
        return job.submission.problem
    try:
        # bytes read once (they also sign the row); a missing or oversized file gets read_submission's reason
        submission = parse_submission(job.content) if job.content else read_submission(job.submission.notebook)
        job.notebook, job.missing, notes = assemble(template, submission)
    except LabError as e:
        return str(e)
    job.flags += notes
    if skip_for:
        job.notebook, _ = skip_unneeded(job.notebook, skip_for)
    for cell in job.notebook["cells"]:
        if EXERCISE_TAG in tags(cell) and cell["id"] not in job.missing:
            job.flags += scan(source_text(cell), cell["id"], allowed)
    job.seed = secrets.randbelow(2 ** 31 - 2) + 1  # chosen here, per run: a record made for another run fails
    return None


class GradeBook:
    """grades.csv: rows by submission key in the batch's order, saved atomically after each, each signed with the
    grader's key; --resume keeps the rows that verify."""

    def __init__(self, path: Path, columns: list[str], jobs: Sequence[Job], key: bytes, template: bytes):
        """`jobs` give the rows' order and the bytes each row's digest covers."""
        self.path, self.columns, self.key, self.template = path, columns, key, template
        self.order = [j.name for j in jobs]
        self.content = {j.name: j.content for j in jobs}
        self.rows: dict[str, dict[str, Any]] = {}

    def resume(self) -> None:
        if not self.path.is_file():
            return
        with self.path.open(newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                name = r.get("submission")
                if name in self.content and r.get("status") == "graded" and hmac.compare_digest(
                        r.get("digest") or "", digest(self.key, r, self.content[name], self.template)):
                    self.rows[name] = r

    def add(self, row: Mapping[str, Any]) -> dict[str, Any]:
        # the row as the table holds it: what it signs
        row = {c: spreadsheet_cell(row.get(c, "")) for c in self.columns}
        row["digest"] = digest(self.key, row, self.content[row["submission"]], self.template)
        self.rows[row["submission"]] = row
        self.save()
        return row

    def save(self) -> None:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows[n] for n in self.order if n in self.rows)
        atomic_write(self.path, buf.getvalue())

    def ordered(self) -> list[dict[str, Any]]:
        return [self.rows[n] for n in self.order if n in self.rows]


def columns_of(exercises: Sequence[Exercise]) -> list[str]:
    """The columns of grades.csv."""
    return ["submission", "student", "lms id", "late", "files", "status", *(ex.id for ex in exercises), "total",
            *(f"{ex.id} cause" for ex in exercises), "seconds", "peak MiB", "sandbox", "flags", "error", "digest"]


def preflight(template_path: Path, use_sandbox: bool, scheduler: str | None) -> dict[str, Any]:
    """The template, checked, and then the sandbox (the arguments first, then the machine): LabError otherwise."""
    template = load_notebook(template_path)
    check_template(template, template_path.name)
    if use_sandbox and scheduler is None:
        missing_sandbox = sandbox.available()
        if missing_sandbox:
            raise LabError(missing_sandbox)
    return template


def grade(
    template_path: str | Path, submissions: Sequence[str | Path], out_csv: str | Path, workers: int = 2,
    timeout: float | None = 300, resume: bool = False, params: Mapping[str, Any] | None = None,
    kernel: str = KERNEL, on_done: Callable[[dict[str, Any]], None] | None = None, scheduler: str | None = None,
    limits: sandbox.Limits | None = None, use_sandbox: bool = True, all_cells: bool = False,
    roster: str | Path | None = None, fresh_kernel: bool = False,
) -> list[dict[str, Any]]:
    """Grade every submission in `submissions` (notebooks, folders, the LMS's archive) against an exercise notebook,
    each in its own sandbox (here, or on the Dask cluster at `scheduler`), running only the cells its checks depend
    on (every cell with `all_cells`); with `roster`, one row per enrolled student. Here and sandboxed, one warm
    sandbox per worker runs submission after submission (warm.py), or with `fresh_kernel` a fresh sandbox and
    kernel each. Write out_csv after each, then the report; return the rows in order."""
    template_path = Path(template_path).resolve()
    template_bytes = template_path.read_bytes()
    limits = limits or sandbox.Limits()
    template = preflight(template_path, use_sandbox and limits.namespaces, scheduler)
    if not use_sandbox:
        print(f"lab grade: warning: every submission is {NO_SANDBOX}", file=sys.stderr)
    if timeout is not None:
        limits = dataclasses.replace(limits, wall=float(timeout))
    module, exercises, allowed = exercises_of(template)
    out_csv = Path(out_csv)
    out_dir = out_csv.with_suffix("")  # executed copies, feedback and the report beside the table: grades/
    jobs = make_jobs([Path(s) for s in submissions], out_dir / "submissions", template,
                     Path(roster) if roster else None)
    book = GradeBook(out_csv, columns_of(exercises), jobs, _key(out_dir), template_bytes)
    before = regrade.earlier(out_csv)  # a regrade: what changed is written once this batch is done
    if resume:
        book.resume()
    book.save()

    def done(job: Job, row: dict[str, Any]) -> None:
        row = book.add({**row, **job.identity()})
        if on_done:
            on_done(row)

    batch = os.environ.get("LAB_BATCH") or secrets.token_hex(6)  # tags every process of this batch's runs
    runs = _admit([j for j in jobs if j.name not in book.rows], template, (module, exercises, allowed),
                  use_sandbox, all_cells, out_dir, done)
    warm_runs = use_sandbox and scheduler is None and kernel == KERNEL and not fresh_kernel
    _run(runs, template_path, module, exercises, language_of(template), out_dir, params, kernel, limits,
         use_sandbox, batch, workers, scheduler, done, warm_runs)
    _conclude(template_path, template, exercises, jobs, book, before, out_dir)
    return book.ordered()


def _admit(jobs: Sequence[Job], template: Mapping[str, Any], checks: tuple[str, Sequence[Exercise], set[str]],
           use_sandbox: bool, all_cells: bool, out_dir: Path, done: Callable[[Job, dict[str, Any]], None],
           ) -> list[Job]:
    """The jobs that run, prepared; each one that cannot (nothing came, not a notebook) gets its row and the
    student's feedback with the reason now. `checks`: the checks module, its exercises and the names it allows."""
    module, exercises, allowed = checks
    runs = []
    for job in jobs:
        why = _prepare(job, template, allowed, use_sandbox, None if all_cells else module)
        if why is None:
            runs.append(job)
            continue
        status = "no submission" if job.submission is None else "failed"
        row = {"submission": job.name, "status": status, "total": 0, "seconds": 0.0,
               "error": "" if job.submission is None else why, "flags": "; ".join(job.flags)}
        if job.submission is not None:
            unrun = {ex.id: Outcome(NOT_RUN, "not-run", "") for ex in exercises}
            write_feedback(out_dir, job.name, exercises, unrun, row, language_of(template))
        done(job, row)
    return runs


def _conclude(template_path: Path, template: Mapping[str, Any], exercises: Sequence[Exercise], jobs: Sequence[Job],
              book: GradeBook, before: Any, out_dir: Path) -> None:
    """What a finished batch adds beside the table: similarity.csv, the report, and a regrade's changes.csv."""
    from .report import write_report

    similar = _similarity(template_path, template, jobs, out_dir / "similarity.csv")
    write_report(out_dir / "report.html", template_path.name, exercises, book.ordered(), similar,
                 language_of(template))
    if before is not None:
        regrade.write(out_dir / "changes.csv", regrade.changes(before, book.ordered(), exercises))
    else:  # a first grading: no changes.csv of an older table is left to mislead
        (out_dir / "changes.csv").unlink(missing_ok=True)


def _similarity(template_path: Path, template: Mapping[str, Any], jobs: Sequence[Job], out: Path) -> Any:
    """How alike the batch's exercise code is (the pairs also written to `out`, similarity.csv)."""
    from . import similarity

    try:
        code = similarity.class_code(template, {j.name: j.content for j in jobs if j.content})
        found = similarity.similarity(code, similarity.exercise_code(template),
                                      similarity.solution_code(template_path, template))
    except Exception as e:  # noqa: BLE001 -- the grades are written; the report must be too, saying what failed
        print(f"lab grade: warning: similarity not computed ({type(e).__name__}: {e})", file=sys.stderr)
        return None
    similarity.write_csv(out, found)
    return found


def _run(jobs: Sequence[Job], template_path: Path, module: str, exercises: Sequence[Exercise], spoken: str,
         out_dir: Path, params: Mapping[str, Any] | None, kernel: str, limits: sandbox.Limits, use_sandbox: bool,
         batch: str, workers: int, scheduler: str | None, done: Callable[[Job, dict[str, Any]], None],
         warm_runs: bool) -> None:
    """Run the jobs (sandboxed, in parallel; on warm runners where `warm_runs`), judge each as it finishes, write
    its executed copy and feedback."""
    args = [(dump_notebook(j.notebook), dict(params or {}), kernel, limits, j.seed, use_sandbox, batch) for j in jobs]
    with Judge(module, spoken) as judge_process, warm.pool(limits, batch) as runners:
        fn = runners.run_as_sandbox if warm_runs else sandbox.run
        for index, result in run_many(args, kernel, None, workers, scheduler, fn=fn, failed=sandbox.failure):
            job = jobs[index]
            # nothing came back, or a copy over the output limit: the notebook as it was run, without outputs
            atomic_write(out_dir / f"{job.name}.ipynb", result.executed or dump_notebook(job.notebook))
            row, outcomes, flags = grade_of(job.name, result, exercises, job.seed, job.missing, judge_process)
            row["flags"] = "; ".join(job.flags + flags)
            write_feedback(out_dir, job.name, exercises, outcomes, row, spoken)
            done(job, row)


def write_feedback(out_dir: Path, name: str, exercises: Sequence[Exercise], outcomes: Mapping[str, Outcome],
                   row: Mapping[str, Any], spoken: str) -> None:
    """NAME.feedback.txt, what the student reads (in the template's language), and NAME.feedback.json, the same
    lines per exercise for an LMS that takes them one by one (Gradescope's tests)."""
    with speaking(spoken):  # a Korean edition's students read their feedback in Korean
        lines = exercise_lines(exercises, outcomes)
        note = tr(NOTE, text=inert(row["error"])) if row.get("error") else ""
        titles = [inert(tr(ex.title)) for ex in exercises]
    text = "\n".join([f"{name}: {row['total']} / {len(exercises)}", "", *lines, *(["", note] if note else [])])
    atomic_write(out_dir / f"{name}.feedback.txt", inert(text) + "\n")
    per_exercise = [{"id": ex.id, "number": ex.number, "title": title, "status": outcomes[ex.id].status,
                     "cause": outcomes[ex.id].cause, "line": line}
                    for ex, title, line in zip(exercises, titles, lines)]
    atomic_write(out_dir / f"{name}.feedback.json", json.dumps(
        {"submission": name, "total": row["total"], "of": len(exercises), "exercises": per_exercise, "note": note},
        ensure_ascii=False, indent=1) + "\n")


def exercise_lines(exercises: Sequence[Exercise], outcomes: Mapping[str, Outcome]) -> list[str]:
    """Each exercise's line as the notebook shows it (no probe record, no seed), in the language spoken now."""
    return [inert(exercise_line(ex, outcomes[ex.id].status, outcomes[ex.id].message or tr(outcomes[ex.id].status)))
            for ex in exercises]
