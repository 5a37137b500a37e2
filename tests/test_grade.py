"""`lab grade` on the fixture practice notebook: honest grades, and untrusted submissions never stop the batch."""

import copy
import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab_utils.tools.grade.scan import python_source, scan
from lab_utils.tools.grade.submissions import assemble, read_submission
from lab_utils.tools.isolation import sandbox
from lab_utils.tools.run.tables import spreadsheet_cell

from . import cells
from .conftest import PRACTICE as SOLUTION
from .conftest import ROOT

pytestmark = pytest.mark.slow


BATCH = f"test{os.getpid()}"  # every run of this file's batches carries it (see _lab_processes)


def lab(*args, cwd, **env):
    return cells.lab(*args, cwd=cwd, LAB_BATCH=BATCH, **env)  # every process of the batch is tagged: see _lab_processes


def submission(tmp_path: Path, name: str, nb_or_text) -> Path:
    path = tmp_path / "subs" / f"{name}.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(nb_or_text if isinstance(nb_or_text, str) else json.dumps(nb_or_text))
    return path


def edit(nb: dict, cell_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    next(c for c in nb["cells"] if c.get("id") == cell_id)["source"] = source
    return nb


def rows_of(csv_path: Path) -> dict[str, dict]:
    with csv_path.open() as f:
        return {r["submission"]: r for r in csv.DictReader(f)}


# The hostile corpus: each entry is (name, exercise cell id, the cell's code). Every attack of the threat model (README,
# "Grading") is here; each must be blocked or recorded with its reason while the honest submissions beside it are
# graded right. Placeholders: {root} the repository, {out} the output folder, {subs} the submissions' folder,
# {template} the exercise notebook being graded against.
HOSTILE = [
    # forging one's own score from inside the kernel
    ('patch_core', 'ex-double', r'''
import lab_utils.exercises.core as c
c.session().outcomes.clear()
c.PASSED = 'not done yet'
c.score_table = lambda *a: print('score: 2 / 2')
def double(x):
    return ...'''),
    ('patch_print', 'ex-double', r'''
import builtins
_p = builtins.print
builtins.print = lambda *a, **k: _p('✅ passed')
get_ipython().events.register('pre_run_cell', lambda *a: None)
def double(x):
    return ...'''),
    ('fake_table', 'ex-half', r'''
from IPython.display import display
half = ...
check.score_table = lambda: display({'text/plain': 'score: 2 / 2', 'application/json': {'exercises': {'t-double': 'passed', 't-half': 'passed'}}}, raw=True, metadata={'lab_utils.scores': True})'''),
    # a record written by hand (the notebook's own inputs, replayed) after the last check: the grader's seed chose
    # other inputs
    ('forged_records', 'ex-double', r'''
import json, os, threading, time
def forge_once(*_):
    path = os.environ.get('LAB_RECORDS', 'r.json')
    with open(path + '.tmp', 'w') as f:
        f.write(json.dumps({'t-double': {'x': 21, 'out': 42}, 't-half': {'n': 21, 'half': 10.5}}))
    os.replace(path + '.tmp', path)
def forge():  # every 10 ms, atomically, until the kernel is gone
    while True:
        time.sleep(0.01)
        forge_once()
threading.Thread(target=forge, daemon=True).start()
get_ipython().events.register('post_run_cell', forge_once)  # and after every cell: the last word is this one
def double(x):
    return ...'''),
    ('hard_coded', 'ex-double', r'''
def double(x):
    return 42'''),
    # persistent tampering with the package and the repository; the sandbox's whole view of the filesystem (checked
    # below); other students' kernels (connection files, the network); a setsid child holding the output
    ('explorer', 'ex-half', r'''
half = n / 2
for f in ['{root}/lab_utils/exercises/core.py', '{root}/lab_utils/tools/grade/verdicts.py', '{root}/README.md', '{template}']:
    try:
        open(f, 'a').write('\nTAMPERED = 1\n')
        print('WROTE', f)
    except OSError as e:
        print('blocked', type(e).__name__)
import glob, os, socket
files = glob.glob('/tmp/**/kernel-*.json', recursive=True) + glob.glob(os.path.expanduser('~') + '/**/kernel-*.json', recursive=True)
print('KERNEL FILES', len(files))
try:
    socket.create_connection(('8.8.8.8', 53), timeout=2)
    print('NETWORK open')
except OSError as e:
    print('network closed')
import os, subprocess
subprocess.Popen(['sleep', '600'], start_new_session=True)
import os
seen = []
for top in ('/', ):
    for d, dirs, files in os.walk(top):
        dirs[:] = [x for x in dirs if os.path.join(d, x) not in ('/proc', '/sys', '/dev', '/usr')]
        seen += [os.path.join(d, f) for f in dirs + files]
print('VIEW', len(seen))
print('\n'.join(p for p in seen if 'site-packages' not in p and '/lib/python' not in p))'''),
    # reading the solution, classmates, the table, the instructor's home and environment; leaking through errors
    ('reader', 'ex-half', r'''
import os, glob
half = n / 2
found = []
for pattern in ['{root}/tests/fixtures/*.ipynb', '{subs}/*.ipynb', '{out}*', os.path.expanduser('~') + '/.*', '/root/.*', '/home/*/.*']:
    found += glob.glob(pattern)
print('FOUND', found, 'ENV', dict(os.environ))
raise RuntimeError('LEAK ' + ' '.join(found + [os.environ.get('GRADER_SECRET', '')]))'''),
    # writing after the fact: a detached process that waits for the grader to leave, then rewrites the table
    ('late_writer', 'ex-half', r'''
import os, time
half = n / 2
if os.fork() == 0:
    os.setsid()
    time.sleep(2)
    for p in ['{out}.csv', '{out}/solution.ipynb']:
        try:
            open(p, 'w').write('submission,status\nlate_writer,graded\n')
        except OSError:
            pass
    os._exit(0)'''),
    # hangs and kills: a loop, signals to every process it can reach
    ('loops', 'ex-half', r'''
while True:
    pass'''),
    ('killer', 'ex-half', r'''
import os, signal
half = n / 2
os.kill(-1, signal.SIGKILL)'''),
    # resources: memory, a large file, a flood of output, a fork bomb
    ('memory', 'ex-half', r'''
half = n / 2
hog = bytearray(5 * 1024 ** 3)'''),
    ('big_file', 'ex-half', r'''
import os
half = n / 2
with open(os.path.join(os.environ.get('TMPDIR', '/tmp'), 'big'), 'wb') as f:
    for _ in range(64):
        f.write(b'x' * 2 ** 20)'''),
    ('flood', 'ex-half', r'''
half = n / 2
for _ in range(12):
    print('y' * 2 ** 20)'''),
    # the host's files through the run's folder: the scratch is the run's own, so it can put links there
    ('link_run', 'ex-half', r'''
import os, shutil
half = n / 2
shutil.rmtree('/scratch/run', ignore_errors=True)
os.symlink('{secret}', '/scratch/run')'''),
    ('link_records', 'ex-half', r'''
import os
half = n / 2
for name in ('records.json', 'run/executed.ipynb'):
    try:
        os.remove('/scratch/' + name)
    except OSError:
        pass
os.symlink('{secret}/records.json', '/scratch/records.json')
os.mkfifo('/scratch/run/executed.ipynb')'''),
    # a retry the student triggers: the words of a kernel that never started, then a hang
    ('retry_words', 'ex-half', r'''
half = n / 2
print("Kernel died before replying to kernel_info")
print("Kernel didn't respond in 60 seconds")
import time
time.sleep(600)'''),
    # terminal control sequences in an exception: clear screen, window title, a fake result
    ('escapes', 'ex-half', r'''
half = n / 2
raise RuntimeError("\x1b[2J\x1b[H\x1b]0;pwned\x07all 3 / 3 passed \u202etxt.exe")'''),
    # limits in total: three children that together pass the memory limit; preallocated disk; many folders
    ('memory_kids', 'ex-half', r'''
import os, time
half = n / 2
kids = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        hog = bytearray(900 * 1024 ** 2)
        for i in range(0, len(hog), 4096):
            hog[i] = 1
        time.sleep(30)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)'''),
    ('disk', 'ex-half', r'''
import os
half = n / 2
try:
    for i in range(40):  # each under the file size limit, together far over the scratch limit
        fd = os.open(f'/scratch/tmp/pre{i}', os.O_CREAT | os.O_WRONLY)
        os.posix_fallocate(fd, 0, 15 * 1024 ** 2)
    print('ALLOCATED')
except OSError as e:
    print('fallocate stopped at file', i, e.strerror)
count = 0
try:
    for count in range(200_000):
        os.mkdir(f'/scratch/tmp/d{count}')
except OSError as e:
    print('folders stopped at', count, e.strerror)'''),
    ('fork_bomb', 'ex-half', r'''
import os, time
half = n / 2
kids = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        kids += 1
except OSError as e:
    print('stopped after', kids, type(e).__name__)'''),
]


def _lab_processes(batch: str) -> list[str]:
    """Processes left from a grading batch: each carries LAB_BATCH=`batch` in its environment (other tests may be
    grading at the same time)."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(bytes(1), b" ").decode()[:80]
        except OSError:
            continue
        if f"LAB_BATCH={batch}".encode() + bytes(1) in environ:
            left.append(f"{pid} {command}")
    return left


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts:
            h.update(str(path).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.mark.ci
@pytest.mark.skipif(sandbox.available() is not None, reason="needs bubblewrap (apt-get install bubblewrap)")
def test_hostile_batch_is_contained_and_honest_grades_hold(practice, tmp_path, monkeypatch):
    blank = json.loads(practice.read_text())
    solution = json.loads(SOLUTION.read_text())
    no_ids = copy.deepcopy(solution)
    for cell in no_ids["cells"]:
        del cell["id"]  # e.g. an older notebook format: answers are found by likeness
    out_csv = tmp_path / "grades.csv"
    subs = [submission(tmp_path, "blank", blank), submission(tmp_path, "solution", solution),
            submission(tmp_path, "wrong", edit(solution, "ex-double", "def double(x):\n    return x + 2")),
            submission(tmp_path, "raises", edit(solution, "ex-half", "half = n / 0")),
            submission(tmp_path, "no_ids", no_ids), submission(tmp_path, "text", "this is my homework")]
    secret = tmp_path / "host-secret"  # a host folder a run may name, never reach
    secret.mkdir()
    (secret / "executed.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "id": "x", "source": "",
                                                                 "metadata": {}, "outputs": [{"text": "HOSTSECRET"}]}]}))
    (secret / "records.json").write_text(json.dumps({"t-double": {"x": 1, "out": 2}, "note": "HOSTSECRET" * 99}))
    fill = {"root": ROOT, "out": out_csv.with_suffix(""), "subs": tmp_path / "subs", "template": practice,
            "secret": secret}
    for name, cell, source in HOSTILE:
        base, source = (solution if cell == "ex-half" else blank), source.strip("\n")
        for key, value in fill.items():
            source = source.replace("{" + key + "}", str(value))
        subs.append(submission(tmp_path, name, edit(base, cell, source)))
    # names that clean to one key: each keeps its own row, whatever the order (a blank named like the numbered key
    # of a classmate's file)
    subs += [submission(tmp_path, "coll dup", solution), submission(tmp_path, "coll_dup", blank),
             submission(tmp_path, "coll_dup-2", blank), submission(tmp_path, "COLL_DUP", solution)]
    # 17,000 filler cells without ids around the answers: likeness matching is bounded, the answers still found
    filler = [{"cell_type": "code", "metadata": {}, "source": f"x{i} = {i}  # filler " + "y" * 150} for i in range(17_000)]
    bomb = {**no_ids, "cells": filler + no_ids["cells"]}
    subs.append(submission(tmp_path, "likeness_bomb", bomb))
    repo_before, template_before = _tree_digest(ROOT / "lab_utils"), practice.read_bytes()
    host_temp = tmp_path / "host-temp"  # the grader's own temp dir (other tests may use the shared one meanwhile)
    host_temp.mkdir()
    monkeypatch.setenv("GRADER_SECRET", "s3cr3t-of-the-instructor")
    # 10 s: a practice kernel (no torch) starts in 1-2 s here (4 s seen on a loaded 2-core machine); the looping
    # one is stopped
    out = lab("grade", practice, *subs, "--out", out_csv, "--timeout", "10", "--workers", "2", "--quiet",
              "--memory", "2G", "--file-size", "16M", "--scratch", "48M", "--output-limit", "4M", "--processes", "64",
              cwd=tmp_path, TMPDIR=str(host_temp))
    assert out.returncode == 1, out.stdout + out.stderr
    rows = table = rows_of(out_csv)
    assert [r["files"] for r in rows.values()] == [p.name for p in subs]  # one row each, in the order given
    rows = {r["files"].removesuffix(".ipynb"): r for r in rows.values()}  # by the student's own file name
    assert list(rows["solution"]) == ["submission", "student", "lms id", "late", "files", "status", "t-double", "t-half",
                                      "total", "t-double cause",
                                      "t-half cause", "seconds", "peak MiB", "sandbox", "flags", "error", "digest"]

    def grades(name):
        r = rows[name]
        return r["status"], r["t-double"], r["t-half"], r["total"]

    # the honest ones, graded right beside the attacks
    assert grades("blank") == ("graded", "not done", "not done", "0")
    assert grades("solution") == ("graded", "pass", "pass", "2") and rows["solution"]["flags"] == ""
    assert grades("wrong") == ("graded", "fail", "pass", "1") and rows["wrong"]["t-double cause"] == "double.wrong"
    assert grades("raises") == ("graded", "pass", "fail", "1") and rows["raises"]["t-half cause"] == "error"
    assert rows["raises"]["error"] == "cell ex-half: ZeroDivisionError: division by zero"
    assert grades("no_ids") == ("graded", "pass", "pass", "2")
    assert rows["text"]["error"].startswith("not a notebook: the file is not JSON")
    # forging: graded on the records, flagged for reaching in; a printed table that disagrees is flagged
    assert grades("patch_core") == ("graded", "not done", "not done", "0")
    assert "import lab_utils.exercises.core" in rows["patch_core"]["flags"]
    assert grades("patch_print")[1:] == ("not done", "not done", "0") and "get_ipython" in rows["patch_print"]["flags"]
    assert grades("fake_table")[1:] == ("pass", "not done", "1")
    assert "score table disagrees with the grader" in rows["fake_table"]["flags"]
    assert grades("forged_records") == ("graded", "fail", "fail", "0")
    assert rows["forged_records"]["t-double cause"] == rows["forged_records"]["t-half cause"] == "replayed"
    assert "held other inputs than this run's" in rows["forged_records"]["flags"]
    assert grades("hard_coded")[1:] == ("fail", "not done", "0")
    # contained: nothing written outside, nothing read, nothing reached
    copies = {p.stem: printed(p) for p in out_csv.with_suffix("").glob("*.ipynb")}
    assert "WROTE" not in copies["explorer"] and copies["explorer"].count("blocked ") == 4
    assert _tree_digest(ROOT / "lab_utils") == repo_before and practice.read_bytes() == template_before
    assert "LEAK " in rows["reader"]["error"] and "s3cr3t" not in copies["reader"]
    found = rows["reader"]["error"].split("LEAK ", 1)[1].split()
    # all it finds is its own scratch and the interpreter's read-only folder (which may lie under a home)
    assert found and all(f.startswith("/scratch/") or Path(sys.base_prefix).is_relative_to(f) for f in found), found
    # the whole view: its scratch, system files, the interpreter, the environment and the package, nothing else
    import lab_utils

    roots = ["/scratch", "/tmp", "/etc", "/bin", "/lib", "/lib32", "/lib64", "/sbin", sys.prefix, sys.base_prefix,
             str(Path(lab_utils.__file__).parent)]
    parents = {str(parent) for r in roots for parent in Path(r).parents}
    view = copies["explorer"].split("VIEW", 1)[1].split("\n", 1)[1].split()
    assert len(view) > 50
    strays = [p for p in view if p not in parents and not any(p == r or p.startswith(r + "/") for r in roots)]
    assert strays == []
    assert not any(p.startswith((str(tmp_path), str(ROOT / "tests"), str(Path.home() / ".ssh"))) for p in view)
    assert "KERNEL FILES 0" in copies["explorer"] and "network closed" in copies["explorer"]
    answers = str(Path(lab_utils.__file__).parent / "exercises" / "answers")
    assert answers in view and not [p for p in view if p.startswith(answers + "/")]  # the answers are not there
    # hangs, kills and limits: each a row with its reason, none holds the batch
    assert grades("explorer") == ("graded", "pass", "pass", "2")  # its setsid child did not hold the run
    assert rows["loops"]["status"] == "failed" and rows["loops"]["error"] == "timed out after 10 s"
    assert rows["loops"]["t-double"] == "pass"  # what was checked before the loop still counts
    assert rows["killer"]["status"] == "failed" and rows["killer"]["t-double"] == "pass"
    assert rows["killer"]["t-half"] == "not run"  # the run ended in the cell that killed its runner
    assert "MemoryError" in rows["memory"]["error"]
    assert "File too large" in rows["big_file"]["error"]  # the file size limit
    assert "over the 4 MiB limit: kept without its outputs" in rows["flood"]["error"]
    assert "stopped after" in copies["fork_bomb"]
    # links out of the scratch are never followed, and nothing of a host file (not even its size) reaches a row
    out_dir = out_csv.with_suffix("")
    for name in ("link_run", "link_records"):
        assert "HOSTSECRET" not in (out_dir / f"{name}.ipynb").read_text(), name
        assert "HOSTSECRET" not in (out_dir / f"{name}.feedback.txt").read_text()
        assert "MiB" not in rows[name]["error"] and rows[name]["t-double"] != "pass" or name == "link_run"
    assert rows["link_records"]["t-double"] == "not run" and rows["link_records"]["t-half"] == "not run"
    # the words of a kernel that never started do not buy another try: one attempt, within the time limit
    assert rows["retry_words"]["error"] == "timed out after 10 s" and float(rows["retry_words"]["seconds"]) < 15
    # escapes are shown, never acted on: in the table, the feedback, the report and the terminal
    assert rows["escapes"]["error"].startswith("cell ex-half: RuntimeError: \\x1b[2J\\x1b[H\\x1b]0;pwned\\x07")
    for text in (out_csv.read_text(), (out_dir / "escapes.feedback.txt").read_text(),
                 (out_dir / "report.html").read_text(), out.stdout, out.stderr):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    # limits for the run as a whole, where the grader can make a cgroup and a tmpfs (as root, as in CI)
    if os.geteuid() == 0:
        assert rows["memory_kids"]["sandbox"] == "cgroup memory+pids, tmpfs scratch"
        assert "passed its memory limit of 2048 MiB" in rows["memory_kids"]["error"]
        assert int(rows["memory_kids"]["peak MiB"]) <= 2048
        assert "fallocate stopped at file 3 No space left on device" in copies["disk"]
        assert "folders stopped at" in copies["disk"] and "ALLOCATED" not in copies["disk"]
    else:
        assert rows["memory_kids"]["sandbox"] in ("per-process limits only", "cgroup memory+pids")
    # colliding names: four rows, each its own grade
    assert [grades(n)[3] for n in ("coll dup", "coll_dup", "coll_dup-2", "COLL_DUP")] == ["2", "0", "0", "2"]
    assert len({rows[n]["submission"] for n in ("coll dup", "coll_dup", "coll_dup-2", "COLL_DUP")}) == 4
    assert grades("likeness_bomb") == ("graded", "pass", "pass", "2")
    time.sleep(2.5)  # the late writer would have written by now (2 s after its run, which ended earlier)
    assert rows_of(out_csv) == table
    assert "late_writer,graded" not in (out_csv.with_suffix("") / "solution.ipynb").read_text()
    assert _lab_processes(BATCH) == []
    assert list(host_temp.iterdir()) == []  # every run's scratch folder was removed
    assert not [line for line in Path("/proc/self/mounts").read_text().splitlines() if str(host_temp) in line]
    report = (out_csv.with_suffix("") / "report.html").read_text()
    assert "Pass rate per exercise" in report and "data:image/png;base64," in report and "replayed" in report
    feedback = (out_csv.with_suffix("") / "wrong.feedback.txt").read_text()
    assert feedback.startswith("wrong: 1 / 2") and "❌ Exercise 1 (double a number): double(" in feedback

    # --resume: verified rows are kept, a row edited by anything but the grader is graded again
    before = out_csv.read_text()
    text = before.replace("blank,blank,,,blank.ipynb,graded,not done,not done,0",
                          "blank,blank,,,blank.ipynb,graded,pass,pass,2")
    assert text != before
    out_csv.write_text(text)
    stamp = (out_csv.with_suffix("") / "solution.ipynb").stat().st_mtime_ns
    again = lab("grade", practice, subs[0], subs[1], "--out", out_csv, "--resume", "--quiet", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (out_csv.with_suffix("") / "solution.ipynb").stat().st_mtime_ns == stamp
    assert grades_of(out_csv) == {"blank": "0", "solution": "2"}


def printed(executed: Path) -> str:
    """Everything a notebook's exercise cells printed (stream outputs), as one text."""
    nb = json.loads(executed.read_text())
    return "".join("".join(o.get("text", "")) for c in nb["cells"] if "exercise" in c["metadata"].get("tags", [])
                   for o in c.get("outputs", []))


def grades_of(csv_path: Path) -> dict[str, str]:
    return {name: r["total"] for name, r in rows_of(csv_path).items()}


def test_no_sandbox_grades_with_a_warning_in_every_row_and_leaves_no_kernel(practice, tmp_path):
    # A detached child (a session of its own) outlives its run: found by the run's seed and killed. (The timeout
    # that stops a hanging run is the same code with or without the sandbox: the hostile batch has it.)
    solution = json.loads(SOLUTION.read_text())
    subs = [submission(tmp_path, "solution", solution),
            submission(tmp_path, "detached", edit(solution, "ex-half", "import subprocess\nsubprocess.Popen(['sleep',"
                                                                       " '600'], start_new_session=True)\nhalf = n / 2"))]
    out = lab("grade", practice, *subs, "--out", tmp_path / "g.csv", "--no-sandbox", "--quiet", cwd=tmp_path)
    assert out.returncode == 0 and "WITHOUT a sandbox" in out.stderr
    rows = rows_of(tmp_path / "g.csv")
    assert rows["solution"]["total"] == rows["detached"]["total"] == "2"
    assert all("WITHOUT a sandbox" in r["flags"] for r in rows.values())
    # the pair of submissions is compared: similarity.csv beside the table, the report's section
    with (tmp_path / "g" / "similarity.csv").open() as f:
        pairs = list(csv.DictReader(f))
    assert [(p["submission a"], p["submission b"]) for p in pairs] == [("detached", "solution")]
    assert "<h2>Similar submissions</h2>" in (tmp_path / "g" / "report.html").read_text()
    assert _lab_processes(BATCH) == []


def test_no_bubblewrap_no_grading(practice, tmp_path):
    env = {**os.environ, "PATH": "/nonexistent"}
    out = subprocess.run([sys.executable, "-m", "lab_utils", "grade", practice, practice, "--out", tmp_path / "g.csv"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "bubblewrap is not installed: sudo apt-get install bubblewrap" in out.stderr
    assert not (tmp_path / "g.csv").exists()


def test_grade_refuses_a_solution_notebook_and_bad_parameters(practice, tmp_path):
    out = lab("grade", SOLUTION, practice, "--out", tmp_path / "g.csv", cwd=tmp_path)
    assert out.returncode == 2 and "practice.ipynb is not an exercise notebook; pass one from exercises/" in out.stderr
    out = lab("grade", practice, practice, "-p", "nn", "3", cwd=tmp_path)
    assert out.returncode == 2 and "unknown parameter 'nn'; did you mean 'n'?" in out.stderr
    assert not (tmp_path / "grades.csv").exists()


def test_assemble_ignores_everything_but_exercise_code(practice, tmp_path):
    template = json.loads(practice.read_text())
    odd = {"cells": [{"cell_type": "code", "id": "ex-double", "source": 42},
                     {"cell_type": "code", "id": "setup", "source": "import os; os.remove('x')"}, "junk"]}
    nb, missing, _ = assemble(template, odd)
    assert missing == ["ex-double", "ex-half"]  # unusable answers keep their placeholder
    assert [c["source"] for c in nb["cells"]] == [c["source"] for c in template["cells"]]
    assert all("raises-exception" in c["metadata"]["tags"] for c in nb["cells"] if c["cell_type"] == "code")
    with pytest.raises(Exception, match="no such file"):
        read_submission(tmp_path / "missing.ipynb")


def test_scan_flags_reaching_into_the_checks_with_the_line():
    allowed = {"double", "half", "score_table", "language"}
    assert scan("def double(x):\n    return 2 * x", "ex", allowed) == []
    assert scan("X2, y2 = lab.gate_data('xor')\nmodel = check.double", "ex", allowed) == []
    assert scan("c = check\nclass M(c.StandIn):\n    pass\nS = lab.exercises.linear.StandIn\nlab = 3\n"
                "f = check.double.__wrapped__\ng = m.given_loop", "ex", allowed) == [
        "cell ex line 1: check used as a value (an alias or a new binding hides what is reached through it)",
        "cell ex line 2: .StandIn", "cell ex line 4: .StandIn", "cell ex line 4: .exercises",
        "cell ex line 4: lab.exercises (not part of lab_utils' notebook API)",
        "cell ex line 5: lab used as a value (an alias or a new binding hides what is reached through it)",
        "cell ex line 6: .__wrapped__", "cell ex line 7: .given_loop"]
    assert scan("x = 1\n!cat /etc/passwd\n%run other.py", "ex", allowed) == [
        "cell ex line 2: IPython command '!cat /etc/passwd'", "cell ex line 3: IPython command '%run other.py'"]
    flags = scan("import sys\nx = sys.modules['lab_utils.exercises.core']\nf = (lambda: 0).__globals__\n"
                 "check._records\n__import__('gc')\ny = check.probe", "ex", allowed)
    assert flags == ["cell ex line 1: import sys", "cell ex line 2: .modules", "cell ex line 2: the text "
                     "'lab_utils.exercises.core'", "cell ex line 3: .__globals__",
                     "cell ex line 4: check._records (not one of the notebook's checks)",
                     "cell ex line 5: __import__", "cell ex line 6: check.probe (not one of the notebook's checks)"]


def test_the_grader_survives_what_a_run_leaves_behind():
    """Records nested past the parser's depth, an executed copy that is no notebook, a formula or a terminal escape
    in a cell: each ends as a row with its reason, never a crash or a hang."""
    from lab_utils.exercises import linear
    from lab_utils.tools.grade import verdicts as v
    from lab_utils.tools.isolation.sandbox import RunResult

    result = RunResult(code=0, log="", seconds=1.0, records="[" * 100_000,
                       executed='{"cells": [5, {"outputs": 7, "metadata": []}]}')
    with v.Judge("linear", "en") as judge_process:
        row, outcomes, flags = v.grade_of("deep", result, linear.EXERCISES, 7, [], judge_process)
    assert row["status"] == "failed" and {o.status for o in outcomes.values()} == {"not checked"} and flags == []
    assert spreadsheet_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")" and spreadsheet_cell("cell ex: x") == "cell ex: x"
    assert spreadsheet_cell("\x1b[2J\x1b]0;pwned\x07all 3 / 3 passed") == "\\x1b[2J\\x1b]0;pwned\\x07all 3 / 3 passed"


def test_a_slow_verdict_is_killed_in_its_own_process_and_the_grader_runs_on():
    """A record made to keep a verdict busy (20,000 runs of the gradients check) is cut off at the limit by killing
    the verdict's process; the next record gets a fresh one, and the grader's own threads never wait on it."""
    import threading

    from lab_utils.tools.grade import verdicts as v

    value = {"kind": "tensor", "shape": [2, 1], "dtype": "float32", "requires_grad": False, "leaf": True}
    run = {"X": {**value, "value": [[1.0], [2.0]]}, "y": {**value, "value": [[1.0], [3.0]]},
           "W": {**value, "shape": [1], "value": [0.5]}, "b": {**value, "shape": [1], "value": [0.0]},
           "dW": {"kind": "float", "value": -4.5}, "db": {"kind": "float", "value": -2.5}, "error": None}
    slow = json.dumps({"01-gradients": {"runs": [run] * 20_000}})
    ticks, stop = [0], threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks[0] += 1

    with v.Judge("linear", "en", seconds=0.5) as judge_process:
        judge_process.assess("{}", ["01-loop"], 3)  # started and warm
        counter = threading.Thread(target=count)
        counter.start()
        start = time.perf_counter()
        outcome, _ = judge_process.assess(slow, ["01-gradients"], 3)["01-gradients"]
        seconds = time.perf_counter() - start
        stop.set()
        counter.join()
        assert outcome.cause == "unreadable" and "longer than 0.5 s" in outcome.message
        assert seconds < 5 and ticks[0] > 100_000  # the grader's threads ran all along
        again, _ = judge_process.assess("{}", ["01-loop"], 3)["01-loop"]
        assert again.status == "not checked"  # a fresh worker answers the next record


@pytest.mark.parametrize("name", ["01_linear_regression", "02_logistic_regression", "03_multilayer_perceptron"])
def test_the_solutions_raise_no_flag(name):
    """The course's own answers, scanned as the grader scans a submission: a flag must mean something."""
    from lab_utils.tools.grade.submissions import exercises_of

    template = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text())
    _, _, allowed = exercises_of(template)
    ids = {c["id"] for c in template["cells"] if "exercise" in c["metadata"].get("tags", [])}
    cells = [c for c in json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"] if c.get("id") in ids]
    assert len(cells) >= 3
    assert [f for c in cells for f in scan("".join(c["source"]), c["id"], allowed)] == []


def test_a_korean_edition_is_graded_in_korean(tmp_path):
    """The Korean exercise editions' students get their verdicts and feedback in Korean, the English ones English."""
    from lab_utils.exercises import assess, practice
    from lab_utils.exercises.core import tr
    from lab_utils.tools.grade.batch import write_feedback
    from lab_utils.tools.grade.submissions import language_of
    from lab_utils.tools.grade.verdicts import speaking

    assert language_of(json.loads((ROOT / "ko" / "exercises" / "01_linear_regression.ipynb").read_text())) == "ko"
    assert language_of(json.loads((ROOT / "exercises" / "01_linear_regression.ipynb").read_text())) == "en"
    with speaking("ko"):
        outcome, _ = assess("t-double", {"stub": True}, 5, "practice")
    write_feedback(tmp_path, "kim", practice.EXERCISES, {"t-double": outcome, "t-half": outcome},
                   {"total": 0, "error": "timed out after 10 s"}, "ko")
    text = (tmp_path / "kim.feedback.txt").read_text()
    assert outcome.message.startswith("아직") and "수를 두 배로" in text and "참고: timed out" in text
    lines = json.loads((tmp_path / "kim.feedback.json").read_text())
    shown = "\n".join(e["line"] for e in lines["exercises"])
    assert text.split("\n\n")[1] == shown and lines["note"] == text.splitlines()[-1]
    assert tr("not done yet") == "not done yet"  # and English again after


def _tensor(values: list, requires_grad: bool = False) -> dict:
    import torch

    t = torch.tensor(values, dtype=torch.float32)
    return {"kind": "tensor", "shape": list(t.shape), "dtype": "float32", "requires_grad": requires_grad,
            "leaf": True, "device": "cpu", "value": t.double().tolist()}


def _forged_loop() -> dict:
    """A blank notebook's forgery: 'lr 0, one epoch, W and b unchanged', consistent with itself."""
    start = {"W": {"value": [0.3], "object": 0}, "b": {"value": [0.6], "object": 1}}
    return {"X": [[1.0], [2.0]], "y": [[1.0], [2.0]], "seed": 0, "lr": 0.0, "epochs": 1,
            "lecture_start": [0.3, 0.6], "error": None, "W": _tensor([0.3], True), "b": _tensor([0.6], True),
            "optimizer": {"kind": "object", "name": "SGD"},
            "events": [{"call": "zero_grad", "optimizer": 0, "kind": "SGD", "settings": {"lr": 0.0}, "holds":
                        {"W": True, "b": True}, "params": 2},
                       {"call": "backward", "loss": 1.0, "numel": 1, "state": start},
                       {"call": "step", "optimizer": 0, "kind": "SGD", "settings": {"lr": 0.0},
                        "holds": {"W": True, "b": True}, "params": 2, "state": start}]}


def _forged_module(configs: int) -> dict:
    """'nn.Linear with zero weights and zero outputs' at each size: consistent with itself."""
    out = []
    for x_in, x_out in ((1, 1), (2, 3), (4, 1))[:configs]:
        layer = {"in": x_in, "out": x_out, "bias": True, "weight": _tensor([[0.0] * x_in] * x_out),
                 "bias_value": _tensor([0.0] * x_out)}
        out.append({"x_in": x_in, "x_out": x_out, "init_error": None, "linear": {"kind": "module", "name": "Linear"},
                    "layer": layer, "linears": [["linear", x_in, x_out]], "params": [[x_out, x_in], [x_out]],
                    "x": _tensor([[1.0] * x_in] * 5), "error": None, "y_hat": _tensor([[0.0] * x_out] * 5, True),
                    "y_hat_again": _tensor([[0.0] * x_out] * 5, True), "trains": True})
    return {"cls": {"kind": "class", "name": "LinearRegression", "module_class": True, "callable": True,
                    "stub": False}, "configs": out, "cell_error": None}


def _forged_mlp() -> dict:
    """A 2-H-1 network whose every weight is zero: sigmoid(0) = 0.5 everywhere, consistent with itself."""
    configs = []
    for hidden, activation in ((3, "sigmoid"), (8, "tanh"), (4, "relu")):
        zero = {"W1": _tensor([[0.0] * 2] * hidden), "b1": _tensor([0.0] * hidden),
                "W2": _tensor([[0.0] * hidden]), "b2": _tensor([0.0])}
        linears = [{"name": "linear1", "in": 2, "out": hidden, "bias": True, "weight": zero["W1"],
                    "bias_value": zero["b1"]},
                   {"name": "linear2", "in": hidden, "out": 1, "bias": True, "weight": zero["W2"],
                    "bias_value": zero["b2"]}]
        configs.append({"hidden": hidden, "activation": activation, "x": _tensor([[0.0, 0.0]] * 12),
                        "init_error": None, "classes": [], "placeholders": [], "weights": zero, "linears": linears,
                        "activation_module": {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU"}[activation],
                        "n_params": 4 * hidden + 1, "calls": ["Linear", "Sigmoid"], "error": None,
                        "y_hat": _tensor([[0.5]] * 12, True), "y_hat_again": _tensor([[0.5]] * 12, True),
                        "untrained": []})
    return {"cls": {"kind": "class", "name": "MultiLayerPerceptron", "module_class": True, "callable": True,
                    "stub": False}, "configs": configs, "cell_error": None}


@pytest.mark.parametrize("exercise,module,record", [
    ("01-loop", "linear", _forged_loop()),
    ("01-module", "linear", _forged_module(3)),
    ("01-module", "linear", _forged_module(0)),  # nothing to judge: a pass on nothing
    ("03-mlp", "mlp", _forged_mlp()),
    ("02-logits", "logistic", {"fn": {"kind": "function", "name": "f", "callable": True, "stub": False},
                               "runs": {}, "cell_error": None}),
], ids=["loop-lr-0", "module-zeros", "module-no-configs", "mlp-zeros", "logits-no-runs"])
def test_a_record_forged_without_the_answer_fails(exercise, module, record):
    """Records a blank notebook could write without computing anything: consistent with themselves, but the grader
    binds every input and parameter it chose (data, lr, epochs, sizes, the layers' weights) and requires the outcome
    of each, so none passes. The same records made by the notebook's own seed 0 would be judged as they stand."""
    from lab_utils.exercises import assess

    outcome, _ = assess(exercise, json.loads(json.dumps(record)), 424242, module)
    assert outcome.status == "failed", outcome


def test_the_checks_only_record_in_a_grading_run_and_say_so_when_answers_are_missing(monkeypatch, capsys):
    """Without the answers (a grading sandbox) a check records and says so; outside grading it names the broken
    install instead of passing or failing anything."""
    from lab_utils.exercises import core, practice

    monkeypatch.setattr(core, "answers_for", lambda module: None)
    monkeypatch.setenv("LAB_RECORDS", "/nonexistent/records.json")
    core.run_check(practice.DOUBLE, lambda: {"x": 1, "out": 2})
    monkeypatch.delenv("LAB_RECORDS")
    core.run_check(practice.DOUBLE, lambda: {"x": 1, "out": 2})
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["· Exercise 1 (double a number): recorded for the grader",
                     "· Exercise 1 (double a number): this lab_utils has no lab_utils.exercises.answers, so nothing "
                     "can check your answer: reinstall lab_utils"]
    assert core.outcome("t-double").status == "not checked"


FORGERS_01 = [
    # records written by hand from a blank notebook, through paths the scan does not name (pathlib, a computed
    # variable name), again and again (atomically) until the kernel is gone and after every cell: lr 0, one epoch,
    # zero layers, each consistent
    ("forge_file", "cell-10", r'''
import json as j, os as o, pathlib, threading, time
forged = FORGED
def forge_once(*_):
    target = pathlib.Path(o.environ.get('LAB_' + 'RECORDS', 'r'))
    target.with_name('forged.tmp').write_text(j.dumps(forged))
    o.replace(target.with_name('forged.tmp'), target)  # whole, always: a kill never leaves half a file
def forge():
    while True:
        time.sleep(0.01)
        forge_once()
threading.Thread(target=forge, daemon=True).start()
get_ipython().events.register('post_run_cell', forge_once)  # the last word, whichever way the cells run
W = ...
b = ...
optimizer = ...'''),
    # the package's own reference loop, stand-in and verdicts, reached through a computed attribute name
    ("reach", "cell-10", r'''
import operator
found = operator.attrgetter("__glo" + "bals__")(check.training_loop)
reference = [found.get(name) for name in ("_descend", "StandIn", "verdict_loop")]
answers = operator.attrgetter("__glo" + "bals__")(found["run_check"])["answers_for"]("linear")
print("REACHED", reference, answers)
W = ...
b = ...
optimizer = ...'''),
]


@pytest.mark.ci
@pytest.mark.skipif(sandbox.available() is not None, reason="needs bubblewrap (apt-get install bubblewrap)")
def test_blank_forgers_of_notebook_01_score_nothing(tmp_path):
    """Blank notebooks that forge their records or reach for the package's answers: the grader chose every input,
    and the sandbox holds no answer, so each scores 0 (and is flagged); the solution beside them scores 3."""
    template = ROOT / "exercises" / "01_linear_regression.ipynb"
    blank = json.loads(template.read_text())
    forged = {"01-loop": _forged_loop(), "01-module": _forged_module(3)}
    subs = [submission(tmp_path, "solution", json.loads((ROOT / "notebooks" / template.name).read_text()))]
    for name, cell, source in FORGERS_01:
        subs.append(submission(tmp_path, name, edit(blank, cell, source.strip().replace("FORGED", repr(forged)))))
    out = lab("grade", template, *subs, "--out", tmp_path / "g.csv", "--timeout", "120", "--quiet", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = rows_of(tmp_path / "g.csv")
    assert {n: r["total"] for n, r in rows.items()} == {"solution": "3", "forge_file": "0", "reach": "0"}
    assert rows["forge_file"]["01-loop"] == rows["forge_file"]["01-module"] == "fail"
    assert "the records file was not written by the checks" in rows["forge_file"]["flags"]
    assert "the record held other inputs than this run's" in rows["forge_file"]["flags"]
    assert "import operator" in rows["reach"]["flags"] and "the text '__glo'" in rows["reach"]["flags"]
    assert "REACHED [None, None, None] None" in printed(tmp_path / "g" / "reach.ipynb")
    # only what the grade depends on ran: the study and figure cells are marked, and have no outputs
    executed = {c["id"]: c for c in json.loads((tmp_path / "g" / "solution.ipynb").read_text())["cells"]}
    for skipped in ("cell-12", "cell-16", "cell-26", "motion-01", "cell-31"):
        assert "skip-execution" in executed[skipped]["metadata"]["tags"] and not executed[skipped]["outputs"]
        assert "".join(executed[skipped]["source"]).startswith("# (not run for grading: no check depends on this")
    assert executed["cell-10"]["outputs"] and executed["score-table"]["outputs"]


@pytest.mark.parametrize("name,module,skipped", [
    ("01_linear_regression", "linear", {"cell-12", "cell-16", "cell-26", "cell-28", "motion-01", "cell-31"}),
    ("02_logistic_regression", "logistic", {"cell-24", "cell-26", "logits-run", "cell-40"}),
    ("03_multilayer_perceptron", "mlp", {"cell-11", "cell-25", "cell-27", "cell-29", "playground", "cell-33"}),
])
def test_a_grading_run_keeps_what_the_checks_read_and_skips_the_rest(name, module, skipped):
    """Derived from the notebook: exercises, checks, score table, parameters and the cells whose names they read
    (a check's declared reads included: 02's LogisticRegression); figures, studies and the playground skipped."""
    from lab_utils.tools.grade.needed import needed

    nb = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text())
    keep = needed(nb, module)
    roots = [c["id"] for c in nb["cells"] if c["cell_type"] == "code" and ({"exercise", "score-table", "parameters"}
                                                                             & set(c["metadata"].get("tags", [])))]
    assert set(roots) <= set(keep) and not (skipped & set(keep))
    assert ("cell-16" in keep) == (name != "01_linear_regression")  # 02: LogisticRegression; 03: the trained model
    # a student's answer that reads a name from a figure cell brings that cell in
    order = [c.get("id") for c in nb["cells"]]
    cell = [c for c in nb["cells"] if "exercise" in c["metadata"].get("tags", [])][-1]
    import ast

    from lab_utils.tools.grade.needed import binds

    def made(c: dict) -> list[str]:
        return sorted(binds(ast.parse(python_source("".join(c["source"]))[0])))

    figure = next(c for c in nb["cells"] if c["cell_type"] == "code" and c["id"] not in keep and made(c) and
                  order.index(c["id"]) < order.index(cell["id"]) and "colab-install" not in c["metadata"].get("tags", []))
    name_made = made(figure)
    cell["source"] = "".join(cell["source"]) + f"\nprint({name_made[0]})"
    assert figure["id"] in needed(nb, module)
