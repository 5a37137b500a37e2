"""Run one untrusted notebook in a bubblewrap sandbox: own PID, network (loopback only), IPC and UTS namespaces, a
read-only view of only the interpreter, the environment and the package (without the checks' answers), a private
scratch folder as cwd, HOME and TMPDIR, a scrubbed environment, and limits that hold for the run as a whole.

bubblewrap (https://github.com/containers/bubblewrap) is the standard unprivileged sandbox (Flatpak's). As root,
the notebook runs as an unprivileged uid of its own (so that the process limit counts only its processes), its
scratch is a tmpfs of the scratch limit's size (the filesystem counts every byte, directory and preallocated block),
and memory and processes are limited for the whole run by a cgroup; otherwise bubblewrap makes a user namespace and
the limits are per process (rlimits) with the scratch's size polled. Each row says which limits held
(`RunResult.enforced`). Everything runs from the grader's side; this module is also what a Dask worker runs, and it
needs only lab_utils there.

What the grader takes back from a run (the executed copy, the records) is opened relative to the scratch folder
it made, one path component at a time, never following a link (`read_inside`): the run owns its scratch and can put
anything there, links to host files included.

One module over 300 lines on purpose: the isolation of a submission (bubblewrap's arguments, the limits, the uid,
the cleanup) is kept together so that it is reviewed as one.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import platform
import queue
import resource
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import LabError
from ..run.execution import STARTED_FD_VARIABLE, RunResult, command, failure

MiB = 1024 * 1024
RECORDS = "records.json"  # what the checks write in the scratch folder: the probes' records
RECORDS_LIMIT = 8 * MiB
LOG_LIMIT = 64 * 1024  # the tail of papermill's log that is read back
SCRATCH_INODES = 65536  # files and folders a run's tmpfs scratch may hold (a notebook run makes about 60)
ATTEMPTS = 3  # a kernel that never started is tried again, within the run's one time limit
_UIDS: queue.Queue[int] = queue.Queue()
for _uid in range(61000, 61064):  # one uid per sandbox running at once (as root): its own process count
    _UIDS.put(_uid)


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use, in total; the defaults fit the course's notebooks with room to spare."""

    memory: int = 3 * 1024 * MiB  # all processes of the run (cgroup), and each one's address space (RLIMIT_AS)
    processes: int = 256  # processes and threads of the run (cgroup pids.max, RLIMIT_NPROC): notebook 03 peaks at 21
    file_size: int = 256 * MiB  # the largest file it may write (RLIMIT_FSIZE)
    scratch: int = 512 * MiB  # everything in its scratch folder (a tmpfs of this size, or polled 4 times a second)
    output: int = 20 * MiB  # the executed copy; a larger one is kept without outputs, with a note
    wall: float = 300.0  # seconds from start to kill, all attempts together, whatever runs inside
    # False where the machine is the sandbox (a Gradescope container, where Docker's seccomp profile refuses new
    # namespaces): no bubblewrap; the run gets a uid of its own (as root), its limits and a scratch folder, and the
    # caller makes what it must not read or write unreachable for that uid
    namespaces: bool = True


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


def hidden_paths() -> list[Path]:
    """The package's folders a grading run must not see: the checks' answers (verdicts, reference solutions,
    stand-ins, the 2-H-1 network). A run can then make evidence only by computing it."""
    import lab_utils

    return [Path(lab_utils.__file__).resolve().parent / "exercises" / "answers"]


@functools.lru_cache(maxsize=1)
def _views() -> tuple[str, ...]:
    """Read-only binds of only what a run needs: system libraries, the interpreter, the environment, lab_utils
    without its answers."""
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
    for hidden in hidden_paths():  # an empty, read-only folder over the answers
        args += ["--tmpfs", str(hidden), "--remount-ro", str(hidden)]
    return tuple(args)


def mount_points() -> list[Path]:
    """Where the sandbox's views are mounted (its read-only binds and the empty folder over the answers), as the
    run sees them."""
    args, points = list(_views()), []
    for i, arg in enumerate(args):
        if arg == "--ro-bind":
            points.append(Path(args[i + 2]))
        elif arg == "--tmpfs":
            points.append(Path(args[i + 1]))
    return points


