"""Run notebooks with validated parameters through papermill, alone or as a parallel sweep."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ..errors import LabError, ParameterError
from ..nbfile import atomic_write
from ..params import Param, parse_value, read_parameters, unknown_name_error
from ..results import read_results

RUNS_DIR = Path("runs")
KERNEL = "python3"


def resolve_params(notebook: str | Path, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check names against the notebook's parameters cell and parse text values into their declared types."""
    declared = _declared(notebook, raw)
    return {name: parse_value(declared[name], v) if isinstance(v, str) else v for name, v in raw.items()}


def _declared(notebook: str | Path, names: Iterable[str]) -> dict[str, Param]:
    """The notebook's parameters, after checking that every given name is one of them."""
    declared = read_parameters(notebook)
    for name in names:
        if name not in declared:
            raise unknown_name_error(name, declared)
    return declared


def params_id(params: Mapping[str, Any]) -> str:
    """A short stable id for a parameter set ('defaults' when empty)."""
    if not params:
        return "defaults"
    text = json.dumps(params, sort_keys=True)
    readable = "-".join(f"{k}={v}" for k, v in sorted(params.items()))
    safe = "".join(c if c.isalnum() or c in "=.-_" else "_" for c in readable)[:60]
    return f"{safe}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # papermill and its kernel
    except (ProcessLookupError, PermissionError):
        pass


