"""Grade submitted exercise notebooks: each runs in its own sandbox, and the grade is computed here.

A submission is untrusted. Only the source of its exercise cells is used (matched by cell id, else by likeness);
the checks, the data and the score table come from the exercise notebook. The notebook runs in a bubblewrap
sandbox (lab_utils.tools.sandbox) with a probe seed chosen for this run; its checks' records come back as JSON and
the verdicts run in this process, which never imports or executes student code. What the notebook printed is only
compared with them. Exercise cells that reach into the checks or the grader are flagged. Only this process writes
results: grades.csv (rewritten atomically after each submission, each row with a keyed digest that --resume
verifies), the executed copies, a feedback file per submission and a report.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import csv
import dataclasses
import difflib
import functools
import hashlib
import hmac
import importlib
import io
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import LabError
from ..exercises import assess
from ..exercises.core import FAILED, NOT_DONE, NOT_RUN, PASSED, SCORES_TAG, Exercise, Outcome
from ..nbfile import atomic_write, dump_notebook, load_notebook, source_text
from . import sandbox
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
    """{exercise id: status} from the score table the notebook printed (untrusted: only compared); None if absent."""
    for cell in executed.get("cells", []):
        if SCORE_TAG in _tags(cell):
            for out in cell.get("outputs", []):
                meta, data = out.get("metadata"), out.get("data")
                if isinstance(meta, dict) and meta.get(SCORES_TAG) and isinstance(data, dict):
                    table = data.get("application/json")
                    found = table.get("exercises") if isinstance(table, dict) else None
                    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None
    return None


def first_error(executed: Mapping[str, Any]) -> str:
    """The first error an exercise cell raised, as 'cell ID: Name: message' (empty if none)."""
    for cell in executed.get("cells", []):
        if EXERCISE_TAG in _tags(cell):
            for out in cell.get("outputs", []):
                if isinstance(out, dict) and out.get("output_type") == "error":
                    return f"cell {cell.get('id')}: {out.get('ename')}: {str(out.get('evalue'))[:120]}"
    return ""


def _template_nodes(template: Mapping[str, Any]) -> Iterator[ast.AST]:
    """Every AST node of the template's code cells (IPython lines blanked; a cell that does not parse skipped)."""
    for cell in template["cells"]:
        if cell["cell_type"] == "code":
            try:
                yield from ast.walk(ast.parse(_python(source_text(cell))[0]))
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
    from ..i18n import LANGUAGES

    for node in _template_nodes(template):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "language" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("lab", "check") and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in LANGUAGES:
            return node.args[0].value
    return "en"


@contextlib.contextmanager
def speaking(code: str) -> Iterator[None]:
    """The checks' messages in this language while the grader judges and writes feedback, then as before."""
    from .. import i18n

    before = i18n.language()
    i18n.language(code)
    try:
        yield
    finally:
        i18n.language(before)


# What an exercise cell has no business touching: the checks' and the grader's internals, the interpreter's
# import machinery and frames, processes and sockets. A hit is a flag in the row (never a silent pass or a fail).
FORBIDDEN_MODULES = {"builtins", "importlib", "ctypes", "gc", "inspect", "sys", "subprocess", "socket", "signal",
                     "multiprocessing", "threading", "_thread", "pickle", "marshal", "lab_utils"}
FORBIDDEN_NAMES = {"__import__", "__builtins__", "exec", "eval", "compile", "globals", "vars", "getattr", "setattr",
                   "delattr", "get_ipython", "breakpoint", "open"}
FORBIDDEN_ATTRS = {"modules", "_getframe", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame",
                   "cr_frame", "__globals__", "__builtins__", "__subclasses__", "__code__", "__closure__", "__dict__",
                   "system", "popen", "fork", "kill", "killpg", "execv", "execve", "spawnv", "setsid", "_exit",
                   "register_post_run", "events", "run_check", "score_table", "core", "probe", "exercises", "tools",
                   "StandIn", "CHECKS", "EXERCISES"}
INTERNAL_PREFIXES = ("given_", "verdict_", "probe_")  # the checks' functions a record could be forged with
NAMESPACES = ("check", "lab")  # the notebook's handles on the checks and on lab_utils: attribute access only


def _python(source: str) -> tuple[str, list[tuple[int, str]]]:
    """A cell's code with its IPython lines (%magic, !shell) blanked, and those lines with their numbers."""
    lines, magics = source.splitlines(), []
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("%", "!")):
            magics.append((i + 1, line.strip()))
            lines[i] = line[: len(line) - len(line.lstrip())] + "pass"
    return "\n".join(lines), magics