def _font_cache(home: Path) -> None:
    # matplotlib's font list, copied in: built afresh, its notice would land on stderr of the first plotting cell.
    cache = Path(os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                 / "matplotlib")
    target = home / ".config" / "matplotlib"
    target.mkdir(parents=True, exist_ok=True)
    for font_list in cache.glob("fontlist-*.json"):
        shutil.copy(font_list, target / font_list.name)


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
    for root, dirs, files in os.walk(folder):
        for name in files + dirs:  # folders take blocks too
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
            if total > cap:
                return total
    return total


def read_inside(folder: Path, relative: str, limit: int) -> tuple[str | None, bool]:
    """The text of `folder`/`relative` if it is a plain file of at most `limit` bytes reached without following
    any link (each component opened relative to the one before, O_NOFOLLOW); (None, over_limit) otherwise. Nothing
    is read from a FIFO, a device or a file outside `folder`."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    parts = relative.split("/")
    fds: list[int] = []
    try:
        fds.append(os.open(folder, flags | os.O_DIRECTORY))
        for part in parts[:-1]:
            fds.append(os.open(part, flags | os.O_DIRECTORY, dir_fd=fds[-1]))
        fds.append(os.open(parts[-1], flags, dir_fd=fds[-1]))
        info = os.fstat(fds[-1])
        if not stat.S_ISREG(info.st_mode):
            return None, False
        if info.st_size > limit:
            return None, True
        with os.fdopen(os.dup(fds[-1]), "rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            return None, True
        return data.decode("utf-8", errors="replace"), False
    except OSError:
        return None, False
    finally:
        for fd in fds:
            os.close(fd)


# ---- limits for the run as a whole: a tmpfs scratch, a cgroup -------------------------------------------------

_MS_NOSUID, _MS_NODEV, _MNT_DETACH = 2, 4, 2


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _mount_tmpfs(folder: Path, size: int) -> bool:
    """A tmpfs of `size` bytes and SCRATCH_INODES entries on `folder` (root only); whether it was mounted."""
    if os.geteuid() != 0 or platform.system() != "Linux":
        return False
    options = f"size={size},nr_inodes={SCRATCH_INODES},mode=0700".encode()
    return _libc().mount(b"tmpfs", str(folder).encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options) == 0


def _unmount(folder: Path) -> None:
    _libc().umount2(str(folder).encode(), _MNT_DETACH)  # lazily: whatever is left is freed with the mount


class Cgroup:
    """A cgroup for one run, with memory.max and pids.max (cgroup v2, or the v1 memory and pids hierarchies),
    made under the grader's own cgroup where the grader may (root, or a delegated subtree); `ok` says if it was."""

    def __init__(self, name: str, memory: int, processes: int):
        self.dirs: list[Path] = []
        self.why = ""
        try:
            self._make(name, memory, processes)
        except OSError as e:
            self.remove()
            self.why = f"no cgroup ({e.strerror or e})"

    @property
    def ok(self) -> bool:
        return bool(self.dirs)

    def _make(self, name: str, memory: int, processes: int) -> None:
        own = dict(line.strip().split(":", 2)[1:] for line in Path("/proc/self/cgroup").read_text().splitlines()
                   if line.count(":") >= 2)
        unified = Path("/sys/fs/cgroup")
        if (unified / "cgroup.controllers").is_file():  # cgroup v2
            parent = unified / own.get("", "/").lstrip("/")
            enabled = (parent / "cgroup.subtree_control").read_text().split()
            if not {"memory", "pids"} <= set(enabled):
                raise OSError(0, "the memory and pids controllers are not delegated to the grader's cgroup")
            path = parent / name
            path.mkdir()
            self.dirs.append(path)
            (path / "memory.max").write_text(str(memory))
            with contextlib.suppress(OSError):
                (path / "memory.swap.max").write_text("0")
            (path / "pids.max").write_text(str(processes))
            return
        for controller, limit_files in (("memory", (("memory.limit_in_bytes", memory),
                                                     ("memory.memsw.limit_in_bytes", memory))),
                                        ("pids", (("pids.max", processes),))):
            path = unified / controller / own.get(controller, "/").lstrip("/") / name
            path.mkdir()
            self.dirs.append(path)
            for file, value in limit_files:
                if (path / file).exists() or file == limit_files[0][0]:
                    (path / file).write_text(str(value))

    def join(self) -> None:
        """Put the calling process in the cgroup (in the child, before it starts the sandbox)."""
        for path in self.dirs:
            with open(path / "cgroup.procs", "w") as f:
                f.write(str(os.getpid()))

    def peak(self) -> int | None:
        """The most memory the run held at once, in bytes."""
        for path in self.dirs:
            for file in ("memory.peak", "memory.max_usage_in_bytes"):
                with contextlib.suppress(OSError, ValueError):
                    return int((path / file).read_text())
        return None

    def out_of_memory(self) -> bool:
        """Whether the kernel stopped a process of the run at the memory limit."""
        return self.oom_kills() > 0

    def oom_kills(self) -> int:
        """How many processes the kernel has stopped at the memory limit so far."""
        for path in self.dirs:
            for file in ("memory.events", "memory.oom_control"):
                with contextlib.suppress(OSError, ValueError):
                    counts = dict(line.split() for line in (path / file).read_text().splitlines() if " " in line)
                    return int(counts.get("oom_kill", 0))
        return 0

    def kill(self) -> None:
        """Kill every process left in the cgroup."""
        for path in self.dirs:
            with contextlib.suppress(OSError):
                (path / "cgroup.kill").write_text("1")
            for _ in range(3):
                with contextlib.suppress(OSError, ValueError):
                    for pid in (path / "cgroup.procs").read_text().split():
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.kill(int(pid), signal.SIGKILL)

    def remove(self) -> None:
        for path in self.dirs:
            for _ in range(50):  # the killed processes leave the cgroup within milliseconds
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs = []


