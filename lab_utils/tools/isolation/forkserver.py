"""The warm runner's process inside a sandbox (warm.py starts it): imports torch, matplotlib, IPython and the
checks once, then runs one submission at a time in a forked child (inprocess.py), so that no submission pays the
imports.

A child asks this process before each cell (one byte on a pipe, one byte back): a run that kills or stops this
process ends at that cell, as a kernel whose nbclient was killed runs nothing more. Without the question it would
go on (Linux's kill(-1) spares the process that calls it), and how far it got before the grader noticed would
decide its grade.

What one submission does cannot reach the next: the child closes the runner's pipes before any of its code runs;
this process is not dumpable (no process of the run can trace it or read its memory); after the child ends, every
other process of the run is killed (until none is left) and the System V IPC objects it made are removed, before the
grader is told; the grader then empties the scratch folder (files, /tmp, /dev/shm) before the next submission. A
child that stops or kills this process only ends its own run: the grader waits no longer than the run's time limit
and then discards the whole sandbox.

Protocol (one line each): the grader writes a job, {"params": ..., "env": ...}, to fd CONTROL; this process
answers "ready" once warm, then per job "started" once the child exists and "done {json}" when it has ended and
the run is clean.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_PR_SET_DUMPABLE = 4
_IPC_RMID = 0


def _warm() -> Any:
    """Import what every notebook of the course imports, and what a first optimizer pulls in (torch's compiler
    stack), so that a child finds them loaded."""
    import matplotlib

    matplotlib.use("module://matplotlib_inline.backend_inline")
    import matplotlib.pyplot  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401
    torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    import importlib
    import pkgutil

    from ... import exercises

    for found in pkgutil.iter_modules(exercises.__path__):  # the checks a notebook imports (answers are hidden)
        if not found.ispkg:
            importlib.import_module(f"lab_utils.exercises.{found.name}")
    from . import inprocess

    return inprocess


def _others(me: int) -> list[int]:
    """Every live process of this uid but this one and the namespace's init."""
    uid, found = os.getuid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (me, 1):
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if os.stat(f"/proc/{entry}").st_uid == uid and stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                found.append(int(entry))
        except (OSError, IndexError):
            pass
    return found


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def clean() -> bool:
    """Kill every other process of the run and remove its IPC objects; whether none is left."""
    me = os.getpid()
    for _ in range(500):
        _reap()
        if not _others(me):
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(-1, signal.SIGKILL)  # every process this uid may signal, but this one and init
        time.sleep(0.005)
    else:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, remove in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", libc.semctl)):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]:
                ident = int(line.split()[1])
                remove(ident, 0, _IPC_RMID, None) if kind == "sem" else remove(ident, _IPC_RMID, None)
    return True


FINISHED = 100  # a child that ran to its end exits with FINISHED + the run's exit code: anything else, it died


def _asker(ask: int, go: int) -> Callable[[], bool]:
    """The child's question before each cell: whether the runner is there to answer it (see the module's text)."""
    def may_go() -> bool:
        try:
            os.write(ask, b"?")
            return os.read(go, 1) == b"!"
        except OSError:
            return False
    return may_go


def _child(job: dict[str, Any], runner_fds: tuple[int, ...], ask: int, go: int, inprocess: Any) -> None:
    """The submission's process: the runner's pipes closed before anything of it runs; never returns."""
    code = 1
    try:
        for fd in runner_fds:
            os.close(fd)
        os.setpgid(0, 0)
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # the child may be traced by its own processes
        with contextlib.suppress(OSError):
            Path("/proc/self/oom_score_adj").write_text("1000")  # at the memory limit, this one goes first
        os.environ.update({str(k): str(v) for k, v in job.get("env", {}).items()})
        home = Path(os.environ["HOME"])
        os.chdir(home)
        code = FINISHED + inprocess.run_file(home / "source.ipynb", home / "run" / "executed.ipynb",
                                             job.get("params") or {}, inprocess.shell(), _asker(ask, go))
    except BaseException as e:  # noqa: BLE001 - whatever happened, the child ends here with a line on stderr
        print(f"{type(e).__name__}: {e}", file=sys.__stderr__, flush=True)
    finally:
        with contextlib.suppress(BaseException):
            sys.__stdout__.flush()
            sys.__stderr__.flush()
        os._exit(code)


def _answer_until_ended(pid: int, ask: int, go: int) -> tuple[int, Any]:
    """Answer the child's questions until it has ended; its wait status and resource use."""
    try:
        ended = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfds (Linux < 5.3): look every 10 ms
        ended = None
    try:
        while True:
            watched = [ask] + ([ended] if ended is not None else [])
            ready, _, _ = select.select(watched, [], [], None if ended is not None else 0.01)
            if ask in ready:
                asked = os.read(ask, 4096)
                if asked:
                    with contextlib.suppress(OSError):
                        os.write(go, b"!" * len(asked))
            waited, status, usage = os.wait4(pid, os.WNOHANG)
            if waited:
                return status, usage
            if ask in ready and not asked:  # the child closed its end but has not ended yet
                _, status, usage = os.wait4(pid, 0)
                return status, usage
    finally:
        for fd in (ask, go) + ((ended,) if ended is not None else ()):
            os.close(fd)


def serve(control: int, answer: int) -> None:
    """Answer jobs from `control` on `answer` until `control` closes (see the module's text)."""
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    inprocess = _warm()
    say = os.fdopen(answer, "w", buffering=1, closefd=False)
    say.write("ready\n")
    for line in os.fdopen(control, "r", closefd=False):
        job = json.loads(line)
        (ask_read, ask), (go_read, go) = os.pipe(), os.pipe()
        pid = os.fork()
        if pid == 0:
            _child(job, (control, answer, ask_read, go), ask, go_read, inprocess)
        os.close(ask)
        os.close(go_read)
        say.write("started\n")
        status, usage = _answer_until_ended(pid, ask_read, go)
        done = {"exit": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss * 1024, "clean": clean()}
        say.write("done " + json.dumps(done) + "\n")


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
