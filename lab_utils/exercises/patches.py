"""Every process-wide change the checks make while student code runs, each undone when its block ends, whatever
the code did: methods of torch's classes (probe.Recorder: `Tensor.backward`, the two `zero_grad`s, a global
optimizer step hook) through `patched`, and the alarm that stops slow code (`time_limit`). `process_state` is
what they touch, for a test to compare before and after.

The Korean font that `plots.new_figure` adds to matplotlib's font list stays on purpose: the student's own figures
then show Hangul too.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

_ABSENT = object()


class TimeUp(BaseException):
    """Raised into code that ran past time_limit (a BaseException: student code's `except Exception` cannot keep it)."""


@contextlib.contextmanager
def patched(*changes: tuple[Any, str, Any]) -> Iterator[None]:
    """Set each (owner, attribute name, value) for the block; afterwards every owner holds what it held before (an
    attribute it only inherited is removed again)."""
    saved = [(owner, name, vars(owner).get(name, _ABSENT)) for owner, name, _ in changes]
    try:
        for owner, name, value in changes:
            setattr(owner, name, value)
        yield
    finally:
        for owner, name, value in reversed(saved):
            if value is _ABSENT:
                with contextlib.suppress(AttributeError):
                    delattr(owner, name)
            else:
                setattr(owner, name, value)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop student code that runs longer than `seconds` (main thread on Unix; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # Re-armed every 0.5 s: student code that catches the first interruption (a bare `except:`) gets another.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process_state() -> dict[str, Any]:
    """What the checks may change in the process while they run student code (see the module's text)."""
    import torch
    import torch.optim.optimizer as optimizer_module
    from torch import nn

    state: dict[str, Any] = {"Tensor.backward": vars(torch.Tensor)["backward"],
                             "Optimizer.zero_grad": vars(torch.optim.Optimizer)["zero_grad"],
                             "Module.zero_grad": vars(nn.Module)["zero_grad"],
                             "optimizer step hooks": dict(optimizer_module._global_optimizer_post_hooks)}
    if hasattr(signal, "SIGALRM"):
        state |= {"SIGALRM": signal.getsignal(signal.SIGALRM), "timer": signal.getitimer(signal.ITIMER_REAL)}
    return state