# ---- one run --------------------------------------------------------------------------------------------------

def run(source: str, params: dict[str, Any], kernel: str, limits: Limits, seed: int, sandbox: bool = True,
        batch: str = "") -> RunResult:
    """Execute a notebook's text with papermill (in the sandbox unless `sandbox` is False) with probe seed `seed`;
    every process of the run carries LAB_BATCH=`batch` in its environment (`ps e` finds a batch's processes).

    A run whose kernel never started (the runner's own signal, which the notebook cannot send) is tried again,
    all attempts within `limits.wall`. Nothing of the run is left once this returns: its processes are dead (PID
    namespace, cgroup) and its scratch folder is removed."""
    missing = _available() if sandbox and limits.namespaces else None
    if sandbox and not limits.namespaces and os.geteuid() != 0:
        missing = "a run without namespaces is isolated by a uid of its own, which needs root"
    if missing:  # e.g. a Dask worker without bubblewrap: the row says so, nothing runs unsandboxed
        return failure(missing)
    deadline = time.perf_counter() + limits.wall
    with tempfile.TemporaryDirectory(prefix="lab-grade-") as private:
        if sandbox and not limits.namespaces:
            os.chmod(private, 0o711)  # the run's uid reaches its scratch inside, and lists nothing
        for attempt in range(ATTEMPTS):
            left = deadline - time.perf_counter()
            result = _run_once(Path(private), source, params, kernel, limits, left, seed, sandbox, batch)
            if result.started or attempt == ATTEMPTS - 1 or deadline - time.perf_counter() < 5:
                return result
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _scratch(private: Path, limits: Limits, sandbox: bool) -> Iterator[tuple[Path, bool]]:
    """The run's scratch folder (a tmpfs of the scratch limit's size where the grader may mount one), removed after."""
    scratch = private / "scratch"
    scratch.mkdir()
    mounted = sandbox and _mount_tmpfs(scratch, limits.scratch)
    try:
        yield scratch, mounted
    finally:
        if mounted:
            _unmount(scratch)
        shutil.rmtree(scratch, ignore_errors=True)


def _run_once(private: Path, source: str, params: dict[str, Any], kernel: str, limits: Limits, wall: float,
              seed: int, sandbox: bool, batch: str) -> RunResult:
    root = os.geteuid() == 0
    uid = _UIDS.get() if (sandbox and root) else None
    group = Cgroup(f"lab-{batch or 'run'}-{seed}-{secrets.token_hex(3)}", limits.memory, limits.processes) \
        if sandbox else None
    try:
        with _scratch(private, limits, sandbox) as (scratch, mounted):
            fill(scratch, source, uid)
            cmd, env, processes = _command(scratch, params, kernel, limits, seed, sandbox, batch, uid)
            result = _supervise(cmd, env, private, scratch, limits, wall, processes, sandbox, group, mounted)
            return RunResult(**{**result, "enforced": enforced(limits, group, mounted) if sandbox else "no sandbox"})
    finally:
        if group is not None:
            group.kill()
            group.remove()
        if not sandbox:  # no PID namespace: find what is left of the run (its kernel has a session of its own)
            _kill_tagged(f"LAB_PROBE_SEED={seed}".encode())
        elif not limits.namespaces and uid is not None:  # every process of the run's uid, whatever it did since
            _kill_uid(uid)
        if uid is not None:
            _UIDS.put(uid)


