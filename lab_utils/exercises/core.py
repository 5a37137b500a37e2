"""What every exercise check shares: one printed line per check, symptoms of common mistakes, the score table.

A check never raises and never hangs: whatever the student's code does (raises, loops, returns nonsense), the
check prints one line — passed, not done yet, or what is wrong with a hint — and records the outcome for the
notebook's score table. The `...` left in an exercise cell is what "not done yet" means.
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading
import types
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass


def N_(text: str) -> str:
    """Mark a message for translation where it is defined; tr() translates it where it is shown."""
    return text


PASSED, FAILED, NOT_DONE, NOT_RUN = N_("passed"), N_("failed"), N_("not done yet"), N_("not checked")
SCORES_TAG = "lab_utils.scores"  # output metadata key that marks a score table (the grader reads it)
TIME_LIMIT = 20.0  # seconds a check lets student code run before it says the code does not stop
MARK = {PASSED: "✅", FAILED: "❌", NOT_DONE: "⏳", NOT_RUN: "·"}


class Fail(Exception):
    """Raised inside a check: the student's code shows a known mistake (message names it and hints at a fix)."""


class NotDone(Exception):
    """Raised inside a check: the exercise still holds its `...` placeholder."""


class _TimeUp(BaseException):
    pass


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: its id (e.g. '01-loop'), number within the notebook, and title."""

    id: str
    number: int
    title: str


# Outcomes of the checks run in this kernel: exercise id -> (status, message). A re-run check replaces its entry.
_outcomes: dict[str, tuple[str, str]] = {}
LANGUAGES = ("en", "ko")
_settings = {"language": "en"}


def language(code: str) -> None:
    """Print the checks' lines in this language from now on: 'en' (English) or 'ko' (Korean)."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of: {', '.join(LANGUAGES)}")
    _settings["language"] = code


def tr(template: str, **fields: object) -> str:
    """A message in the chosen language: the English template (or its translation) filled with the fields."""
    if _settings["language"] == "ko":
        from .messages_ko import MESSAGES

        template = MESSAGES.get(template, template)
    return template.format(**fields)


def is_stub(value: object) -> bool:
    """True for the `...` placeholder, or a function/class whose code still contains one."""
    if value is Ellipsis:
        return True
    if isinstance(value, type):
        return any(is_stub(v) for v in vars(value).values() if isinstance(v, types.FunctionType))
    code = getattr(value, "__code__", None)
    return code is not None and _code_has_ellipsis(code)


