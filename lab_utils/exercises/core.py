"""What every exercise check shares: probe and verdict, one printed line per check, what errors mean, the score table.

A check is a probe, which runs the student's code and records what it did as plain data (lab_utils.exercises.probe),
and a verdict, which turns that record alone into an outcome: passed, failed with a named cause, or not done yet.
A check never raises and never hangs: whatever the student's code does (raises, loops, returns nonsense), the
check prints one line and records the outcome for the notebook's score table. The `...` left in an exercise cell
is what "not done yet" means.

One module over 300 lines on purpose: it is the checks' runtime that every exercise cell and the sandboxed kernel
import (outcomes, the printed line, time limits, stand-ins, the score table); split, each check cell would import
more modules for the same job.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import importlib
import json
import math
import os
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType

from ..i18n import LANGUAGES, N_, language, tr  # noqa: F401  (the checks' language is the package's)
from ..nbfile import SCORES_KEY
from .patches import TimeUp, time_limit  # noqa: F401  (the checks' time limit: core.time_limit)

PASSED, FAILED, NOT_DONE, NOT_RUN = N_("passed"), N_("failed"), N_("not done yet"), N_("not checked")
SEED_VARIABLE = "LAB_PROBE_SEED"  # set by the grader: each run's probes draw their fresh inputs from this seed
RECORDS_VARIABLE = "LAB_RECORDS"  # set by the grader: the file each check writes every record to, as JSON
TIME_LIMIT = 20.0  # seconds a check lets student code run before it says the code does not stop
MARK = {PASSED: "✅", FAILED: "❌", NOT_DONE: "⏳", NOT_RUN: "·"}
NOTE = N_("note: {text}")  # the grader's feedback files: why a run stopped, after the exercises' lines


class Fail(Exception):
    """Raised by a verdict: the student's code shows a known mistake. `cause` is its stable id (e.g.
    'loop.zero-grad-order'), the message names it in the student's language and hints at a fix."""

    def __init__(self, message: str, cause: str = "wrong"):
        super().__init__(message)
        self.cause = cause


class NotDone(Exception):
    """Raised by a verdict: the exercise still holds its `...` placeholder."""

    cause = "not-done"