def home_of(scratch: Path, limits: Limits, sandbox: bool = True) -> str:
    """The run's HOME (and cwd) as the run sees its scratch folder."""
    return "/scratch" if sandbox and limits.namespaces else str(scratch)


def fill(scratch: Path, source: str, uid: int | None) -> None:
    """What a run finds in its scratch folder: the notebook, its folders, matplotlib's font list, all the run's
    uid's. Only what this made changes owner: in a warm sandbox /tmp also holds the folders bubblewrap made for the
    views mounted under /tmp (a checkout there), which stay root's."""
    for sub in ("tmp", "shm", "run"):
        (scratch / sub).mkdir(exist_ok=True)
    (scratch / "source.ipynb").write_text(source, encoding="utf-8")
    _font_cache(scratch)
    if uid is not None:
        config = scratch / ".config"
        for path in [scratch, *(scratch / name for name in ("tmp", "shm", "run", "source.ipynb")), config,
                     *config.rglob("*")]:
            os.chown(path, uid, uid, follow_symlinks=False)
        os.chmod(scratch, 0o700)  # no other run's uid reads this one's files


def enforced(limits: Limits, group: Cgroup | None, mounted: bool) -> str:
    """Which limits hold for a sandboxed run as a whole (RunResult.enforced)."""
    isolation = "a uid of its own (no namespaces: the container is the sandbox)" if not limits.namespaces else ""
    return ", ".join(filter(None, [isolation, "cgroup memory+pids" if group and group.ok else "",
                                   "tmpfs scratch" if mounted else ""])) or "per-process limits only"


