"""Run one untrusted notebook in a bubblewrap sandbox: own PID, network (loopback only), IPC and UTS namespaces, a
read-only view of only the interpreter, the environment and the package, a private scratch folder as cwd, HOME and
TMPDIR, a scrubbed environment, and limits (memory, processes, file size, scratch size, output size, wall time).

bubblewrap (https://github.com/containers/bubblewrap) is the standard unprivileged sandbox (Flatpak's). As root,
the notebook runs as an unprivileged uid of its own (so that the process limit counts only its processes);
otherwise bubblewrap makes a user namespace. Everything runs from the grader's side; this module is also what a
Dask worker runs, and it needs only lab_utils there.
"""

from __future__ import annotations

import functools
import os
import platform
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LabError
from .execution import KERNEL_START_FAILED, command, without_kernel_notice

MiB = 1024 * 1024
RECORDS = "records.json"  # what the grader's last cell writes in the scratch folder: the probes' records
RECORDS_LIMIT = 8 * MiB
LOG_LIMIT = 64 * 1024  # the tail of papermill's log that is read back
_UIDS: queue.Queue[int] = queue.Queue()
for _uid in range(61000, 61064):  # one uid per sandbox running at once (as root): its own process count
    _UIDS.put(_uid)


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use; the defaults fit the course's notebooks with room to spare."""

    memory: int = 3 * 1024 * MiB  # address space of each process (RLIMIT_AS); notebook 03 runs at 1.6G, not 1.2G
    processes: int = 256  # processes and threads of the run (RLIMIT_NPROC): notebook 03 peaks at 21
    file_size: int = 256 * MiB  # the largest file it may write (RLIMIT_FSIZE)
    scratch: int = 512 * MiB  # all files in its scratch folder, checked 4 times a second
    output: int = 20 * MiB  # the executed copy; a larger one is kept without outputs, with a note
    wall: float = 300.0  # seconds from start to kill, whatever runs inside


def parse_size(text: str, flag: str) -> int:
    """'2G', '512M', '64k' or bytes -> bytes; LabError naming the flag otherwise."""
    units = {"k": 1024, "m": MiB, "g": 1024 * MiB, "t": 1024 * 1024 * MiB}
    body = text.strip().lower().removesuffix("b").removesuffix("i")
    scale = units.get(body[-1:], 1)
    try:
        value = float(body[:-1] if body[-1:] in units else body) * scale
    except ValueError:
        value = -1
    if value <= 0:
        raise LabError(f"{flag} {text!r} is not a size; write e.g. {flag} 2G, 512M or 64k")
    return int(value)


def available() -> str | None:
    """None if a sandbox can be made here; else one line naming what is missing and how to get it."""
    if platform.system() != "Linux":
        return f"the grading sandbox needs Linux (this is {platform.system()}); grade on Linux, or pass --no-sandbox"
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed: sudo apt-get install bubblewrap (Debian/Ubuntu) or dnf install "
                "bubblewrap, or pass --no-sandbox")
    try:
        probe = subprocess.run(["bwrap", *_namespaces(), "--ro-bind", "/", "/", "true"], capture_output=True,
                               text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap could not start ({e}); pass --no-sandbox to grade without it"
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return (f"bubblewrap cannot create namespaces here ({why}): allow unprivileged user namespaces (Ubuntu: "
                f"sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0) or run lab grade with sudo, or pass "
                f"--no-sandbox")
    return None


@functools.lru_cache(maxsize=1)
def _available() -> str | None:
    return available()


def _namespaces() -> list[str]:
    # As root no user namespace: the run drops to a uid of its own instead (setpriv), so RLIMIT_NPROC applies.
    common = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    return common if os.geteuid() == 0 else ["--unshare-user", *common]


@functools.lru_cache(maxsize=1)
def _views() -> tuple[str, ...]:
    """Read-only binds of only what a run needs: system libraries, the interpreter, the environment, lab_utils."""
    import lab_utils

    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(lab_utils.__file__).resolve().parent}
    args = ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib32", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), f"/{link}"]
        elif target.is_dir():
            args += ["--ro-bind", str(target), f"/{link}"]
    for etc in ("/etc/fonts", "/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    made: set[Path] = set()
    for path in sorted(paths):
        if not any(other != path and other in path.parents for other in paths):  # the outermost of nested ones
            # Parents made traversable (bwrap would copy /root's 0700): they hold nothing but the bound folder.
            for parent in sorted(set(path.parents) - made - {Path("/")}, key=lambda p: len(p.parts)):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
            args += ["--ro-bind", str(path), str(path)]
    return tuple(args)


def _font_cache(home: Path) -> None:
    # matplotlib's font list, copied in: built afresh, its notice would land on stderr of the first plotting cell.
    cache = Path(os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                 / "matplotlib")
    target = home / ".config" / "matplotlib"
    target.mkdir(parents=True, exist_ok=True)
    for font_list in cache.glob("fontlist-*.json"):
        shutil.copy(font_list, target / font_list.name)


def _set_limits(limits: Limits, processes: int) -> None:
    """In the child before bwrap starts: the limits every process of the run inherits."""
    os.setsid()
    for which, value in ((resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_FSIZE, limits.file_size),
                         (resource.RLIMIT_NPROC, processes), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NOFILE, 4096)):
        resource.setrlimit(which, (value, value))


