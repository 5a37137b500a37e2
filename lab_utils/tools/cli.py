"""`lab` command line (`python -m lab_utils`): one handler per command, registered with @command and the options
it takes; build_parser() assembles them.

Over 300 lines because every `lab` command's arguments are declared here; the work of each lives in the tools module
of its job.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import LabError
from ..params import read_parameters
from .run.execution import KERNEL

SUMMARY_COLUMNS = ["notebook", "status", "seconds", "converged", "final_loss", "accuracy", "success_rate", "error"]
Option = Callable[[argparse.ArgumentParser], object]
COMMANDS: list[tuple[str, str, tuple[Option, ...], Callable[[argparse.Namespace], int]]] = []


def command(name: str, help_text: str, *options: Option) -> Callable:
    """Register the decorated function as the handler of `lab NAME`, with the options it takes (in order)."""
    def register(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS.append((name, help_text, options, handler))
        return handler
    return register


def notebook(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="path of the .ipynb")


def params(p: argparse.ArgumentParser, what: str = "set a parameter") -> None:
    p.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help=what)


def out(default: str | None, what: str) -> Option:
    return lambda p: p.add_argument("--out", default=default, help=what)


def kernel(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kernel", default=KERNEL, help=f"Jupyter kernel name (default: {KERNEL})")


def timeout(default: float | None, what: str) -> Option:
    # One option, a default per command: a student's run may take as long as it takes, `run-all` (CI) stops a
    # notebook that hangs, and grading untrusted code always has a limit (the sandbox's wall time).
    shown = "none" if default is None else f"{default:g}"
    return lambda p: p.add_argument("--timeout", type=float, default=default, help=f"{what} (default: {shown})")


def parallel(p: argparse.ArgumentParser) -> None:
    # sweep and grade share one executor (dispatch.run_many): here on threads, or on a Dask cluster
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel runs (default: cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask cluster instead of here")


def check(what: str) -> Option:
    return lambda p: p.add_argument("--check", action="store_true", help=what)


RUN_OPTIONS = (notebook, params, out(None, "output folder (default: runs/<notebook>/...)"), kernel,
               timeout(None, "seconds before a run is stopped"))


def _pairs(pairs: list[list[str]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs or []:
        out[name] = value  # a repeated name: the last one wins, as with papermill
    return out


@contextlib.contextmanager
def _progress(total: int, desc: str, unit: str, quiet: bool) -> Iterator[Callable[[object], None] | None]:
    """A tqdm bar on stderr for sweep and grade; yields the per-item callback (None when quiet)."""
    if quiet:
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr) as bar:
        yield lambda _item: bar.update(1)


def _print_record(rec: dict) -> None:
    from ..results import format_results

    print(f"{rec['notebook']}: {rec['status']} in {rec['seconds']:.1f} s -> {rec['output']}")
    if rec["status"] == "ok":
        print(format_results(rec["results"]))
    else:
        print(f"error: {rec['error']}")


@command("params", "list a notebook's parameters with types, defaults and help", notebook)
def cmd_params(args: argparse.Namespace) -> int:
    from .run.tables import table_text

    rows = [{"name": p.name, "type": p.type.__name__, "default": repr(p.default), "help": p.help}
            for p in read_parameters(args.notebook).values()]
    print(table_text(rows))
    return 0


@command("run", "execute one notebook with parameters and print its results", *RUN_OPTIONS)
def cmd_run(args: argparse.Namespace) -> int:
    from .run.grid import params_id, resolve_params
    from .run.sweep import RUNS_DIR, execute

    params = resolve_params(args.notebook, _pairs(args.p))
    out = Path(args.out) if args.out else RUNS_DIR / Path(args.notebook).stem / params_id(params)
    rec = execute(args.notebook, params, out, args.kernel, args.timeout)
    _print_record(rec)
    return 0 if rec["status"] == "ok" else 1


def _sweep_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--resume", action="store_true", help="skip runs that already finished ok in --out")
    p.add_argument("--columns", help="result columns to show, comma-separated (default: all scalars)")
    p.add_argument("--plot", metavar="METRIC", help="save a plot of METRIC against --plot-x")
    p.add_argument("--plot-x", metavar="PARAM", help="the swept parameter on the plot's x axis")


@command("sweep", "run a grid of parameters (-p lr 0.1,0.5 -p seed 0..9) in parallel", *RUN_OPTIONS, parallel,
         _sweep_options)
def cmd_sweep(args: argparse.Namespace) -> int:
    from .run.grid import expand_grid
    from .run.sweep import RUNS_DIR, sweep
    from .run.tables import flatten, table_text

    raw = _pairs(args.p)
    if args.plot and not args.plot_x:
        raise LabError("--plot needs --plot-x PARAM, the swept parameter on the plot's x axis")
    grid = expand_grid(args.notebook, raw)
    if args.plot and args.plot_x not in raw:
        raise LabError(f"--plot-x {args.plot_x!r} is not a swept parameter; sweep it with -p {args.plot_x} a,b,c")
    tag = hashlib.sha1(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:8]
    out = Path(args.out) if args.out else RUNS_DIR / Path(args.notebook).stem / f"sweep-{tag}"
    with _progress(len(grid), "sweep", "run", args.quiet) as tick:
        records = sweep(args.notebook, grid, out, args.workers, args.timeout, args.resume, args.kernel,
                        on_done=tick, scheduler=args.scheduler)
    rows = [flatten(r) for r in records]
    # The run id stays in results.csv; on screen the swept values identify a run.
    cols = [*raw, "status", "seconds"] + [c for c in (args.columns or "").split(",") if c]
    same: dict[str, object] = {}
    if not args.columns:
        scalar = list(dict.fromkeys(k for r in rows for k, v in r.items()
                                    if k not in (*cols, "run", "error") and not str(v).startswith("[")))
        ok = [r for r in rows if r["status"] == "ok"]
        if len(ok) > 1:  # a result equal in every run goes below the table, not in a column
            same = {k: ok[0].get(k) for k in scalar if all(r.get(k) == ok[0].get(k) for r in ok)}
        cols += [k for k in scalar if k not in same]
    print(table_text(rows, cols + (["error"] if any(r["error"] for r in rows) else [])))
    if same:
        print("same in every run: " + ", ".join(f"{k} = {v}" for k, v in same.items()))
    if args.plot:
        from ..plots import rate_figure

        ok = [r for r in rows if r["status"] == "ok"]
        others = [k for k in raw if k != args.plot_x and len({r[k] for r in ok}) > 1]
        fig = rate_figure(ok, x=args.plot_x, y=args.plot, group=others[0] if others else None)
        fig.savefig(out / f"{args.plot}-vs-{args.plot_x}.png", dpi=100)
        print(f"plot: {out / f'{args.plot}-vs-{args.plot_x}.png'}")
    failed = sum(r["status"] != "ok" for r in records)
    print(f"{len(records)} runs: {len(records) - failed} ok, {failed} failed; table: {out / 'results.csv'}")
    return 1 if failed else 0


def _run_all_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", default="notebooks")
    p.add_argument("--compare", action="store_true",
                   help="check each run's results against those stored in the notebook, within tolerances "
                        "(exit 1 on a difference): does this stack reproduce the course's results?")


@command("run-all", "execute every notebook of a folder with its defaults and summarize", _run_all_options, kernel,
         timeout(600, "seconds before a notebook is stopped"))
def cmd_run_all(args: argparse.Namespace) -> int:
    from ..results import read_results
    from .run.compare import RESULT_ATOL, RESULT_RTOL, compare_results
    from .run.sweep import RUNS_DIR, execute
    from .run.tables import table_text

    notebooks = sorted(Path(args.folder).glob("*.ipynb"))
    if not notebooks:
        raise LabError(f"no notebooks in {args.folder}")
    # Read what each notebook stored before running anything: a notebook without stored results stops here.
    stored = {nb: read_results(nb) for nb in notebooks} if args.compare else {}
    rows, differences = [], []
    for nb in notebooks:
        rec = execute(nb, {}, RUNS_DIR / nb.stem / "defaults", args.kernel, args.timeout)
        rows.append({"notebook": nb.name, "status": rec["status"], "seconds": rec["seconds"],
                     **rec["results"], "error": rec["error"]})
        print(f"{nb.name}: {rec['status']} in {rec['seconds']:.1f} s", flush=True)
        if args.compare and rec["status"] == "ok":
            differences += [f"{nb.name}: {line}" for line in compare_results(stored[nb], rec["results"])]
    print()
    print(table_text(rows, [c for c in SUMMARY_COLUMNS if any(r.get(c) not in (None, "") for r in rows)]))
    print(f"executed copies: {RUNS_DIR}/<notebook>/defaults/ (the notebooks in {args.folder} are unchanged)")
    failed = any(r["status"] != "ok" for r in rows)
    if args.compare:
        print("\n".join(differences) if differences else
              f"results agree with the stored outputs (numbers within {RESULT_RTOL:.0%} + {RESULT_ATOL:g})")
    return 1 if failed or differences else 0


@command("refresh", "re-execute notebooks in place, top to bottom (to update stored outputs)",
         lambda p: p.add_argument("notebooks", nargs="+"), kernel)
def cmd_refresh(args: argparse.Namespace) -> int:
    from .run.refresh import refresh

    for nb in args.notebooks:
        seconds = refresh(nb, args.kernel)
        print(f"{nb}: re-executed in place in {seconds:.1f} s")
    return 0


@command("colab-sync", "rewrite the Colab badge and install cell from pyproject.toml",
         lambda p: p.add_argument("notebooks", nargs="+"), check("only report notebooks that are out of date (exit 1)"))
def cmd_colab_sync(args: argparse.Namespace) -> int:
    from .publish.colab import sync

    changed = sync(args.notebooks, check=args.check)
    for nb in changed:
        print(f"{nb}: {'out of date' if args.check else 'updated'}")
    return 1 if (args.check and changed) else 0


@command("editions", "regenerate the exercise notebooks from the solution notebooks",
         check("only report editions that differ from the generator (exit 1)"),
         lambda p: p.add_argument("--refresh", action="store_true",
                                  help="re-execute every executed edition (the Korean solutions), changed or not"))
def cmd_editions(args: argparse.Namespace) -> int:
    from .publish.colab import find_pyproject
    from .publish.editions import build

    root = find_pyproject(Path.cwd()).parent
    changed = build(root, check=args.check, refresh=args.refresh)
    for path in changed:
        print(f"{path.relative_to(root)}: {'out of date' if args.check else 'written'}")
    if args.check and changed:
        print("run `make editions` (lab editions) to regenerate them from notebooks/", file=sys.stderr)
    return 1 if (args.check and changed) else 0


def _grade_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="the exercise notebook the submissions answer (from exercises/)")
    p.add_argument("submissions", nargs="+", help="submitted .ipynb files, folders of them, or the LMS's download: "
                                                  "Moodle's or Canvas's submissions zip, Gradescope's export")
    p.add_argument("--roster", help="the class list the LMS exports (Moodle's grading worksheet or participants, "
                                    "Canvas's gradebook, a Gradescope roster): one row per enrolled student")
    out("grades.csv", "the CSV to write (default: grades.csv; executed copies go to the folder of the same name)")(p)
    params(p, "set a parameter for every run")
    parallel(p)
    timeout(300, "seconds before a submission is stopped")(p)
    p.add_argument("--resume", action="store_true", help="skip submissions already graded in --out (rows that "
                                                         "verify against this grader's key)")
    limits = p.add_argument_group("sandbox limits (per submission, for all its processes together where the grader "
                                   "can make a cgroup: as root; the sandbox column of the table says which held)")
    limits.add_argument("--memory", default="3G", help="memory of the whole run, and address space of each process "
                                                      "(default 3G)")
    limits.add_argument("--processes", type=int, default=256, help="processes and threads of the whole run "
                                                                   "(default 256)")
    limits.add_argument("--file-size", default="256M", help="largest file it may write (default 256M)")
    limits.add_argument("--scratch", default="512M", help="all files in its scratch folder (default 512M)")
    limits.add_argument("--output-limit", default="20M", help="the executed copy; larger is kept without outputs "
                                                             "(default 20M)")
    p.add_argument("--no-sandbox", action="store_true", help="grade without the bubblewrap sandbox (student code "
                                                             "runs with your rights; every row says so)")
    p.add_argument("--all-cells", action="store_true", help="run every cell of each submission (default: only the "
                                                            "cells the checks depend on; the others are tagged "
                                                            "skip-execution in the executed copy)")
    p.add_argument("--fresh-kernel", action="store_true", help="a fresh sandbox and Jupyter kernel per submission "
                                                               "(slower; default: one warm sandbox per worker that "
                                                               "has imported torch runs submission after submission "
                                                               "in a forked process, the same isolation)")
    kernel(p)


@command("grade", "grade submitted exercise notebooks, each sandboxed, into a CSV", _grade_options)
def cmd_grade(args: argparse.Namespace) -> int:
    from .grade.batch import grade, preflight
    from .isolation.sandbox import Limits, parse_size
    from .run.grid import resolve_params
    from .run.tables import table_text

    params = resolve_params(args.notebook, _pairs(args.p))  # the arguments first; grade() then checks the sandbox
    if args.processes < 16 or args.timeout <= 0:
        raise LabError("--processes must be at least 16 and --timeout above 0 (a kernel alone needs that much)")
    limits = Limits(memory=parse_size(args.memory, "--memory"), processes=args.processes,
                    file_size=parse_size(args.file_size, "--file-size"), scratch=parse_size(args.scratch, "--scratch"),
                    output=parse_size(args.output_limit, "--output-limit"), wall=args.timeout)
    preflight(Path(args.notebook).resolve(), not args.no_sandbox, args.scheduler)  # before the progress bar
    regraded = Path(args.out).is_file()
    with _progress(len(args.submissions), "grade", "notebook", args.quiet) as tick:
        rows = grade(args.notebook, args.submissions, args.out, args.workers, args.timeout, args.resume, params,
                     args.kernel, on_done=tick, scheduler=args.scheduler, limits=limits,
                     use_sandbox=not args.no_sandbox, all_cells=args.all_cells, roster=args.roster,
                     fresh_kernel=args.fresh_kernel)
    columns = [c for c in (rows[0] if rows else {})
               if not c.endswith(" cause") and c not in ("digest", "flags", "files", "sandbox", "peak MiB", "lms id")]
    print(table_text(rows, columns))
    flagged = sum(bool(r.get("flags")) for r in rows)
    if flagged:
        print(f"{flagged} rows flagged: see the flags column, and the report")
    failed = sum(r["status"] == "failed" for r in rows)
    absent = sum(r["status"] == "no submission" for r in rows)
    print(f"{len(rows)} rows: {len(rows) - failed - absent} graded, {failed} could not be graded"
          + (f", {absent} with no submission" if absent else "") + f"; table: {args.out}")
    changes = Path(args.out).with_suffix("") / "changes.csv"
    if regraded and changes.is_file():
        import csv

        with changes.open(newline="", encoding="utf-8") as f:
            found = sum(1 for _ in csv.reader(f)) - 1  # changes.csv: a header, then a row per change
        print(f"regrade: {found} outcome(s) changed since the last grading of {args.out}: {changes}"
              if found else f"regrade: no outcome changed since the last grading of {args.out}")
    return 1 if failed else 0


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("lms", choices=("moodle", "canvas"), help="the LMS the grades go back to")
    p.add_argument("grades", help="the grades.csv that lab grade wrote (its feedback files beside it, in grades/)")
    p.add_argument("--roster", required=True, help="moodle: the grading worksheet downloaded from the assignment; "
                                                   "canvas: the gradebook export (Grades > Export)")
    p.add_argument("--column", help="canvas: the assignment's column, e.g. 'Lab 01 (4242)' (default: the only one)")
    out("lms", "moodle: the folder for moodle-grades.csv and moodle-feedback.zip; canvas: the filled gradebook "
               "(default: lms/, or lms/canvas-gradebook.csv)")(p)


@command("export", "grades and feedback back into the LMS: Moodle's import CSV and feedback zip, Canvas's "
                   "gradebook", _export_options)
def cmd_export(args: argparse.Namespace) -> int:
    from .lms import export

    grades, roster, target = Path(args.grades), Path(args.roster), Path(args.out)
    for path, flag in ((grades, "GRADES"), (roster, "--roster")):
        if not path.is_file():
            raise LabError(f"{flag} {path} does not exist")
    if args.lms == "moodle":
        csv_path, zip_path = export.moodle(grades, roster, target)
        print(f"{csv_path}: Grades > Import > CSV file (map Email address to useremail)")
        print(f"{zip_path}: the assignment's 'Upload multiple feedback files in a zip'")
    else:
        path = export.canvas(grades, roster, target / "canvas-gradebook.csv" if target.suffix != ".csv" else target,
                             args.column)
        print(f"{path}: Canvas Grades > Import")
    return 0


def _validate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="your exercise notebook, as you will submit it")
    p.add_argument("--template", help="the exercise notebook it answers (default: found from the notebook's "
                                      "metadata in the course folder's exercises/)")
    p.add_argument("--no-sandbox", action="store_true", help="run without the grader's sandbox even where "
                                                             "bubblewrap works (default: the sandbox where it works)")
    timeout(300, "seconds before the run is stopped")(p)


@command("validate", "check your notebook before you submit it: graded exactly as lab grade does, and what a "
                     "fresh top-to-bottom run changes", _validate_options)
def cmd_validate(args: argparse.Namespace) -> int:
    from .grade.validate import report, validate

    if args.timeout <= 0:
        raise LabError("--timeout must be above 0 (a kernel alone needs a few seconds)")
    found = validate(args.notebook, args.template, False if args.no_sandbox else None, args.timeout)
    print(report(found, Path(args.notebook)))
    return 0 if found.row.get("status") == "graded" else 1


def _gradescope_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook", help="the exercise notebook the submissions answer (from exercises/)")
    out("autograder.zip", "the zip to upload as the assignment's autograder (default: autograder.zip)")(p)
    p.add_argument("--points", type=float, help="the assignment's points on Gradescope (default: one per exercise)")
    timeout(300, "seconds before a submission is stopped")(p)


@command("gradescope", "build the autograder.zip that grades each Gradescope submission with lab grade",
         _gradescope_options)
def cmd_gradescope(args: argparse.Namespace) -> int:
    from .grade.gradescope import build

    if args.points is not None and args.points <= 0:
        raise LabError("--points must be above 0 (the assignment's total on Gradescope)")
    if args.timeout <= 0:
        raise LabError("--timeout must be above 0 (a kernel alone needs a few seconds)")
    path = build(Path(args.notebook), Path(args.out), args.points, args.timeout)
    print(f"{path}: upload it in the assignment's Configure Autograder (Zip file upload); results.json gives one "
          f"test per exercise with the student's feedback line")
    return 0


def _course_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("grades", nargs="+", help="the grades.csv of each batch (named after its notebook: lab01.csv ...)")
    out("course.csv", "the course table to write (default: course.csv)")(p)


@command("report", "the course view: one row per student across several graded batches (the three notebooks)",
         _course_options)
def cmd_report(args: argparse.Namespace) -> int:
    from .grade.course import course, read_batch, write_course

    for path in map(Path, args.grades):
        if not path.is_file():
            raise LabError(f"{path} does not exist; pass the grades.csv files lab grade wrote")
    columns, rows = course([read_batch(Path(p)) for p in args.grades])
    write_course(Path(args.out), columns, rows)
    missing = sum(any(v == "missing" for v in r.values()) for r in rows)
    print(f"{args.out}: {len(rows)} students across {len(args.grades)} batches"
          + (f", {missing} missing from at least one (shown as missing)" if missing else ""))
    return 0


@command("site", "build the course web site from the notebooks' stored outputs (no execution)",
         out("build/site", "output folder (default: build/site; pages in html/)"))
def cmd_site(args: argparse.Namespace) -> int:
    from .publish.colab import find_pyproject
    from .publish.site import build

    root = find_pyproject(Path.cwd()).parent
    out = Path(args.out).resolve()
    pages, seconds = build(root, out)
    print(f"site: {pages} pages in {seconds:.1f} s -> {out / 'html' / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `lab` parser: one subcommand per @command above, each with the options it declared."""
    parser = argparse.ArgumentParser(prog="lab", description="Run the lab notebooks with validated parameters.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text, options, handler in COMMANDS:
        p = sub.add_parser(name, help=help_text)
        for add in options:
            add(p)
        p.set_defaults(func=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `lab` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LabError as e:
        print(f"lab: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
