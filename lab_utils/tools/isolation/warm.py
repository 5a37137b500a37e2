"""Warm grading runs: one sandbox per worker that has imported torch, matplotlib and the checks once and runs each
submission in a forked child (forkserver.py, inprocess.py), instead of a fresh sandbox, runner and kernel per
submission (sandbox.run), which spends 3-4 s before the first cell.

The isolation of a submission is the sandbox's (sandbox.py: namespaces, read-only views without the answers, the
run's own uid, cgroup, rlimits, a tmpfs scratch), with one sandbox serving one submission after another. Between
two submissions the runner kills every process of the run and removes its IPC objects, and the grader empties the
scratch folder (files, /tmp, /dev/shm): what one submission leaves cannot reach the next. A run that passes a
limit, does not come back, or leaves something the runner cannot kill ends the whole sandbox; the next submission
gets a fresh one. The grader reads back what a run left exactly as for a cold run (sandbox.read_back).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..run.execution import KERNEL, RunResult, reason
from . import sandbox
from .forkserver import FINISHED
from .sandbox import Limits

START_SECONDS = 120.0  # for the runner's imports, on top of a run's own time limit
KEPT = ("tmp", "shm")  # bound into the sandbox as /tmp and /dev/shm: emptied, never replaced


class Runner:
    """One warm sandbox; `run` grades one submission in it, starting it (again) when needed."""

    def __init__(self, limits: Limits, batch: str):
        self.limits, self.batch = limits, batch
        self.proc: subprocess.Popen | None = None
        self.stack = contextlib.ExitStack()
        self.cold = ""  # why no warm runner could start: runs then go to sandbox.run

    # ---- the sandbox's life -----------------------------------------------------------------------------------

    def _start(self) -> str:
        """Start the sandbox and wait until its runner is warm; '' or why it could not."""
        stack = self.stack
        self.private = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lab-warm-")))
        if not self.limits.namespaces:
            os.chmod(self.private, 0o711)
        self.uid = sandbox._UIDS.get() if os.geteuid() == 0 else None
        stack.callback(self._give_back_uid)
        self.group = sandbox.Cgroup(f"lab-{self.batch or 'run'}-warm-{os.getpid()}-{id(self)}",
                                    self.limits.memory, self.limits.processes)
        stack.callback(self._end_group)
        self.scratch, self.mounted = stack.enter_context(sandbox._scratch(self.private, self.limits, True))
        mounts = sandbox.mount_points() if self.limits.namespaces else []
        self.mounted_in_tmp = [p.relative_to("/tmp") for p in mounts if p.is_relative_to("/tmp") and p != Path("/tmp")]
        sandbox.fill(self.scratch, "", self.uid)
        control_read, self.control = os.pipe()
        self.answers, answer_write = os.pipe()
        runner = [sys.executable, "-m", "lab_utils.tools.isolation.forkserver", str(control_read), str(answer_write)]
        cmd, env, processes = sandbox._command(self.scratch, {}, "", self.limits, 0, True, self.batch, self.uid,
                                               runner)
        self.log_path = self.private / "log.txt"
        log = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         preexec_fn=lambda: sandbox._set_limits(self.limits, processes, self.group),
                                         pass_fds=(control_read, answer_write))
        finally:
            for fd in (log, control_read, answer_write):
                os.close(fd)
        self.buffer = b""
        stack.callback(self._stop)
        if self._line(time.perf_counter() + START_SECONDS) == "ready":
            return ""
        return "the warm runner did not start: " + reason(self._log_tail())

    def _stop(self) -> None:
        for fd in (self.control, self.answers):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.control = self.answers = -1  # closed once: the numbers may be another file's by now
        if self.proc is not None:
            sandbox._kill(self.proc)
            self.proc = None

    def _kill_run(self) -> None:
        """Kill every process of the sandbox: its session, its cgroup, and (no namespaces) its uid's."""
        self._stop()
        self.group.kill()
        if not self.limits.namespaces and self.uid is not None:
            sandbox._kill_uid(self.uid)

    def _end_group(self) -> None:
        self._kill_run()
        self.group.remove()

    def _give_back_uid(self) -> None:
        if self.uid is not None:
            sandbox._UIDS.put(self.uid)

    def close(self) -> None:
        """End the sandbox and remove everything of it."""
        self.stack.close()
        self.stack = contextlib.ExitStack()
        self.proc = None

    # ---- talking to the runner ---------------------------------------------------------------------------------

    def _line(self, deadline: float) -> str | None:
        """The runner's next line, or None at the deadline, when it ended, or when the scratch passed its limit."""
        while b"\n" not in self.buffer:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.answers], [], [], min(left, 0.25))
            if ready:
                chunk = os.read(self.answers, 4096)
                if not chunk:
                    return None
                self.buffer += chunk
            elif not self.mounted and sandbox._size(self.scratch, self.limits.scratch) > self.limits.scratch:
                self.scratch_full = True
                return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8", errors="replace")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_bytes()[-sandbox.LOG_LIMIT:].decode("utf-8", errors="replace")
        return ""

    # ---- one submission ----------------------------------------------------------------------------------------

    def run(self, source: str, params: dict[str, Any], seed: int) -> RunResult:
        """Grade one notebook's text with probe seed `seed` (the same result as sandbox.run, see its text). The
        run's time limit counts from when its runner is warm. Where no runner starts (e.g. `--memory` too small
        for torch), the run and every later one get a fresh sandbox and kernel instead (sandbox.run)."""
        why = ""
        for _ in range(sandbox.ATTEMPTS):
            if self.cold:
                break
            if self.proc is None or self.proc.poll() is not None:  # never started, or ended since the last run
                self.close()
                why = self._start()
                if why:
                    self.close()
                    continue
            try:
                return self._run(source, params, seed, time.perf_counter())
            except OSError as e:  # the runner went away before this run began: a fresh one takes it
                self.close()
                why = f"the warm runner failed ({e})"
        if not self.cold:
            self.cold = why
            print(f"lab grade: warning: {why}; this worker gives each submission a fresh kernel", file=sys.stderr)
        return sandbox.run(source, params, KERNEL, self.limits, seed, True, self.batch)

    def _run(self, source: str, params: dict[str, Any], seed: int, start: float) -> RunResult:
        os.truncate(self.log_path, 0)
        sandbox.fill(self.scratch, source, self.uid)
        ooms = self.group.oom_kills() if self.group.ok else 0
        self.scratch_full = False
        job = {"params": params, "env": {"LAB_PROBE_SEED": str(seed), "LAB_BATCH": self.batch}}
        os.write(self.control, (json.dumps(job) + "\n").encode())
        deadline = start + self.limits.wall
        started = self._line(deadline) == "started"
        answer = self._line(deadline) if started else None
        done = _parse(answer)
        notes = []
        if done is None:
            notes.append(self._why_stopped(deadline))
            self._kill_run()  # every process of the run dies before anything is read back
        if self.group.ok and self.group.oom_kills() > ooms:
            notes.append(sandbox.out_of_memory(self.limits))
        back = sandbox.read_back(self.log_path, self.scratch, self.limits, notes)
        code = 1 if notes or done is None else done["exit"] - FINISHED
        if done is not None and code not in (0, 1):  # the words verdicts._row reads as a dead kernel
            back["log"] += f"\nKernel died: the notebook's process ended before its last cell (exit {done['exit']})\n"
            code = 1
        result = RunResult(code=code, seconds=round(time.perf_counter() - start, 2),
                           started=started, peak_memory=self._peak(done),
                           enforced=sandbox.enforced(self.limits, self.group, self.mounted), **back)
        if done is None or not done.get("clean"):
            self.close()
        else:
            self._empty()
        return result

    def _why_stopped(self, deadline: float) -> str:
        """Why a run gave no answer: its scratch passed its limit, its time ran out, or its runner went away."""
        if self.scratch_full:
            return sandbox.scratch_over(self.limits)
        if time.perf_counter() >= deadline:
            return sandbox.timed_out(self.limits)
        return "the warm runner stopped answering"

    def _peak(self, done: dict[str, Any] | None) -> int | None:
        """The run's most memory at once: its process's, or, for a run that ended the sandbox, the sandbox's."""
        if done is not None:
            return done.get("maxrss")
        return self.group.peak() if self.group.ok else None

    def _empty(self) -> None:
        """Remove everything the run left in the scratch folder (/tmp and /dev/shm emptied, their folders kept)."""
        for entry in os.scandir(self.scratch):
            if entry.name in KEPT and entry.is_dir(follow_symlinks=False):
                empty(Path(entry.path), self.mounted_in_tmp if entry.name == "tmp" else [])
            else:
                _remove(entry)


