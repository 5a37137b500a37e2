"""A regrade writes what changed: which student, which exercise, old -> new outcome and cause."""

import csv
import json

import pytest

from lab_utils.exercises.core import Exercise
from lab_utils.tools.grade.regrade import Change, changes, earlier
from lab_utils.tools.isolation import sandbox

from . import cells
from .conftest import PRACTICE as SOLUTION
from .test_grade import edit, submission

EXERCISES = [Exercise("t-double", 1, "double", "practice"), Exercise("t-half", 2, "half", "practice")]


def row(who, double, half, cause="", lms_id=""):
    return {"submission": who, "student": who.title(), "lms id": lms_id, "t-double": double, "t-half": half,
            "t-double cause": cause, "t-half cause": ""}


def test_changes_name_the_student_the_exercise_and_both_outcomes_with_their_causes():
    old = [row("ann", "fail", "pass", "double.wrong"), row("bob", "pass", "pass"), row("cat", "pass", "not done")]
    new = [row("ann", "pass", "pass"), row("bob", "fail", "pass", "double.off-by-one"), row("dan", "pass", "pass")]
    assert changes(old, new, EXERCISES) == [
        Change("ann", "Ann", "t-double", "fail", "pass", "double.wrong", ""),
        Change("bob", "Bob", "t-double", "pass", "fail", "", "double.off-by-one"),
        Change("dan", "Dan", "t-double", "(absent)", "pass", "", ""),
        Change("dan", "Dan", "t-half", "(absent)", "pass", "", ""),
        Change("cat", "Cat", "t-double", "pass", "(absent)", "", ""),
        Change("cat", "Cat", "t-half", "not done", "(absent)", "", ""),
    ]
    # a student is the same student when the LMS id matches, whatever the submission's key became
    assert changes([row("ann", "pass", "pass", lms_id="17")], [row("ann-2", "pass", "pass", lms_id="17")],
                   EXERCISES) == []


def test_an_unreadable_earlier_table_is_no_earlier_table(tmp_path):
    for text in (b"\xff\xfe not csv", b"", b"a,b\n1,2\n"):
        (tmp_path / "grades.csv").write_bytes(text)
        assert earlier(tmp_path / "grades.csv") is None
    assert earlier(tmp_path / "missing.csv") is None


@pytest.mark.ci  # two graded batches: with the sandboxed batches (make test-ci)
def test_regrading_a_folder_writes_changes_csv(practice, tmp_path):
    solution = json.loads(SOLUTION.read_text())
    wrong = submission(tmp_path, "wrong", edit(solution, "ex-double", "def double(x):\n    return x + 2"))
    right = submission(tmp_path, "right", solution)
    out_csv = tmp_path / "grades.csv"
    no_sandbox = [] if sandbox.available() is None else ["--no-sandbox"]
    first = cells.lab("grade", practice, right, wrong, "--out", out_csv, "--quiet", *no_sandbox, cwd=tmp_path)
    assert first.returncode == 0 and "regrade" not in first.stdout, first.stderr
    assert not (tmp_path / "grades" / "changes.csv").exists()
    wrong.write_text(json.dumps(solution))  # the student's fixed notebook, downloaded again
    second = cells.lab("grade", practice, right, wrong, "--out", out_csv, "--quiet", *no_sandbox, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert f"regrade: 1 outcome(s) changed since the last grading of {out_csv}" in second.stdout
    with (tmp_path / "grades" / "changes.csv").open() as f:
        assert list(csv.reader(f)) == [["submission", "student", "exercise", "old", "new", "old cause", "new cause"],
                                       ["wrong", "wrong", "t-double", "fail", "pass", "double.wrong", ""]]
