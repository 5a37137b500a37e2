"""Warm grading runs (warm.py, forkserver.py, inprocess.py): one sandbox serves submission after submission, and
nothing one leaves reaches the next; a run that attacks its runner fails alone; cells run in-process give a
kernel's outputs."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lab_utils.tools.isolation import sandbox, warm
from lab_utils.tools.run.execution import reason, run_source

needs_sandbox = pytest.mark.skipif(sandbox.available() is not None,
                                   reason="needs bubblewrap (apt-get install bubblewrap)")


def notebook(*cells: str, tags: dict[int, list[str]] | None = None) -> str:
    """A notebook's text with these code cells (cell i tagged tags[i])."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {"tags": (tags or {}).get(i, [])},
                   "execution_count": None, "outputs": [], "source": textwrap.dedent(src).strip()}
                  for i, src in enumerate(cells)]})


def printed(result: sandbox.RunResult) -> str:
    nb = json.loads(result.executed)
    return "".join("".join(o["text"]) for c in nb["cells"] for o in c.get("outputs", [])
                   if o["output_type"] == "stream")


LEAVE = '''
import ctypes, os, subprocess, sys
for folder in ("/tmp", "/dev/shm", os.environ["HOME"]):
    open(os.path.join(folder, "left-behind"), "w").write("answers")
libc = ctypes.CDLL(None)
print("segment", libc.shmget(0x1ab, 4096, 0o1666))  # System V shared memory, key 0x1ab
subprocess.Popen(["sleep", "60"], start_new_session=True)  # a process that outlives the run
if os.fork() == 0:  # and one that writes into the scratch folder after the run
    os.setsid()
    import time
    time.sleep(1.5)
    open(os.path.join(os.environ["HOME"], "late"), "w").write("late")
    os._exit(0)
print("A left")
'''

LOOK = '''
import os, time
time.sleep(2)  # the late writer would have written by now
for folder in ("/tmp", "/dev/shm", os.environ["HOME"]):
    mine = (".config", ".ipython", "run", "tmp", "shm", "source.ipynb")  # what every run starts with
    print(folder, sorted(n for n in os.listdir(folder) if n not in mine))
print("segments", open("/proc/sysvipc/shm").read().count("\\n") - 1)
me, parent = os.getpid(), os.getppid()
others = [open(f"/proc/{p}/cmdline").read().replace("\\0", " ")[:60] for p in os.listdir("/proc")
          if p.isdigit() and int(p) not in (me, parent, 1)]
print("others", others)
'''


@needs_sandbox
def test_what_one_submission_leaves_never_reaches_the_next():
    with warm.pool(sandbox.Limits(wall=60), "warm-test") as runners:
        first = runners.run(notebook(LEAVE), {}, 1)
        second = runners.run(notebook(LOOK), {}, 2)
    assert first.code == 0 and "A left" in printed(first) and "segment -1" not in printed(first), first.log
    assert second.code == 0, second.log
    seen = printed(second)
    # what /tmp may hold: the way to an environment that lives under /tmp (a checkout there) and is mounted in it
    mounted = sorted({p.relative_to("/tmp").parts[0] for p in sandbox.mount_points()
                      if p.is_relative_to("/tmp") and p != Path("/tmp")})
    assert f"/tmp {mounted}" in seen, seen
    for folder in ("/dev/shm", "/scratch"):
        assert f"{folder} []" in seen, seen
    assert "segments 0" in seen and "others []" in seen, seen


@needs_sandbox
def test_the_runner_cannot_be_read_or_traced_from_a_run():
    probe = '''
    import ctypes, os
    parent = os.getppid()
    for what in ("mem", "environ", "maps"):
        try:
            open(f"/proc/{parent}/{what}", "rb").read(16)
            print(what, "READ")
        except OSError as e:
            print(what, "blocked", type(e).__name__)
    print("ptrace", ctypes.CDLL(None, use_errno=True).ptrace(16, parent, None, None))  # PTRACE_ATTACH
    '''
    with warm.pool(sandbox.Limits(wall=60), "warm-test") as runners:
        result = runners.run(notebook(probe), {}, 1)
    seen = printed(result)
    assert "READ" not in seen and seen.count("blocked") == 3 and "ptrace -1" in seen, seen


