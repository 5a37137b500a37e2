"""Executing one notebook: papermill in its own process group, killed at a timeout, retried when its kernel never
started; the one line that says why a run failed. Shared by run, sweep, refresh, grade and the cluster's workers.

Each run is a process `python -m lab_utils.tools.run.execution` (papermill's Python API, see `main`) rather than the
`papermill` command, for two things that command cannot do: parameters keep their types (the command reads `-y`
as YAML 1.1, where `1e-05` is a string, so `-p lr 1e-5` failed the parameter check), and the kernel is stopped at
once after the last cell (ipykernel 7.4 sometimes ignores the polite shutdown request, and jupyter_client then
waits 2.5 s before it terminates the kernel: seen in about 1 run in 12 here). It also puts the kernel on Unix
sockets instead of local TCP ports (`kernel_config`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNEL = "python3"
# The runner writes b"1" to this inherited file descriptor once its kernel has answered, before any cell runs, and
# closes it: the grader's sign that a kernel started (a run's own code never holds that descriptor).
STARTED_FD_VARIABLE = "LAB_STARTED_FD"


@dataclass(frozen=True)
class RunResult:
    """What one notebook run gives back, as plain data (sent back from a Dask worker as it is): a run of
    run_source, or a sandboxed one (sandbox.run, warm.Runner.run), which fill in the rest."""

    code: int  # the runner's exit code (1 when the run was stopped at a limit)
    log: str  # the tail of the runner's log (papermill's, with the reason a run failed)
    seconds: float
    executed: str = ""  # the executed copy's text ('' if none came back, or it was over the output limit)
    records: str = ""  # the records file's text ('' if none, or unreadable)
    notes: tuple[str, ...] = ()  # why the run was stopped early, if it was
    cut: str = ""  # why the executed copy was not kept
    started: bool = False  # the runner said its kernel started (a signal the notebook's code cannot send)
    peak_memory: int | None = None  # bytes, where a cgroup measured the whole run
    enforced: str = ""  # which limits held for the run as a whole: 'cgroup memory+pids, tmpfs scratch', ...


def failure(why: str) -> RunResult:
    """The result of a run that could not start (no sandbox, or a cluster that could not run it): `why` only."""
    return RunResult(code=1, log=why, seconds=0.0, notes=(why,))


def command(src: Path | str, out: Path | str, params: Mapping[str, Any], kernel: str, cwd: Path | str,
            kernel_dir: Path | str | None = None, python: str = sys.executable) -> list[str]:
    """The command line that executes `src` into `out` in `cwd` (see `main`): also what the grader's sandbox runs.
    The kernel's connection file and sockets go to `kernel_dir` (the caller removes it), else to a folder of its own."""
    args = [str(src), str(out), kernel, str(cwd), json.dumps(dict(params))]
    return [python, "-m", "lab_utils.tools.run.execution", *args, *([str(kernel_dir)] if kernel_dir else [])]


# A Unix socket's path holds at most 103 bytes on macOS (107 on Linux).
SOCKET_PATH_MAX = 100


def kernel_config(folder: str) -> Any:
    """Where the kernel's connection file and sockets live: `folder`/kernel.json and Unix sockets `folder`/kernel-<n>
    (a private folder: two kernels never share one) where the system has them and the paths fit, else local TCP.
    Sockets cannot collide the way TCP ports picked by kernels starting at once on one host can (a kernel that then
    never answers costs papermill's 60 s start timeout and a retry), and no port is opened."""
    from traitlets.config import Config

    prefix = os.path.join(os.path.abspath(folder), "kernel")
    manager: dict[str, Any] = {"connection_file": prefix + ".json"}
    if os.name == "posix" and len(prefix) + len("-99") <= SOCKET_PATH_MAX:
        manager.update(transport="ipc", ip=prefix)
    return Config({"KernelManager": manager})


def main(argv: list[str]) -> int:
    """`python -m lab_utils.tools.run.execution SRC OUT KERNEL CWD PARAMS_JSON [KERNEL_DIR]`: papermill's command, with
    the parameters as JSON, the kernel on Unix sockets (kernel_config) and stopped at once when the last cell is
    done; a failed cell is a traceback and exit code 1, a dead kernel exit code 138 (as the `papermill` command)."""
    src, out, kernel, cwd, params, *given = argv
    _started_fd.append(os.environ.pop(STARTED_FD_VARIABLE, ""))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as papermill's command: no debugger notice
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    import nbclient.exceptions
    import papermill

    try:
        with contextlib.nullcontext(given[0]) if given else tempfile.TemporaryDirectory(prefix="lab-kernel-") as folder:
            papermill.execute_notebook(src, out, parameters=json.loads(params), kernel_name=kernel, cwd=cwd,
                                       progress_bar=False, log_output=False, shutdown_kernel="immediate",
                                       config=kernel_config(folder), on_notebook_start=_say_started)
    except nbclient.exceptions.DeadKernelError:
        traceback.print_exc()
        return 138
    return 0


_started_fd: list[str] = []  # the descriptor from STARTED_FD_VARIABLE, taken out of the environment the kernel gets


def _say_started(**_: Any) -> None:
    """nbclient's hook after the kernel answered, before the first cell: tell the grader (see STARTED_FD_VARIABLE)."""
    fd = _started_fd.pop() if _started_fd else ""
    if fd.isdecimal():
        with contextlib.suppress(OSError):
            os.write(int(fd), b"1")
            os.close(int(fd))


def kernelspec(name: str, python: Path | str, folder: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Write a Jupyter kernel `name` that runs `python` (with `env` added to its environment) under
    `folder`/kernels/; return the environment variable that makes Jupyter find it."""
    spec = folder / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name, "language": "python", "env": dict(env or {})}))
    return {"JUPYTER_PATH": str(folder)}


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
    start = time.perf_counter()
    # The kernel's files in a folder removed here: also when the run is killed at its timeout.
    with tempfile.TemporaryDirectory(prefix="lab-kernel-") as kernel_dir:
        cmd = command(src, partial, params, kernel, out.parent, kernel_dir)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
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


# ipykernel 7 logs this at every start of a kernel on local TCP (kernel_config's fallback, and kernels started by
# other clients); it says nothing about the notebook. Only lines with this text are dropped: every other kernel
# message stays.
KERNEL_TCP_NOTICE = "Kernel is running over TCP without encryption."


def without_kernel_notice(log: str) -> str:
    """A kernel's log without ipykernel's start-up notice about TCP transport."""
    return "".join(line for line in log.splitlines(keepends=True) if KERNEL_TCP_NOTICE not in line)


# A kernel that never came up (e.g. on TCP, kernels starting at once on one host racing for ports) is worth a retry.
KERNEL_START_FAILED = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def run_source(source: str, params: Mapping[str, Any], kernel: str = KERNEL, timeout: float | None = None,
               ) -> RunResult:
    """Execute a notebook given as text in a private folder; its exit code, log, seconds and executed text.

    This is what a Dask worker runs: nothing is read from or written to a shared filesystem."""
    with tempfile.TemporaryDirectory(prefix="lab-run-") as tmp:
        src, out = Path(tmp) / "source.ipynb", Path(tmp) / "run" / "executed.ipynb"
        src.write_text(source, encoding="utf-8")
        for _attempt in range(3):
            code, log, seconds = run_papermill(src, out, params, kernel, timeout)
            if not any(sign in log for sign in KERNEL_START_FAILED):
                break
        return RunResult(code, log, seconds, out.read_text(encoding="utf-8") if out.is_file() else "")


# Terminal colour codes: some tracebacks colour the error line.
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