def scan(source: str, cell_id: str, allowed: set[str]) -> list[str]:
    """Flags for one submitted exercise cell: each use of what `FORBIDDEN_*` names, with its line."""
    source, magics = _python(source)
    found: list[tuple[int, int, str]] = [(line, 0, f"IPython command {text[:40]!r}") for line, text in magics]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])  # the check reports it; nothing in it runs

    def hit(node: ast.AST, what: str) -> None:
        found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), what))

    from .. import _EXPORTS

    bases = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in NAMESPACES and id(node) not in bases:
            hit(node, f"{node.id} used as a value (an alias or a new binding hides what is reached through it)")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "lab" and \
                node.attr not in _EXPORTS:
            hit(node, f"lab.{node.attr} (not part of lab_utils' notebook API)")
        elif isinstance(node, ast.Attribute) and node.attr.startswith(INTERNAL_PREFIXES):
            hit(node, f".{node.attr}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    hit(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in FORBIDDEN_MODULES or node.level:
                hit(node, f"from {node.module or '.'} import ...")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            hit(node, node.id)
        elif isinstance(node, ast.Attribute):
            on_check = isinstance(node.value, ast.Name) and node.value.id == "check"
            if on_check and node.attr not in allowed:
                hit(node, f"check.{node.attr} (not one of the notebook's checks)")
            elif node.attr in FORBIDDEN_ATTRS or (node.attr.startswith("_") and not node.attr.startswith("__i")
                                                   and node.attr not in ("__init__", "__name__")):
                hit(node, f".{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                any(word in node.value for word in ("lab_utils", "__import__", "sys.modules")):
            hit(node, f"the text {node.value[:40]!r}")
    return [f"cell {cell_id} line {line}: {what}" for line, _, what in sorted(found)]


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


VERDICT_SECONDS = 60.0  # one verdict on one record, in the grader (notebook 03's configuration takes 1-4 s)


def _untrusted_json(text: str) -> Any:
    """JSON a sandboxed run left (records, the executed copy): None unless it parses (deep nesting included)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _notebook(value: Any) -> dict[str, Any]:
    """An executed copy reduced to what the grader reads: cells that are dicts, each with a list of dict outputs
    (anything else the run left there is dropped, so nothing malformed reaches the row)."""
    cells = value.get("cells") if isinstance(value, dict) else None
    keep = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict):
            outputs = cell.get("outputs")
            keep.append({**cell, "outputs": [o for o in outputs if isinstance(o, dict)] if isinstance(outputs, list)
                         else []})
    return {"cells": keep}


@functools.lru_cache(maxsize=1)
def _warm_torch() -> None:
    """Run one optimizer step before any verdict runs under a time limit: torch imports its compiler stack on an
    optimizer's first use (seconds), and an import cut off by the limit leaves torch broken for the whole batch."""
    import torch

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    weight.sum().backward()
    optimizer.step()


def _assess_in_time(exercise_id: str, record: Any, seed: int, module: str) -> tuple[Outcome, list[str]]:
    """assess() under a time limit: a record made to keep a verdict busy (epochs = 10**9) fails, the grader goes on."""
    from ..exercises.core import TimeUp, time_limit

    if "torch" in sys.modules:  # the checks module uses torch (the practice checks do not: nothing to warm)
        _warm_torch()
    try:
        with time_limit(VERDICT_SECONDS):
            return assess(exercise_id, record, seed, module)
    except TimeUp:
        why = f"took longer than {VERDICT_SECONDS:g} s"
    except Exception as e:  # a record that breaks the verdict's machinery (its own errors are outcomes already)
        why = type(e).__name__
    return Outcome(FAILED, "unreadable", f"the grader could not judge this record ({why})"), []


def judge(name: str, result: Mapping[str, Any], module: str, exercises: Sequence[Exercise], seed: int,
          missing: list[str], flags: list[str]) -> tuple[dict[str, Any], dict[str, Outcome]]:
    """A submission's row and outcomes from its run: the records judged here, the notebook's own table compared."""
    records = _untrusted_json(result["records"])
    records = records if isinstance(records, dict) else {}
    outcomes: dict[str, Outcome] = {}
    for ex in exercises:
        outcomes[ex.id], differ = _assess_in_time(ex.id, records.get(ex.id), seed, module)
        if differ:
            flags.append(f"{ex.id}: the record held other inputs than this run's ({', '.join(differ[:3])})")
    executed = _notebook(_untrusted_json(result["executed"]))
    printed = scores(executed)
    if printed is not None:
        differ = [f"{ex}: printed {printed.get(ex, 'nothing')}, graded {outcomes[ex].status}" for ex in outcomes
                  if printed.get(ex) != outcomes[ex].status]
        if differ:
            flags.append("the notebook's own score table disagrees with the grader: " + "; ".join(differ))
    log, code = result["log"], result["code"]
    died = "DeadKernel" in log or "Kernel died" in log
    reached = any(SCORE_TAG in _tags(c) and c.get("execution_count") for c in executed["cells"])
    # The run got to its score table (a cell may fail); a copy too large to keep cannot say, its records can.
    finished = (reached or bool(result["cut"])) and not died and not result["notes"]
    row: dict[str, Any] = {"submission": name, "status": "graded" if finished else "failed"}
    row |= {ex.id: SHORT.get(o.status, "fail") for ex, o in zip(exercises, outcomes.values())}
    row["total"] = sum(o.status == PASSED for o in outcomes.values())
    row |= {f"{ex.id} cause": o.cause if o.status == FAILED else "" for ex, o in zip(exercises, outcomes.values())}
    row["seconds"] = result["seconds"]
    if finished:
        notes = [first_error(executed)]
    elif died:
        notes = ["the kernel died (the code crashed Python, e.g. os._exit or out of memory)"]
    else:
        notes = [result["notes"][0] if result["notes"] else reason(log) if code else
                 "the notebook stopped before its score table"]
    notes += result["notes"][1:] + [result["cut"]]
    notes += [f"no answer found for cell {', '.join(missing)}"] if missing else []
    row["flags"] = "; ".join(flags)
    row["error"] = "; ".join(n for n in notes if n)
    return row, outcomes


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
            if EXERCISE_TAG in _tags(cell) and cell["id"] not in missing:
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