@pytest.mark.ci  # waits out a stopped runner's time limit and starts four sandboxes: with the sandboxed batches
@needs_sandbox
def test_a_run_that_kills_or_stops_its_runner_fails_alone():
    ok = notebook('print("fine", 6 * 7)')
    with warm.pool(sandbox.Limits(wall=15), "warm-test") as runners:
        killed = runners.run(notebook("import os, signal; os.kill(os.getppid(), signal.SIGKILL)"), {}, 1)
        # kill(-1) spares its caller: the run still ends at that cell, as a kernel whose nbclient was killed
        everyone = runners.run(notebook("import os, signal; os.kill(-1, signal.SIGKILL)",
                                        'open(os.path.join(os.environ["HOME"], "records.json"), "w").write("[1]")'),
                               {}, 7)
        after_kill = runners.run(ok, {}, 2)
        stopped = runners.run(notebook("import os, signal, time; os.kill(os.getppid(), signal.SIGSTOP)"), {}, 3)
        after_stop = runners.run(ok, {}, 4)
        crashed = runners.run(notebook("import os; os._exit(0)"), {}, 5)
        after_crash = runners.run(ok, {}, 6)
    assert killed.code == 1 and "stopped answering" in killed.log, killed.log
    assert everyone.code == 1 and everyone.records == "", everyone.records
    assert stopped.code == 1 and "timed out after 15 s" in stopped.log, stopped.log
    assert crashed.code == 1 and "Kernel died" in crashed.log, crashed.log
    for result in (after_kill, after_stop, after_crash):
        assert result.code == 0 and "fine 42" in printed(result), result.log


KERNEL_LIKE = [
    'import sys\nprint("out"); print("err", file=sys.stderr); print("more")',
    "from IPython.display import display, HTML\nh = display(HTML('<b>a</b>'), display_id=True)\n"
    "h.update(HTML('<b>b</b>'))\n6 * 7",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.title('t');",
    "from IPython.display import clear_output\nprint('gone'); clear_output(); print('kept')",
    "len(In) > 3, get_ipython() is not None",
    "1 / 0",
    "print('not reached')",
]


def _shape(nb: dict) -> list:
    """Each code cell's outputs as (type, MIME types and text/plain), and its text per stream first (a kernel sends
    stdout and stderr on their own schedules: their interleaving is not kept)."""
    cells = []
    for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):  # papermill adds a markdown cell on failure
        streams = {name: "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == name)
                   for name in ("stdout", "stderr")}
        outs: list = [(name, text) for name, text in streams.items() if text]
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                continue
            if o["output_type"] == "error":
                outs.append(("error", o["ename"], o["evalue"]))
            else:
                text = "".join(o["data"].get("text/plain", ""))
                outs.append((o["output_type"], sorted(o["data"]), "" if "Figure" in text else text))
        cells.append(outs)
    return cells