def empty(folder: Path, mounts: list[Path]) -> None:
    """Remove everything in `folder` but the way to each of `mounts` (relative paths): an environment that lives
    under /tmp (a checkout there, its .venv) is bound into the sandbox's /tmp, and removing the folder it is bound
    on from outside would take it away from the sandbox (Linux detaches a mount whose mount point is removed in
    another namespace)."""
    for entry in os.scandir(folder):
        name = Path(entry.name)
        inner = [m.relative_to(name) for m in mounts if m.parts[:1] == name.parts]
        if not inner or not entry.is_dir(follow_symlinks=False):
            _remove(entry)
        elif Path(".") not in inner:  # on the way to a mount point: what else is in it goes
            empty(Path(entry.path), inner)


def _remove(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)  # fd-based on Linux: never follows a link out
    else:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _parse(line: str | None) -> dict[str, Any] | None:
    if not line or not line.startswith("done "):
        return None
    with contextlib.suppress(ValueError):
        done = json.loads(line[5:])
        if isinstance(done, dict) and isinstance(done.get("exit"), int):
            return done
    return None


class Pool:
    """One warm Runner per worker thread, all ended when the pool closes."""

    def __init__(self, limits: Limits, batch: str):
        self.limits, self.batch = limits, batch
        self.local = threading.local()
        self.runners: list[Runner] = []
        self.lock = threading.Lock()

    def run(self, source: str, params: dict[str, Any], seed: int) -> RunResult:
        """sandbox.run's result for one notebook, on this thread's warm runner."""
        runner = getattr(self.local, "runner", None)
        if runner is None:
            runner = self.local.runner = Runner(self.limits, self.batch)
            with self.lock:
                self.runners.append(runner)
        return runner.run(source, params, seed)

    def run_as_sandbox(self, source: str, params: dict[str, Any], _kernel: str, _limits: Limits, seed: int,
                       *_: Any) -> RunResult:
        """`run` called with sandbox.run's arguments (the pool's own limits hold)."""
        return self.run(source, params, seed)

    def close(self) -> None:
        for runner in self.runners:
            runner.close()


@contextlib.contextmanager
def pool(limits: Limits, batch: str) -> Iterator[Pool]:
    """Warm runners for one batch, ended (every process, every file) when the batch is done."""
    runners = Pool(limits, batch)
    try:
        yield runners
    finally:
        runners.close()