def _my_tasks() -> int:
    """Processes and threads of this uid now (what RLIMIT_NPROC counts when not root)."""
    me, count = os.getuid(), 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == me:
                    count += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
    return count


def _size(folder: Path, cap: int) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
            if total > cap:
                return total
    return total


def _read(path: Path, limit: int) -> str | None:
    """A file the run wrote, if it is a plain file within `limit` bytes (never a link out of the scratch)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def run(source: str, params: dict[str, Any], kernel: str, limits: Limits, seed: int, sandbox: bool = True,
        batch: str = "") -> dict[str, Any]:
    """Execute a notebook's text with papermill (in the sandbox unless `sandbox` is False) with probe seed `seed`;
    every process of the run carries LAB_BATCH=`batch` in its environment (`ps e` finds a batch's processes).

    Returns plain data: code, log (its tail), seconds, executed (text or ''), records (text or ''), notes (why a
    run stopped early or was cut). Nothing of the run is left once this returns: its processes are dead (PID
    namespace) and its scratch folder is removed."""
    missing = _available() if sandbox else None
    if missing:  # e.g. a Dask worker without bubblewrap: the row says so, nothing runs unsandboxed
        return failure(missing)
    with tempfile.TemporaryDirectory(prefix="lab-grade-") as private:
        private_dir = Path(private)
        for _attempt in range(3):
            result = _run_once(private_dir, source, params, kernel, limits, seed, sandbox, batch)
            if not any(sign in result["log"] for sign in KERNEL_START_FAILED):
                break
        result["log"] = without_kernel_notice(result["log"])
        return result


def failure(why: str) -> dict[str, Any]:
    """The result of a run that could not start (no sandbox, or a cluster that could not run it): `why` only."""
    return {"code": 1, "log": why, "seconds": 0.0, "executed": "", "records": "", "notes": [why], "cut": ""}


def _run_once(private: Path, source: str, params: dict[str, Any], kernel: str, limits: Limits, seed: int,
              sandbox: bool, batch: str) -> dict[str, Any]:
    scratch = private / "scratch"  # removed after each attempt (finally below)
    for sub in ("tmp", "shm", "run"):
        (scratch / sub).mkdir(parents=True)
    (scratch / "source.ipynb").write_text(source, encoding="utf-8")
    _font_cache(scratch)
    root = os.geteuid() == 0
    uid = _UIDS.get() if (sandbox and root) else None
    try:
        if uid is not None:
            for path in [scratch, *scratch.rglob("*")]:
                os.chown(path, uid, uid, follow_symlinks=False)
        home = "/scratch" if sandbox else str(scratch)
        env = {"HOME": home, "TMPDIR": f"{home}/tmp", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
               "LANG": "C.UTF-8", "MPLCONFIGDIR": f"{home}/.config/matplotlib", "IPYTHONDIR": f"{home}/.ipython",
               "JUPYTER_RUNTIME_DIR": f"{home}/run", "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1",
               "LAB_PROBE_SEED": str(seed), "LAB_RECORDS": f"{home}/{RECORDS}", "LAB_BATCH": batch}
        runner = command(f"{home}/source.ipynb", f"{home}/run/executed.ipynb", params, kernel, home)
        if sandbox:
            # The run's own /tmp first, the read-only views after it: an environment that lives under /tmp (a
            # checkout there, its .venv) stays visible instead of being covered by the private /tmp.
            cmd = ["bwrap", *_namespaces(), "--die-with-parent", "--new-session", "--bind", str(scratch / "tmp"),
                   "/tmp", *_views(), "--proc", "/proc", "--dev", "/dev", "--bind", str(scratch), "/scratch",
                   "--bind", str(scratch / "shm"), "/dev/shm", "--chdir", "/scratch", "--clearenv"]
            for key, value in env.items():
                cmd += ["--setenv", key, value]
            if uid is not None:
                setpriv = shutil.which("setpriv") or "setpriv"
                cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", setpriv,
                        "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--inh-caps=-all",
                        "--bounding-set=-all"]
            else:
                cmd += ["--"]
            cmd += runner
            processes = limits.processes if uid is not None else _my_tasks() + limits.processes
            run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            cmd, processes = runner, resource.RLIM_INFINITY
            run_env = {**os.environ, **env}
        result = _supervise(cmd, run_env, private, scratch, limits, processes, sandbox)
        if not sandbox:  # no PID namespace: find what is left of the run (its kernel has a session of its own)
            _kill_tagged(f"LAB_PROBE_SEED={seed}".encode())
        return result
    finally:
        if uid is not None:
            _UIDS.put(uid)
        shutil.rmtree(scratch, ignore_errors=True)


def _supervise(cmd: list[str], env: dict[str, str], private: Path, scratch: Path, limits: Limits, processes: int,
               sandbox: bool) -> dict[str, Any]:
    """Start the run, watch its time and scratch size, kill it at a limit; read back what it left."""
    notes: list[str] = []
    log_path = private / "log.txt"  # a file, not a pipe: nothing left running can hold the grader on it
    start = time.perf_counter()
    with log_path.open("wb") as log:
        limit = (lambda: _set_limits(limits, processes)) if sandbox else os.setsid
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=limit)
        try:
            while True:
                try:
                    proc.wait(timeout=0.25)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.perf_counter() - start > limits.wall:
                    notes.append(f"timed out after {limits.wall:g} s")
                    break
                if _size(scratch, limits.scratch) > limits.scratch:
                    notes.append(f"stopped: its files passed the scratch limit of {limits.scratch // MiB} MiB")
                    break
        finally:
            _kill(proc)
    seconds = round(time.perf_counter() - start, 2)
    with log_path.open("rb") as f:
        f.seek(max(0, log_path.stat().st_size - LOG_LIMIT))
        text = f.read().decode("utf-8", errors="replace")
    if notes:
        text = notes[0] + "\n" + text
    executed_path = scratch / "run" / "executed.ipynb"
    executed = _read(executed_path, limits.output) or ""
    cut = ""
    if not executed and executed_path.is_file() and executed_path.stat().st_size > limits.output:
        cut = (f"the executed copy was {executed_path.stat().st_size / MiB:.0f} MiB, over the "
               f"{limits.output // MiB} MiB limit: kept without its outputs")
    return {"code": proc.returncode if not notes else 1, "log": text, "seconds": seconds, "executed": executed,
            "records": _read(scratch / RECORDS, RECORDS_LIMIT) or "", "notes": notes, "cut": cut}


def _kill_tagged(tag: bytes) -> None:
    """Kill every process of this user whose environment holds `tag` (this run's seed: no other run has it)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if tag + b"\0" in Path(f"/proc/{pid}/environ").read_bytes() + b"\0":
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass


def _kill(proc: subprocess.Popen) -> None:
    """Kill the run's whole session (bwrap's PID namespace then takes every process inside with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()