@dataclass(frozen=True)
class Outcome:
    """What a check concluded: status (PASSED, FAILED, NOT_DONE, NOT_RUN), the cause's id, the one-line message."""

    status: str
    cause: str
    message: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: its id (e.g. '01-loop'), number within the notebook, title, and the checks
    module it belongs to (e.g. 'linear': its answers are lab_utils.exercises.answers.linear)."""

    id: str
    number: int
    title: str
    module: str
    rule: str = ""  # what the check accepts, word for word as the notebook's instructions and the README say it


@dataclass(frozen=True)
class Answer:
    """What a grading run must not see of one exercise (lab_utils.exercises.answers): its verdict (a function of a
    probe's record alone), the inputs a probe seed gives (from the checks module, which the sandbox sees), and the
    working class or function the notebook is lent until the student's passes, where there is one."""

    exercise: Exercise
    verdict: Callable[[dict], str]
    given: Callable[[int], dict]
    stand_in: object = None


def answered(*answers: Answer) -> dict[str, Answer]:
    """An answers module's ANSWERS: exercise id -> its Answer."""
    return {answer.exercise.id: answer for answer in answers}


def declared(namespace: Mapping[str, object]) -> list[Exercise]:
    """The exercises a checks module declares (its `Exercise` constants), in their notebook's order: the module's
    EXERCISES, so that an exercise is declared once."""
    return sorted((value for value in namespace.values() if isinstance(value, Exercise)), key=lambda ex: ex.number)


@functools.cache
def answers_for(module: str) -> ModuleType | None:
    """A checks module's answers (verdicts, stand-ins), or None where they are hidden: in a grading run the checks
    only record what the student's code did, and the grader judges it."""
    try:
        return importlib.import_module(f"lab_utils.exercises.answers.{module}")
    except ImportError:
        return None


def verdict_of(exercise: Exercise) -> Callable[[dict], str] | None:
    """An exercise's verdict, or None in a grading run (see answers_for)."""
    found = answers_for(exercise.module)
    return found.ANSWERS[exercise.id].verdict if found is not None else None


@dataclass
class Session:
    """What the checks of one kernel know: each exercise's last outcome and its probe's record (a re-run replaces
    its entry), the exercise whose probe runs now (a check its re-run cell calls is skipped), and what the
    grader's records file last held and was found to be."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)
    probing: list[str] = field(default_factory=list)
    written: str | None = None
    meta: dict[str, object] = field(default_factory=dict)


_sessions = [Session()]  # the kernel's session last: every check cell of a notebook shares it


def session() -> Session:
    """The checks' session of this kernel (see Session)."""
    return _sessions[-1]


@contextlib.contextmanager
def new_session() -> Iterator[Session]:
    """A fresh session (what a restarted kernel has) while the block runs; the previous one comes back after."""
    _sessions.append(Session())
    try:
        yield _sessions[-1]
    finally:
        _sessions.pop()

# Symptoms in PyTorch's error messages that mean the same mistake in every exercise -> a hint. What an error means
# in one exercise (a shape error in a class vs in a loop) is for that exercise's verdict to say.
SYMPTOMS = [
    ("must have the same dtype", N_("wrong dtype: two tensors mix float32 and float64 (or an integer type); make "
                                 "everything float32 with .float()")),
    ("expected scalar type", N_("wrong dtype: make every tensor float32 with .float()")),
    ("Found dtype", N_("wrong dtype: the targets must be float32 (torch.float), not integers")),
    ("before Module.__init__() call", N_("call super().__init__() first in __init__, before creating layers")),
    ("backward through the graph a second time", N_("compute y_hat and the cost again inside the loop, every epoch")),
    ("'ellipsis'", N_("a value is still the ... placeholder: replace every ... with your code")),
    ("Can't call numpy() on Tensor that requires grad", N_("numpy cannot follow autograd: use torch functions "
                                                           "(torch.exp, not np.exp or math.exp)")),
]
ERROR_MEANINGS = {
    "NameError": N_("a name that is not defined: check its spelling, or run the cells above first"),
    "SyntaxError": N_("Python cannot read this line: check brackets, colons and indentation"),
    "IndentationError": N_("the indentation is off: the lines of a block must start in the same column"),
    "ZeroDivisionError": N_("a division by zero"),
}


def explain(error: dict, symptoms: list[tuple[str, str]] = ()) -> str:
    """One line for an error recorded by a probe: which error, on which line of the student's cell, and what it
    usually means (the exercise's own `symptoms` first, then the shared ones)."""
    if error.get("type") == "timeout":
        return tr("your code was still running after {seconds:g} s: is there a loop that never ends?",
                  seconds=error.get("seconds", TIME_LIMIT))
    text = f"{error.get('type', 'Error')}: {error.get('text', '')}".rstrip(": ")
    hint = next((tr(h) for s, h in [*symptoms, *SYMPTOMS] if s in error.get("text", "")), None)
    if hint is None and error.get("type") in ERROR_MEANINGS:
        hint = tr(ERROR_MEANINGS[error["type"]])
    where = (tr("line {line} of your cell (`{code}`)", line=error["line"], code=error["code"])
             if error.get("line") and error.get("code") else tr("your code"))
    if hint:
        return tr("{where} raised {error} — {hint}", where=where, error=text[:160], hint=hint)
    return tr("{where} raised {error}", where=where, error=text[:200])


WIDTH = 160  # a longer exercise line continues on indented lines, each at most this long (LONGEST in the tests)


def exercise_line(exercise: Exercise, status: str, message: str) -> str:
    """The line a student reads for an exercise (notebook and feedback alike); a long one continues on indented
    lines: what to do (after ' — ') on a line of its own."""
    text = tr("{mark} Exercise {number} ({title}): {message}", mark=MARK[status], number=exercise.number,
              title=tr(exercise.title), message=message)
    if len(text) <= WIDTH:
        return text
    lines = []
    for i, part in enumerate(text.split(" — ")):
        lines += textwrap.wrap(part if i == 0 else "→ " + part, WIDTH, subsequent_indent="   ",
                               initial_indent="" if i == 0 else "   ", break_on_hyphens=False)
    return "\n".join(lines)


def _announce(exercise: Exercise, result: Outcome) -> None:
    """Keep an exercise's outcome (as one line) and print its line."""
    message = " ".join(result.message.split())  # one line, whatever a repr of the student's object held
    message = message if len(message) <= 400 else message[:399] + "…"
    session().outcomes[exercise.id] = Outcome(result.status, result.cause, message)
    print(exercise_line(exercise, result.status, message))


def outcome(exercise_id: str) -> Outcome:
    """The last outcome of an exercise's check in this kernel; NOT_RUN if it never ran."""
    return session().outcomes.get(exercise_id, Outcome(NOT_RUN, "not-run", ""))


def record(exercise_id: str) -> dict | None:
    """The record of the last probe of an exercise in this kernel (plain data), or None."""
    return session().records.get(exercise_id)


def judge(verdict: Callable[[dict], str], record: dict) -> Outcome:
    """Turn a probe's record into an outcome: `verdict` returns the pass message or raises Fail / NotDone."""
    if (record.get("error") or {}).get("type") == "timeout":
        return Outcome(FAILED, "timeout", explain(record["error"]))
    try:
        message = verdict(record)
    except NotDone as e:
        return Outcome(NOT_DONE, NotDone.cause, tr("not done yet") + (f" — {e}" if str(e) else ""))
    except Fail as e:
        return Outcome(FAILED, e.cause, str(e))
    except Exception as e:  # a record the verdict did not foresee (a forged one, say) is a failure, never a crash
        # the student is told what to do, not the check's internals (the exception's name lets a TA find it)
        return Outcome(FAILED, "unreadable", tr("the check could not read what your code did: run the exercise "
                                                "cell again, then this check; if this stays, show this line to your "
                                                "instructor (reference: {reference})", reference=type(e).__name__))
    return Outcome(PASSED, "ok", tr("passed") + (f" — {message}" if message else ""))


def probe_seed() -> int:
    """The seed probes draw fresh inputs from: 0 in a notebook, a number the grader chose for this run."""
    text = os.environ.get(SEED_VARIABLE, "")
    return int(text) if text.isdecimal() and len(text) < 12 else 0


def bind(record: object, given: dict, path: str = "") -> list[str]:
    """Write the inputs the grader chose (`given`, shaped like part of a record: dicts, int keys for list items)
    into `record` where it has them; return the paths where the record held other values."""
    differ = []
    for key, want in given.items():
        if isinstance(record, dict) and key in record or \
                isinstance(record, list) and isinstance(key, int) and 0 <= key < len(record):
            where = f"{path}.{key}" if path else str(key)
            if isinstance(want, dict) and isinstance(record[key], (dict, list)):
                differ += bind(record[key], want, where)
            else:
                if record[key] != want:
                    differ.append(where)
                record[key] = want
    return differ


def absent(record: object, given: dict, path: str = "") -> list[str]:
    """The paths of `given` that `record` does not have: a record that passes must hold the outcome of every input
    the grader chose (a forged one that leaves some out would otherwise pass on the rest)."""
    missing = []
    for key, want in given.items():
        where = f"{path}.{key}" if path else str(key)
        has = isinstance(record, dict) and key in record or \
            isinstance(record, list) and isinstance(key, int) and 0 <= key < len(record)
        if not has:
            missing.append(where)
        elif isinstance(want, dict):
            missing += absent(record[key], want, where)
    return missing


def run_check(exercise: Exercise, probe: Callable[[], dict]) -> None:
    """Probe the student's code (never raises, never hangs), judge the record, print one line, keep both; in a
    grading run (no answers), only record it for the grader.

    The probe runs student code under the time limit; whatever escapes it is recorded as the probe's error.
    Returns nothing, so that a check as the last line of a cell shows only its line (see outcome())."""
    now = session()
    if now.probing:  # the student's cell calls a check itself and is being re-run by one: no check inside a check
        return
    now.probing.append(exercise.id)
    try:
        with time_limit(TIME_LIMIT):
            rec = probe()
    except KeyboardInterrupt:  # the student pressed stop
        raise
    except TimeUp:
        rec = {"error": {"type": "timeout", "seconds": TIME_LIMIT}}
    except BaseException as e:  # student code can raise anything, even SystemExit; the check still answers
        from .probe import error_data

        rec = {"error": error_data(e)}
    finally:
        now.probing.clear()
    now.records[exercise.id] = rec
    _export(now)
    verdict = verdict_of(exercise)
    if verdict is None and os.environ.get(RECORDS_VARIABLE):
        print(tr("{mark} Exercise {number} ({title}): recorded for the grader", mark=MARK[NOT_RUN],
                 number=exercise.number, title=tr(exercise.title)))
        return
    if verdict is None:  # not a grading run, yet no answers: an install made without them
        print(tr("{mark} Exercise {number} ({title}): this lab_utils has no lab_utils.exercises.answers, so nothing "
                 "can check your answer: reinstall lab_utils", mark=MARK[NOT_RUN], number=exercise.number,
                 title=tr(exercise.title)))
        return
    _announce(exercise, judge(verdict, rec))


# What the checks write records with, taken when this module is imported (before any exercise cell runs): an
# exercise cell that replaces json.dumps or open later does not change how records are written, and is named in
# the records' "_meta" for the grader to flag.
_WRITERS = {"json.dumps": (json, "dumps", json.dumps), "json.dump": (json, "dump", json.dump),
            "open": (builtins, "open", builtins.open), "os.replace": (os, "replace", os.replace)}


def _export(now: Session) -> None:
    """When grading, every record so far into the grader's file (the grader judges them; it trusts no outcome)."""
    path = os.environ.get(RECORDS_VARIABLE)
    if not path:
        return
    dumps, write_open = _WRITERS["json.dumps"][2], _WRITERS["open"][2]
    patched = [name for name, (owner, attr, original) in _WRITERS.items() if getattr(owner, attr, None) is not original]
    try:
        with write_open(path, encoding="utf-8") as f:
            foreign = now.written is not None and f.read() != now.written
    except OSError:
        foreign = now.written is not None
    meta = {"patched": patched, "foreign_write": foreign or bool(now.meta.get("foreign_write"))}
    now.meta.update(meta)
    try:
        text = dumps({**now.records, "_meta": meta}, default=repr)
        with write_open(path, "w", encoding="utf-8") as f:
            f.write(text)
        now.written = text
    except (OSError, ValueError, TypeError, RecursionError):
        pass


def lend(exercise: Exercise, find: Callable[[], tuple[object, dict | None]], probe: Callable[[object], dict],
         adapt: Callable[[type, dict], type] | None = None) -> object:
    """Check a student's class; return it if it passed (through `adapt`, given the record), else the exercise's
    stand-in, a working class lent to the cells below so that the notebook still runs. `find` returns (the class,
    the error of the cell that should define it); it runs under the time limit, as it may re-run that cell. In a
    grading run (no answers, no stand-in) the student's class goes on as it is."""
    found: dict = {}

    def run() -> dict:
        found["cls"], error = find()
        found["rec"] = probe(found["cls"]) | {"cell_error": error}
        return found["rec"]

    run_check(exercise, run)
    answers = answers_for(exercise.module)
    if answers is None:
        return _as_is(found, adapt)
    if outcome(exercise.id).status != PASSED:
        return answers.ANSWERS[exercise.id].stand_in
    return adapt(found["cls"], found["rec"]) if adapt else found["cls"]


def _as_is(found: dict, adapt: Callable[[type, dict], type] | None) -> object:
    """The student's class in a grading run: adapted where that works (the cells below read its layers)."""
    cls = found.get("cls")
    if adapt is None or not isinstance(cls, type):
        return cls
    try:
        return adapt(cls, found["rec"])
    except Exception:  # a class the adapter cannot read: the cells below meet it as it is
        return cls


def reads(*names: str) -> Callable[[Callable], Callable]:
    """Declare the notebook names a check reads without taking them as arguments: a grading run keeps the cells
    that make them (lab_utils.tools.grade.needed)."""
    def mark(check: Callable) -> Callable:
        check.reads = names
        return check

    return mark


def caller_namespace(depth: int = 2) -> dict:
    """The globals of the notebook cell that called a check (the kernel's namespace): a check reads the
    student's names there, so that a cell that failed to define them gets a line, not a NameError."""
    return sys._getframe(depth).f_globals


def _width(text: str) -> int:
    # Columns on screen: a Korean syllable takes two, so the table stays aligned in both languages.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def score_table(exercises: list[Exercise]) -> None:
    """Show the notebook's score table, as text and as data for the grader (application/json)."""
    rows = {ex.id: outcome(ex.id).status for ex in exercises}
    done = sum(s == PASSED for s in rows.values())
    titles = {ex.id: tr(ex.title) for ex in exercises}
    width = max(map(_width, titles.values()))
    lines = [tr("{mark} Exercise {number}  {title}  {status}", mark=MARK[rows[ex.id]], number=ex.number,
                title=titles[ex.id] + " " * (width - _width(titles[ex.id])), status=tr(rows[ex.id]))
             for ex in exercises]
    lines.append(tr("score: {passed} / {total}", passed=done, total=len(exercises)))
    text = "\n".join(lines)
    # Notebook files store JSON with sorted keys: "order" keeps the exercises' order for the grader.
    data = {"exercises": rows, "order": list(rows), "passed": done, "total": len(exercises)}
    if exercises and answers_for(exercises[0].module) is None:  # a grading run: the grader gives the score
        text = tr("score: given by the grader (this run only recorded what your code did)")
        data = {"order": list(rows), "total": len(exercises)}
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": text, "application/json": data}, raw=True, metadata={SCORES_KEY: True})
    else:
        print(text)


def value_of(name: str, rec: dict) -> float:
    """A recorded one-number value (a Python number or a one-element float32 tensor) as float; else a Fail."""
    kind = rec.get("kind")
    if kind == "placeholder":
        raise NotDone
    if kind == "tensor":
        if math.prod(rec["shape"]) != 1:
            raise Fail(tr("{name} has shape {shape} but must be one number — sum or average over the samples",
                          name=name, shape=tuple(rec["shape"])), "shape")
        if rec["dtype"] != "float32":
            raise Fail(tr("{name} has dtype {dtype}; keep float32 like the data (wrong dtype)", name=name,
                          dtype="torch." + rec["dtype"]), "dtype")
        flat = rec["value"]
        while isinstance(flat, list):
            flat = flat[0]
        return float(flat)
    if kind in ("int", "float"):
        return float(rec["value"])
    raise Fail(tr("{name} must be a number or a tensor, got {kind}", name=name, kind=rec.get("name", kind)), "type")


def _defined(name: str, rec: dict, cell_error: dict | None) -> None:
    if cell_error:
        raise Fail(explain(cell_error), "error")
    if rec["kind"] == "missing":
        raise Fail(tr("{name} is not defined: run the exercise cell above (it may have stopped at an error)",
                      name=name), "missing")


def need_function(name: str, rec: dict, cell_error: dict | None = None) -> None:
    """A recorded function: Fail if its cell raised, it is missing or not callable; NotDone for the placeholder."""
    _defined(name, rec, cell_error)
    if rec["kind"] == "placeholder":
        raise NotDone
    if not rec.get("callable") or rec["kind"] == "class":
        raise Fail(tr("{name} must be a function, got {kind}", name=name, kind=rec.get("name", rec["kind"])), "type")


def need_class(name: str, rec: dict, cell_error: dict | None, cause: str) -> None:
    """A recorded class: Fail if its cell raised, it is missing or not an nn.Module subclass (`cause`); NotDone
    for the placeholder."""
    _defined(name, rec, cell_error)
    if rec["kind"] == "placeholder":
        raise NotDone(tr("until it is, the cells below use a working stand-in"))
    if rec["kind"] != "class" or not rec.get("module_class"):
        raise Fail(tr("{name} must be a class that subclasses nn.Module", name=name), cause)


def close(a: float, b: float, rel: float = 1e-4, abs_: float = 1e-6) -> bool:
    """Whether two numbers agree to float32 rounding."""
    return math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