def in_process(source: str, tmp_path) -> tuple[int, dict, str]:
    """Run a notebook's text with inprocess.run_file in a Python of its own (the shell is process-wide)."""
    (tmp_path / "source.ipynb").write_text(source)
    code = ("import sys; from pathlib import Path; from lab_utils.tools.isolation import inprocess; "
            "sys.exit(inprocess.run_file(Path('source.ipynb'), Path('out.ipynb'), {}, inprocess.shell()))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return run.returncode, json.loads((tmp_path / "out.ipynb").read_text()), run.stderr


def test_cells_run_in_process_give_a_kernels_outputs(tmp_path):
    source = notebook(*KERNEL_LIKE, tags={5: ["raises-exception"]})
    kernel = run_source(source, {})
    assert kernel.code == 1 and reason(kernel.log) == "ZeroDivisionError: division by zero", kernel.log  # as papermill
    code, mine, stderr = in_process(source, tmp_path)
    assert code == 1 and reason(stderr) == "ZeroDivisionError: division by zero"
    assert _shape(mine) == _shape(json.loads(kernel.executed))
    assert ("error", "ZeroDivisionError", "division by zero") in _shape(mine)[5]
    # untagged, the failing cell ends the run: the next one is not run, and the log says why (as papermill's)
    code, stopped, stderr = in_process(notebook(*KERNEL_LIKE), tmp_path)
    assert code == 1 and stopped["cells"][6]["outputs"] == []
    assert reason(stderr) == "ZeroDivisionError: division by zero"


@pytest.mark.ci  # starts three sandboxes and a fresh kernel: with the sandboxed batches
@needs_sandbox
def test_a_runner_gone_between_runs_is_replaced_and_one_that_cannot_start_falls_back_to_a_fresh_kernel(capfd):
    import os
    import signal

    ok = notebook('print("fine", 6 * 7)')
    with warm.pool(sandbox.Limits(wall=60), "warm-test") as runners:
        assert runners.run(ok, {}, 1).code == 0
        runner = runners.runners[0]
        os.killpg(runner.proc.pid, signal.SIGKILL)  # e.g. the system's OOM killer, while no run is in it
        runner.proc.wait()
        again = runners.run(ok, {}, 2)
    assert again.code == 0 and "fine 42" in printed(again), again.log
    # torch does not fit in 600 MiB of address space: no warm runner, and the notebook (no torch) runs in a kernel
    with warm.pool(sandbox.Limits(wall=60, memory=600 * sandbox.MiB), "warm-test") as runners:
        cold = runners.run(ok, {}, 3)
    assert cold.code == 0 and "fine 42" in printed(cold), cold.log
    assert "the warm runner did not start" in capfd.readouterr().err


@pytest.mark.ci  # a class graded twice, once with a fresh kernel per submission: with the sandboxed batches
@needs_sandbox
def test_warm_runners_grade_a_class_exactly_as_fresh_kernels_do(tmp_path):
    """Notebook 01's fixture class (canonical answers and the catalogue's correct and mistaken variants): every
    row's outcomes, causes, flags and notes are the same either way."""
    import csv

    from . import cells, similar
    from .conftest import ROOT

    subs = []
    for name, nb in similar.fixture_class(14).items():
        subs.append(tmp_path / "subs" / f"{name}.ipynb")
        subs[-1].parent.mkdir(exist_ok=True)
        subs[-1].write_text(json.dumps(nb))
    template = ROOT / "exercises" / "01_linear_regression.ipynb"
    rows = {}
    for how, flags in (("warm", []), ("fresh", ["--fresh-kernel"])):
        out = cells.lab("grade", template, *subs, "--out", tmp_path / f"{how}.csv", "--quiet", *flags, cwd=tmp_path)
        assert out.returncode in (0, 1) and "Traceback" not in out.stderr, out.stderr
        with (tmp_path / f"{how}.csv").open() as f:
            rows[how] = {r["submission"]: {k: v for k, v in r.items() if k not in ("seconds", "peak MiB", "digest")}
                         for r in csv.DictReader(f)}
    assert rows["warm"] == rows["fresh"]
    assert len({r["total"] for r in rows["warm"].values()}) > 1  # the class has mistakes, not only right answers


def test_emptying_the_scratch_keeps_the_way_to_what_is_mounted_in_tmp(tmp_path):
    """A checkout under /tmp (CI's clone) is bound into the sandbox's /tmp: emptying /tmp between two submissions
    removes everything the run wrote, but not the folders the environment is mounted on (removed from outside,
    Linux would detach the mount from the sandbox)."""
    tmp = tmp_path / "tmp"
    for folder in ("clone/.venv/lib", "clone/lab_utils/exercises/answers", "clone/junk-dir", "run-dir"):
        (tmp / folder).mkdir(parents=True)
    for file in ("clone/left.txt", "left.txt", "run-dir/x", "clone/.venv/lib/site.py"):
        (tmp / file).write_text("x")
    (tmp / "link").symlink_to(tmp / "clone")
    warm.empty(tmp, [Path("clone/.venv"), Path("clone/lab_utils"), Path("clone/lab_utils/exercises/answers")])
    left = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
    assert left == ["clone", "clone/.venv", "clone/.venv/lib", "clone/.venv/lib/site.py", "clone/lab_utils",
                    "clone/lab_utils/exercises", "clone/lab_utils/exercises/answers"]