def _command(scratch: Path, params: dict[str, Any], kernel: str, limits: Limits, seed: int, sandbox: bool,
             batch: str, uid: int | None, runner: list[str] | None = None) -> tuple[list[str], dict[str, str], int]:
    """The command line of a run (papermill's runner, unless `runner` is given), the environment it starts with,
    and its process limit."""
    home = home_of(scratch, limits, sandbox)
    env = {"HOME": home, "TMPDIR": f"{home}/tmp", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "MPLCONFIGDIR": f"{home}/.config/matplotlib", "IPYTHONDIR": f"{home}/.ipython",
           "JUPYTER_RUNTIME_DIR": f"{home}/run", "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1",
           "LAB_PROBE_SEED": str(seed), "LAB_RECORDS": f"{home}/{RECORDS}", "LAB_BATCH": batch}
    runner = runner or command(f"{home}/source.ipynb", f"{home}/run/executed.ipynb", params, kernel, home)
    if not sandbox:
        return runner, {**os.environ, **env}, resource.RLIM_INFINITY
    env["PYTHONPATH"] = str(_package_root())  # lab_utils where the grader has it, whatever installed it
    if not limits.namespaces:  # the container is the sandbox: the run's own uid, nothing of the grader's environment
        drop = [] if uid is None else [shutil.which("setpriv") or "setpriv", "--reuid", str(uid), "--regid", str(uid),
                                       "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
        return drop + runner, env, limits.processes
    # The run's own /tmp first, the read-only views after it: an environment that lives under /tmp (a checkout
    # there, its .venv) stays visible instead of being covered by the private /tmp.
    cmd = ["bwrap", *_namespaces(), "--die-with-parent", "--new-session", "--bind", str(scratch / "tmp"), "/tmp",
           *_views(), "--proc", "/proc", "--dev", "/dev", "--bind", str(scratch), "/scratch",
           "--bind", str(scratch / "shm"), "/dev/shm", "--chdir", "/scratch", "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    if uid is not None:
        setpriv = shutil.which("setpriv") or "setpriv"
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", setpriv, "--reuid", str(uid),
                "--regid", str(uid), "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
    else:
        cmd += ["--"]
    processes = limits.processes if uid is not None else _my_tasks() + limits.processes
    return cmd + runner, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, processes


def _set_limits(limits: Limits, processes: int, group: Cgroup | None) -> None:
    """In the child before bwrap starts: the cgroup, and the limits every process of the run inherits."""
    os.setsid()
    if group is not None and group.ok:
        group.join()
    for which, value in ((resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_FSIZE, limits.file_size),
                         (resource.RLIMIT_NPROC, processes), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NOFILE, 4096)):
        resource.setrlimit(which, (value, value))


def _supervise(cmd: list[str], env: dict[str, str], private: Path, scratch: Path, limits: Limits, wall: float,
               processes: int, sandbox: bool, group: Cgroup | None, mounted: bool) -> dict[str, Any]:
    """Start the run, watch its time (and its scratch size, where no tmpfs holds it), kill it at a limit; read
    back what it left."""
    notes: list[str] = []
    log_path = private / "log.txt"  # a file, not a pipe: nothing left running can hold the grader on it
    started_read, started_write = os.pipe()  # the runner writes one byte once its kernel is up (fd not in the kernel)
    env = {**env, STARTED_FD_VARIABLE: str(started_write)}
    if "--clearenv" in cmd:
        cmd = [*cmd[:cmd.index("--clearenv") + 1], "--setenv", STARTED_FD_VARIABLE, str(started_write),
               *cmd[cmd.index("--clearenv") + 1:]]
    start = time.perf_counter()
    try:
        with log_path.open("wb") as log:
            limit = (lambda: _set_limits(limits, processes, group)) if sandbox else os.setsid
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                    preexec_fn=limit, pass_fds=(started_write,))
            os.close(started_write)
            started_write = -1
            try:
                while True:
                    try:
                        proc.wait(timeout=0.25)
                        break
                    except subprocess.TimeoutExpired:
                        pass
                    if time.perf_counter() - start > wall:
                        notes.append(timed_out(limits))
                        break
                    if not mounted and _size(scratch, limits.scratch) > limits.scratch:
                        notes.append(scratch_over(limits))
                        break
            finally:
                _kill(proc)
        os.set_blocking(started_read, False)
        try:
            started = os.read(started_read, 1) == b"1"
        except (BlockingIOError, OSError):
            started = False
    finally:
        os.close(started_read)
        if started_write >= 0:
            os.close(started_write)
    seconds = round(time.perf_counter() - start, 2)
    if group is not None and group.ok and group.out_of_memory():
        notes.append(out_of_memory(limits))
    return {"code": proc.returncode if not notes else 1, "seconds": seconds, "started": started,
            "peak_memory": group.peak() if group is not None and group.ok else None,
            **read_back(log_path, scratch, limits, notes)}


def timed_out(limits: Limits) -> str:
    return f"timed out after {limits.wall:g} s"


def scratch_over(limits: Limits) -> str:
    return f"stopped: its files passed the scratch limit of {limits.scratch // MiB} MiB"


def out_of_memory(limits: Limits) -> str:
    return f"stopped: the run as a whole passed its memory limit of {limits.memory // MiB} MiB"


def read_back(log_path: Path, scratch: Path, limits: Limits, notes: list[str]) -> dict[str, Any]:
    """What the grader takes back from a run: the log's tail (after the first note), the executed copy, the
    records, why the copy was not kept."""
    with log_path.open("rb") as f:
        f.seek(max(0, log_path.stat().st_size - LOG_LIMIT))
        text = f.read().decode("utf-8", errors="replace")
    if notes:
        text = notes[0] + "\n" + text
    executed, too_big = read_inside(scratch, "run/executed.ipynb", limits.output)
    cut = (f"the executed copy was over the {limits.output // MiB} MiB limit: kept without its outputs"
           if too_big else "")
    records, _ = read_inside(scratch, RECORDS, RECORDS_LIMIT)
    return {"log": text, "executed": executed or "", "records": records or "", "notes": tuple(notes), "cut": cut}


def _package_root() -> Path:
    import lab_utils

    return Path(lab_utils.__file__).resolve().parent.parent


def _kill_uid(uid: int) -> None:
    """Kill every process running as `uid` (a run's own uid: nothing else runs as it)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            if any(line.split()[1:2] == [str(uid)] for line in status.splitlines() if line.startswith("Uid:")):
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, ProcessLookupError, IndexError):
            pass


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
