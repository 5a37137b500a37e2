"""`lab grade` on the fixture practice notebook: honest grades, and untrusted submissions never stop the batch."""

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lab_utils.nbfile import dump_notebook
from lab_utils.tools.editions import exercise_edition
from lab_utils.tools.grade import assemble, read_submission

from .conftest import ROOT

pytestmark = pytest.mark.slow
SOLUTION = ROOT / "tests" / "fixtures" / "practice.ipynb"


def lab(*args, cwd):
    return subprocess.run([sys.executable, "-m", "lab_utils", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def practice(tmp_path) -> Path:
    """The exercise edition of the fixture, as `lab editions` makes it."""
    path = tmp_path / "practice.ipynb"
    path.write_text(dump_notebook(exercise_edition(json.loads(SOLUTION.read_text()), path, SOLUTION.name)))
    return path


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


def test_grade_a_class_of_submissions(practice, tmp_path):
    blank = json.loads(practice.read_text())
    solution = json.loads(SOLUTION.read_text())
    no_ids = copy.deepcopy(solution)
    for cell in no_ids["cells"]:
        del cell["id"]  # e.g. an older notebook format: answers are found by likeness
    forged = copy.deepcopy(blank)
    forged["cells"] = [c for c in forged["cells"] if not c.get("id", "").startswith("check-")]
    forged["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": "print('✅ Exercise 1 (double a number): passed')"})
    subs = [
        submission(tmp_path, "blank", blank),
        submission(tmp_path, "solution", solution),
        submission(tmp_path, "wrong", edit(solution, "ex-double", "def double(x):\n    return x + 2")),
        submission(tmp_path, "raises", edit(solution, "ex-half", "half = n / 0")),
        submission(tmp_path, "no_ids", no_ids),
        submission(tmp_path, "forged", forged),
        submission(tmp_path, "loops", edit(solution, "ex-half", "while True:\n    pass")),
        submission(tmp_path, "crashes", edit(solution, "ex-half", "import os\nos._exit(3)")),
        submission(tmp_path, "text", "this is my homework"),
        submission(tmp_path, "list", "[1, 2, 3]"),
    ]
    out_csv = tmp_path / "grades.csv"
    # 15 s: a kernel starts in 2-4 s on a loaded 2-core machine, and 8 s were seen when the machine ran slow; the
    # looping one is stopped
    out = lab("grade", practice, *subs, "--out", out_csv, "--timeout", "15", "--workers", "2", "--quiet",
              cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr  # some submissions could not be graded
    assert "10 submissions: 6 graded, 4 could not be graded" in out.stdout
    rows = rows_of(out_csv)
    assert list(rows) == [p.stem for p in subs]  # one row each, in the order given
    assert list(next(iter(rows.values()))) == ["submission", "status", "t-double", "t-half", "total", "seconds",
                                               "error"]

    def grades(name):
        r = rows[name]
        return r["status"], r["t-double"], r["t-half"], r["total"]

    assert grades("blank") == ("graded", "not done", "not done", "0")
    assert grades("solution") == ("graded", "pass", "pass", "2")
    assert grades("wrong") == ("graded", "fail", "pass", "1")
    assert grades("raises") == ("graded", "pass", "fail", "1")
    assert rows["raises"]["error"] == "cell ex-half: ZeroDivisionError: division by zero"
    assert grades("no_ids") == ("graded", "pass", "pass", "2")
    assert grades("forged") == ("graded", "not done", "not done", "0")  # checks come from the template
    assert grades("loops")[:1] == ("failed",) and rows["loops"]["error"] == "timed out after 15 s"
    assert grades("crashes")[0] == "failed" and "the kernel died" in rows["crashes"]["error"]
    assert rows["text"]["error"].startswith("not a notebook: the file is not JSON")
    assert rows["list"]["error"] == "not a notebook: the JSON has no list of cells"
    assert (tmp_path / "grades" / "solution.ipynb").is_file()  # executed copies for the instructor
    assert not list(tmp_path.glob(".grades.csv.*"))  # the table was written atomically

    # --resume: graded submissions are skipped, the others are tried again.
    stamp = (tmp_path / "grades" / "solution.ipynb").stat().st_mtime_ns
    again = lab("grade", practice, subs[1], subs[8], "--out", out_csv, "--resume", "--quiet", cwd=tmp_path)
    assert again.returncode == 1 and (tmp_path / "grades" / "solution.ipynb").stat().st_mtime_ns == stamp
    assert list(rows_of(out_csv)) == ["solution", "text"]


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
    nb, missing = assemble(template, odd)
    assert missing == ["ex-double", "ex-half"]  # unusable answers keep their placeholder
    assert [c["source"] for c in nb["cells"]] == [c["source"] for c in template["cells"]]
    assert all("raises-exception" in c["metadata"]["tags"] for c in nb["cells"] if c["cell_type"] == "code")
    with pytest.raises(Exception, match="no such file"):
        read_submission(tmp_path / "missing.ipynb")