def run_papermill(
    src: Path, out: Path, params: Mapping[str, Any], kernel: str = KERNEL, timeout: float | None = None,
) -> tuple[int, str, float]:
    """Execute `src` into `out` with papermill in its own process group, killed at `timeout`.

    Returns (exit code, papermill's log, seconds); a timed-out run's log starts with 'timed out after'.
    `out` is complete once this returns, also when a cell failed. Shared by run, sweep and grade."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.stem}.partial.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(src), str(partial), "-k", kernel, "--cwd", str(out.parent),
           "--no-progress-bar", "--log-level", "ERROR", "-y", json.dumps(dict(params))]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        log, _ = proc.communicate()
        log = f"timed out after {timeout:g} s\n" + (log or "")
    except BaseException:
        _kill_group(proc)
        raise
    if partial.exists():
        os.replace(partial, out)
    return proc.returncode, without_kernel_notice(log or ""), round(time.perf_counter() - start, 2)


# ipykernel 7 logs this at every start of a kernel on local TCP (how Jupyter starts kernels on one machine); it says
# nothing about the notebook. Only lines with this text are dropped: every other kernel message stays.
KERNEL_TCP_NOTICE = "Kernel is running over TCP without encryption."


def without_kernel_notice(log: str) -> str:
    """A kernel's log without ipykernel's start-up notice about TCP transport."""
    return "".join(line for line in log.splitlines(keepends=True) if KERNEL_TCP_NOTICE not in line)


# A kernel that never came up (e.g. kernels starting at once on one host racing for ports) is worth a retry.
KERNEL_START_FAILED = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def run_source(source: str, params: Mapping[str, Any], kernel: str = KERNEL, timeout: float | None = None,
               ) -> tuple[int, str, float, str]:
    """Execute a notebook given as text in a private folder; return (exit code, log, seconds, executed text).

    This is what a Dask worker runs: nothing is read from or written to a shared filesystem."""
    with tempfile.TemporaryDirectory(prefix="lab-run-") as tmp:
        src, out = Path(tmp) / "source.ipynb", Path(tmp) / "run" / "executed.ipynb"
        src.write_text(source, encoding="utf-8")
        for _attempt in range(3):
            code, log, seconds = run_papermill(src, out, params, kernel, timeout)
            if not any(sign in log for sign in KERNEL_START_FAILED):
                break
        return code, log, seconds, out.read_text(encoding="utf-8") if out.is_file() else ""


def run_many(
    jobs: Sequence[tuple], kernel: str = KERNEL, timeout: float | None = None, workers: int = 2,
    scheduler: str | None = None, fn: Callable[..., Any] | None = None,
    failed: Callable[[str], Any] = lambda why: (1, why, 0.0, ""),
) -> Iterator[tuple[int, Any]]:
    """Run jobs here on `workers` threads, or on the Dask cluster at `scheduler`; yield (job index, result) as they
    finish. A job is (notebook text, params) for run_source, or the arguments of `fn` (a module-level function, so
    that Dask can send it); `failed(why)` is the result, in fn's shape, of a job the cluster could not run. Shared
    by sweep and grade."""
    fn = fn or functools.partial(run_source, kernel=kernel, timeout=timeout)
    if scheduler:
        from .cluster import run_on_cluster

        yield from run_on_cluster(jobs, kernel, scheduler, fn, failed)
        return
    yield from in_parallel(lambda ij: (ij[0], fn(*ij[1])), list(enumerate(jobs)), workers)


def _record(name: str, params: Mapping[str, Any], out_dir: Path, code: int, log: str, seconds: float,
            executed: str | None = None) -> dict[str, Any]:
    """The record of a finished run (writing the executed notebook first when it came back as text)."""
    out = out_dir / name
    if executed:
        atomic_write(out, executed)
    record: dict[str, Any] = {"notebook": name, "params": dict(params), "seconds": seconds, "output": str(out)}
    if code == 0:
        try:
            record.update(status="ok", error="", results=read_results(out))
        except LabError as e:
            record.update(status="failed", error=str(e), results={})
    else:
        record.update(status="failed", error=reason(log), results={})
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
    return _record(src.name, params, out_dir, code, log, seconds)


# Terminal colour codes: papermill before 2.6 (and some tracebacks) colour the error line.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def reason(log: str) -> str:
    """The one line that says why a papermill run failed (without terminal colour codes)."""
    lines = [ln.strip() for ln in _ANSI.sub("", log or "").splitlines() if ln.strip()]
    if lines and lines[0].startswith("timed out"):
        return lines[0]
    for ln in reversed(lines):
        if "Error" in ln.split(":")[0] or ln.startswith(("Exception", "KeyboardInterrupt")):
            return ln[:300]
    return (lines[-1][:300] if lines else "papermill exited with an error")


def parse_grid_values(param: Param, text: str) -> list[Any]:
    """Values for one swept parameter: 'a,b,c' or an integer range 'lo..hi' (inclusive)."""
    if param.type is int and ".." in text and "," not in text:
        lo, _, hi = text.partition("..")
        start, stop = parse_value(param, lo), parse_value(param, hi)
        if stop < start:
            raise ParameterError(f"empty range {text!r} for {param.name!r}; write lo..hi with lo <= hi")
        return list(range(start, stop + 1))
    values = [parse_value(param, t) for t in text.split(",") if t.strip() != ""]
    if not values:
        raise ParameterError(f"no values for {param.name!r}; write e.g. -p {param.name} 1,2,3")
    return values


def expand_grid(notebook: str | Path, raw: Mapping[str, str]) -> list[dict[str, Any]]:
    """Validate a sweep's parameters and return the cartesian grid of typed parameter sets."""
    declared = _declared(notebook, raw)
    axes = {name: parse_grid_values(declared[name], text) for name, text in raw.items()}
    return [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """One table row: params, status, seconds, scalar results, error."""
    row = {"run": params_id(record["params"]), **record["params"], "status": record["status"],
           "seconds": record["seconds"]}
    for k, v in record.get("results", {}).items():
        if k not in row:
            row[k] = json.dumps(v) if isinstance(v, (list, dict)) else v
    row["error"] = record.get("error", "")
    return row


# How far a reported result may move on another stack (library versions, CPU) and still count as the same: numbers
# within 2 % plus 1e-3 (losses near zero, rates of a few networks), everything else (flags, names, lengths) equal.
RESULT_RTOL, RESULT_ATOL = 0.02, 1e-3


def compare_results(stored: Mapping[str, Any], fresh: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Where `fresh` results differ from `stored` ones beyond the tolerances: one line each, empty when they agree."""
    problems = []
    for key, want in stored.items():
        name = f"{prefix}{key}"
        if key not in fresh:
            problems.append(f"{name}: not reported (stored {json.dumps(want)})")
        else:
            problems += _compare_value(name, want, fresh[key])
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare_value(name: str, want: Any, got: Any) -> list[str]:
    if _is_number(want) and _is_number(got):
        if abs(got - want) <= RESULT_ATOL + RESULT_RTOL * abs(want):
            return []
        return [f"{name}: {got:.4g}, stored {want:.4g} (allowed {RESULT_RTOL:.0%} + {RESULT_ATOL:g})"]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [p for i, (w, g) in enumerate(zip(want, got)) for p in _compare_value(f"{name}[{i}]", w, g)]
    if isinstance(want, dict) and isinstance(got, dict):
        return compare_results(want, got, f"{name}.")
    if type(want) is type(got) and want == got:
        return []
    return [f"{name}: {json.dumps(got)}, stored {json.dumps(want)}"]


def table_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A plain aligned text table."""
    if not rows:
        return "(no runs)"
    columns = list(columns or _columns(rows))
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return "" if v is None else str(v)
    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)) for b in body]
    return "\n".join(lines)


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    # the error column last, so the table stays readable
    return [c for c in cols if c != "error"] + (["error"] if "error" in cols else [])


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def in_parallel(fn: Callable[[Any], Any], items: Sequence[Any], workers: int) -> Iterator[Any]:
    """fn(item) for every item on `workers` threads (each waits on its own subprocess); results as they finish."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for fut in as_completed([pool.submit(fn, item) for item in items]):
            yield fut.result()


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
        rec = _record(name, todo[index], (out_dir / params_id(todo[index])).resolve(), *result)
        records[params_id(rec["params"])] = rec
        save()
        if on_done:
            on_done(rec)
    if not todo:
        save()  # everything was resumed: the table is still written
    return [records[r] for r in order if r in records]
