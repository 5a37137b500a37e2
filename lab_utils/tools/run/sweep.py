"""Runs and sweeps: execute a notebook into a folder and record what it reported; run a grid of parameter sets,
keeping results.csv current after every run."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import LabError
from ...nbfile import atomic_write
from ...results import read_results
from .dispatch import run_many
from .execution import KERNEL, RunResult, reason, run_papermill
from .grid import params_id
from .tables import csv_text, flatten

RUNS_DIR = Path("runs")


def _record(name: str, params: Mapping[str, Any], out_dir: Path, run: RunResult) -> dict[str, Any]:
    """The record of a finished run (writing the executed notebook first when it came back as text)."""
    out = out_dir / name
    if run.executed:
        atomic_write(out, run.executed)
    record: dict[str, Any] = {"notebook": name, "params": dict(params), "seconds": run.seconds, "output": str(out)}
    if run.code == 0:
        try:
            record.update(status="ok", error="", results=read_results(out))
        except LabError as e:
            record.update(status="failed", error=str(e), results={})
    else:
        record.update(status="failed", error=reason(run.log), results={})
    atomic_write(out_dir / "run.json", json.dumps(record, indent=1))
    return record


def execute(
    notebook: str | Path, params: Mapping[str, Any], out_dir: str | Path, kernel: str = KERNEL,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Execute a notebook into out_dir with papermill; return a record (status, seconds, results or error)."""
    src = Path(notebook).resolve()
    out_dir = Path(out_dir).resolve()
    out = out_dir / src.name
    if out == src:
        raise LabError(f"the output path {out} is the source notebook; choose another --out folder")
    code, log, seconds = run_papermill(src, out, params, kernel, timeout)
    return _record(src.name, params, out_dir, RunResult(code, log, seconds))


def sweep(
    notebook: str | Path, grid: Sequence[Mapping[str, Any]], out_dir: str | Path, workers: int = 2,
    timeout: float | None = None, resume: bool = False, kernel: str = KERNEL,
    on_done: Callable[[dict[str, Any]], None] | None = None, scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Run every parameter set of the grid (in parallel here, or on the Dask cluster at `scheduler`), writing
    results.csv after each run; return the records."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict[str, Any]] = {}
    todo = []
    for params in grid:
        rid = params_id(params)
        done = out_dir / rid / "run.json"
        if resume and done.is_file():
            rec = json.loads(done.read_text(encoding="utf-8"))
            if rec.get("status") == "ok":
                records[rid] = rec
                continue
        todo.append(params)
    order = [params_id(p) for p in grid]

    def save() -> None:
        rows = [flatten(records[r]) for r in order if r in records]
        atomic_write(out_dir / "results.csv", csv_text(rows))

    # Workers only run notebooks; the executed copies, records and results.csv are written by this thread alone.
    source, name = Path(notebook).read_text(encoding="utf-8"), Path(notebook).name
    for index, result in run_many([(source, p) for p in todo], kernel, timeout, workers, scheduler):
        rec = _record(name, todo[index], (out_dir / params_id(todo[index])).resolve(), result)
        records[params_id(rec["params"])] = rec
        save()
        if on_done:
            on_done(rec)
    if not todo:
        save()  # everything was resumed: the table is still written
    return [records[r] for r in order if r in records]