def _code_has_ellipsis(code: types.CodeType) -> bool:
    return any(c is Ellipsis or (isinstance(c, types.CodeType) and _code_has_ellipsis(c)) for c in code.co_consts)


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop student code that runs longer than `seconds` (default TIME_LIMIT; main thread on Unix, else no limit)."""
    seconds = TIME_LIMIT if seconds is None else seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Symptoms in PyTorch's error messages -> the mistake they usually mean, as a hint.
_SYMPTOMS = [
    ("does not require grad", N_("a tensor you call backward() through has no requires_grad: create W and b with "
                              "requires_grad=True (or use nn.Linear, whose parameters have it)")),
    ("must have the same dtype", N_("wrong dtype: two tensors mix float32 and float64 (or an integer type); make "
                                 "everything float32 with .float()")),
    ("expected scalar type", N_("wrong dtype: make every tensor float32 with .float()")),
    ("Found dtype", N_("wrong dtype: the targets must be float32 (torch.float), not integers")),
    ("Using a target size", N_("target shape: the target must have the same shape as y_hat, (4, 1), not (4,)")),
    ("shapes cannot be multiplied", N_("the layer sizes do not fit: nn.Linear(in_features, out_features) must "
                                    "take 2 inputs and give 1 output at the end")),
    ("before Module.__init__() call", N_("call super().__init__() first in __init__, before creating layers")),
    ("backward through the graph a second time", N_("compute y_hat and the cost again inside the loop, every epoch")),
    ("'ellipsis'", N_("a value is still the ... placeholder: replace every ... with your code")),
    ("unexpected keyword argument", N_("the function's arguments differ from the exercise's: keep its signature")),
    ("positional argument", N_("the function's arguments differ from the exercise's: keep its signature")),
]


def explain(error: BaseException) -> str:
    """One line naming what an exception from student code most likely means."""
    if isinstance(error, _TimeUp):
        return tr("your code was still running after {seconds:g} s: is there a loop that never ends?",
                  seconds=TIME_LIMIT)
    text = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}".rstrip(": ")
    for symptom, hint in _SYMPTOMS:
        if symptom in str(error):
            return tr("your code raised {error} — {hint}", error=text[:160], hint=tr(hint))
    return tr("your code raised {error}", error=text[:200])


def _record(exercise: Exercise, status: str, message: str) -> None:
    message = " ".join(message.split())  # one line, whatever a repr of the student's object held
    message = message if len(message) <= 400 else message[:399] + "…"
    _outcomes[exercise.id] = (status, message)
    print(tr("{mark} Exercise {number} ({title}): {message}", mark=MARK[status], number=exercise.number,
             title=tr(exercise.title), message=message))


def outcome(exercise_id: str) -> tuple[str, str]:
    """(status, message) of the last check of an exercise in this kernel; (NOT_RUN, '') if it never ran."""
    return _outcomes.get(exercise_id, (NOT_RUN, ""))


def check(exercise: Exercise, diagnose: Callable[[], str]) -> None:
    """Run `diagnose` (returns the pass message, or raises Fail/NotDone), print one line, record the outcome.

    Returns nothing, so that a check as the last line of a cell shows only its printed line."""
    try:
        with time_limit():
            message = diagnose()
    except NotDone as e:
        _record(exercise, NOT_DONE, tr("not done yet") + (f" — {e}" if str(e) else ""))
    except Fail as e:
        _record(exercise, FAILED, str(e))
    except KeyboardInterrupt:  # the student pressed stop
        raise
    except BaseException as e:  # student code can raise anything, even SystemExit; the check still answers
        _record(exercise, FAILED, explain(e))
    else:
        _record(exercise, PASSED, tr("passed") + (f" — {message}" if message else ""))


def lend(exercise: Exercise, diagnose: Callable[[object], str], cls: object, stand_in: type) -> object:
    """Check a student's class with `diagnose`; return it if it passed, else `stand_in`, a working class lent to
    the cells after the exercise so that the notebook still runs."""
    passed = []

    def run() -> str:
        message = diagnose(cls)
        passed.append(True)
        return message

    check(exercise, run)
    return cls if passed else stand_in


def checker(exercise: Exercise) -> Callable:
    """Decorator: a diagnose function with the student's objects as arguments becomes a one-line check."""

    def wrap(diagnose: Callable[..., str]) -> Callable[..., None]:
        @functools.wraps(diagnose)
        def run(*args, **kwargs) -> None:
            check(exercise, lambda: diagnose(*args, **kwargs))

        return run

    return wrap


def _width(text: str) -> int:
    # Columns on screen: a Korean syllable takes two, so the table stays aligned in both languages.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def score_table(exercises: list[Exercise]) -> None:
    """Show the notebook's score table, as text and as data for the grader (application/json)."""
    rows = {ex.id: outcome(ex.id)[0] for ex in exercises}
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
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": text, "application/json": data}, raw=True, metadata={SCORES_TAG: True})
    else:
        print(text)


def as_float(name: str, value: object) -> float:
    """A one-number value as float: a Python number or a one-element tensor; otherwise a Fail naming the shape."""
    import torch

    if value is Ellipsis:
        raise NotDone
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise Fail(tr("{name} has shape {shape} but must be one number — sum or average over the samples",
                          name=name, shape=tuple(value.shape)))
        if value.dtype not in (torch.float32,):
            raise Fail(tr("{name} has dtype {dtype}; keep float32 like the data (wrong dtype)", name=name,
                          dtype=value.dtype))
        return float(value.detach().reshape(()).item())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise Fail(tr("{name} must be a number or a tensor, got {kind}", name=name, kind=type(value).__name__))


def close(a: float, b: float, rel: float = 1e-4, abs_: float = 1e-6) -> bool:
    """Whether two numbers agree to float32 rounding."""
    return math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def need_callable(name: str, fn: object) -> None:
    """NotDone for a placeholder, Fail for something that is not a function."""
    if fn is Ellipsis or is_stub(fn):
        raise NotDone
    if not callable(fn):
        raise Fail(tr("{name} must be a function, got {kind}", name=name, kind=type(fn).__name__))


