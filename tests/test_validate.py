"""`lab validate`: a student's notebook graded exactly as `lab grade` grades it, and what a fresh run changes."""

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lab_utils.errors import LabError
from lab_utils.tools.grade.validate import differences, out_of_order, template_for, validate
from lab_utils.tools.isolation import sandbox

from . import cells
from .conftest import PRACTICE as SOLUTION
from .conftest import ROOT

pytestmark = pytest.mark.slow


def saved(template: Path, answers: dict[str, str], order: list[str], path: Path) -> Path:
    """A notebook as a student saves it: the answers typed in, the cells executed in a real kernel in `order`."""
    nb = nbformat.reads(template.read_text(), as_version=4)
    by_id = {c.id: c for c in nb.cells}
    for cell_id, code in answers.items():
        by_id[cell_id].source = code
    client = NotebookClient(nb, kernel_name="python3", timeout=60)
    with client.setup_kernel():
        for cell_id in order:
            index = next(i for i, c in enumerate(nb.cells) if c.get("id") == cell_id)
            client.execute_cell(nb.cells[index], index)
    path.write_text(nbformat.writes(nb))
    return path


@pytest.mark.ci  # a kernel run and a graded run: with the sandboxed batches (make test-ci)
def test_an_answer_that_passed_only_out_of_order_is_found_and_graded_as_the_grader_does(practice, tmp_path):
    # `k` is defined in the exercise cell below the one that uses it: run in that order, the notebook passed
    answers = {"ex-double": "def double(x):\n    return k * x", "ex-half": "half = n / 2\nk = 2"}
    order = ["params", "setup", "ex-half", "ex-double", "check-double", "check-half", "score"]
    path = saved(practice, answers, order, tmp_path / "mine.ipynb")
    out = cells.lab("validate", path, "--template", practice, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "mine: 1 / 2" in out.stdout
    assert "NameError: name 'k' is not defined" in out.stdout
    assert ("cells ran out of order: the cell `half = n / 2` ran as In [3], before the cell above it, "
            "`check.double()` (In [5])") in out.stdout
    assert "exercise 1 passed in your saved notebook but not in a fresh run" in out.stdout
    # the grader gives the same grade and the same lines
    no_sandbox = [] if sandbox.available() is None else ["--no-sandbox"]  # as validate chose
    graded = cells.lab("grade", practice, path, "--out", tmp_path / "grades.csv", "--quiet", *no_sandbox, cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr
    feedback = (tmp_path / "grades" / "mine.feedback.txt").read_text().splitlines()
    assert feedback[0] == "mine: 1 / 2" and feedback[2] in out.stdout  # line 3 holds this run's fresh probe value


@pytest.mark.ci  # a kernel run and a graded run: with the sandboxed batches (make test-ci)
def test_in_order_it_says_the_fresh_run_agrees(practice, tmp_path):
    answers = {"ex-double": "def double(x):\n    return 2 * x", "ex-half": "half = n / 2"}
    order = ["params", "setup", "ex-double", "check-double", "ex-half", "check-half", "score"]
    path = saved(practice, answers, order, tmp_path / "mine.ipynb")
    found = validate(path, practice)
    assert (found.row["total"], found.row["status"], found.differences) == (2, "graded", [])


def _solution_without_id(cell_id: str, source: str | None = None) -> dict:
    nb = json.loads(SOLUTION.read_text())
    for cell in nb["cells"]:
        if cell.get("id") == cell_id:
            cell["id"] = "recreated-cell"
            cell["source"] = source if source is not None else cell["source"]
    return nb


def test_a_lost_cell_id_is_reported_with_what_the_grader_made_of_it(practice):
    template = json.loads(practice.read_text())
    alike = differences(template, _solution_without_id("ex-double"), {}, {})
    assert alike == ["the exercise cell 'ex-double' lost its id (copied or recreated cell): its answer was found by "
                     "its likeness to the exercise instead (a larger change would lose it); type your answer into the "
                     "cell the exercise notebook gave you"]
    lost = differences(template, _solution_without_id("ex-double", "print('something else entirely')"), {}, {})
    assert "its answer counts as not answered" in lost[0]


def test_cells_run_in_order_or_never_run_are_not_out_of_order():
    def nb(*counts):
        return {"cells": [{"cell_type": "code", "source": f"x{i} = 1", "execution_count": c}
                          for i, c in enumerate(counts)]}

    assert out_of_order(nb(1, 2, None, 5, 9)) == ""
    assert out_of_order(nb(1, 4, 3)) == ("cells ran out of order: the cell `x2 = 1` ran as In [3], before the cell "
                                         "above it, `x1 = 1` (In [4])")
    assert out_of_order({"cells": [{"cell_type": "code", "execution_count": True}, "junk", 7]}) == ""


def test_the_template_comes_from_the_notebooks_metadata_or_a_flag(tmp_path):
    exercise = json.loads((ROOT / "ko" / "exercises" / "02_logistic_regression.ipynb").read_text())
    renamed = tmp_path / "홍길동 과제2.ipynb"  # renamed by the student: the metadata still names the notebook
    renamed.write_text(json.dumps(exercise))
    assert template_for(renamed, exercise) == ROOT / "ko" / "exercises" / "02_logistic_regression.ipynb"
    stranger = {"cells": [], "metadata": {}}
    with pytest.raises(LabError, match="pass --template with the file from exercises/"):
        template_for(tmp_path / "homework.ipynb", stranger)
    out = cells.lab("validate", tmp_path / "homework.ipynb", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip().endswith("pass the notebook you will submit")


@pytest.mark.ci
@pytest.mark.skipif(sandbox.available() is not None, reason="needs bubblewrap (apt-get install bubblewrap)")
def test_validate_agrees_with_grade_on_the_hostile_and_honest_corpus(practice, tmp_path):
    from .test_grade import HOSTILE, edit, rows_of, submission

    blank, solution = json.loads(practice.read_text()), json.loads(SOLUTION.read_text())
    no_ids = copy.deepcopy(solution)
    for cell in no_ids["cells"]:
        del cell["id"]
    subs = [submission(tmp_path, "blank", blank), submission(tmp_path, "solution", solution),
            submission(tmp_path, "wrong", edit(solution, "ex-double", "def double(x):\n    return x + 2")),
            submission(tmp_path, "no_ids", no_ids)]
    out_csv = tmp_path / "grades.csv"
    fill = {"root": ROOT, "out": out_csv.with_suffix(""), "subs": tmp_path / "subs", "template": practice,
            "secret": tmp_path / "secret"}
    for name, cell, source in HOSTILE:
        base, source = (solution if cell == "ex-half" else blank), source.strip("\n")
        for key, value in fill.items():
            source = source.replace("{" + key + "}", str(value))
        subs.append(submission(tmp_path, name, edit(base, cell, source)))
    graded = cells.lab("grade", practice, *subs, "--out", out_csv, "--timeout", "10", "--quiet", cwd=tmp_path)
    assert "Traceback" not in graded.stderr
    rows = {r["files"]: r for r in rows_of(out_csv).values()}

    def grade_of(row):
        return row["status"], row["t-double"], row["t-half"], str(row["total"])

    with ThreadPoolExecutor(2) as pool:
        found = dict(zip(subs, pool.map(lambda p: validate(p, practice, timeout=10), subs)))
    def stopped(row):  # a run stopped at a time or scratch limit: where it stopped depends on the machine's load
        return str(row.get("error", "")).startswith(("timed out", "stopped:"))

    disagree = {p.name: (grade_of(rows[p.name]), grade_of(v.row)) for p, v in found.items()
                if grade_of(rows[p.name]) != grade_of(v.row) and not (stopped(rows[p.name]) or stopped(v.row))}
    assert disagree == {} and not any(stopped(found[p].row) for p in subs[:4])  # the honest four always finish
