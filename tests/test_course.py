"""The course view: three graded batches joined into one row per student, a student missing from one shown."""

import csv
import io
import unicodedata

import pytest

from lab_utils.exercises import practice
from lab_utils.tools.grade.batch import columns_of

from . import cells

STUDENTS = [("김민준", "101"), ("Ann Lee", "102"), ("O'Neil, Zoë", "103")]


def batch(path, who, totals, absent=()):
    """A grades.csv as lab grade writes it (its columns), one row per (student, lms id) with a total."""
    columns = columns_of(practice.EXERCISES)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for (name, lms_id), total in zip(who, totals):
        status = "no submission" if name in absent else "graded"
        marks = ["pass"] * total + ["fail"] * (2 - total)
        writer.writerow({"submission": f"{name}_{lms_id}", "student": name, "lms id": lms_id, "status": status,
                         "t-double": marks[0], "t-half": marks[1], "total": total})
    path.write_text(buf.getvalue())
    return path


def test_three_batches_join_on_the_students_identity(tmp_path):
    lab01 = batch(tmp_path / "lab01.csv", STUDENTS, [2, 1, 0])
    lab02 = batch(tmp_path / "lab02.csv", [STUDENTS[2], STUDENTS[0]], [2, 2])  # Ann skipped notebook 02
    lab03 = batch(tmp_path / "lab03.csv", STUDENTS, [1, 0, 2], absent={"Ann Lee"})
    out = cells.lab("report", lab01, lab02, lab03, "--out", tmp_path / "course.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "3 students across 3 batches, 1 missing from at least one" in out.stdout
    with (tmp_path / "course.csv").open() as f:
        rows = {r["lms id"]: r for r in csv.DictReader(f)}
    assert list(rows) == ["101", "102", "103"]
    assert (rows["101"]["lab01 total"], rows["101"]["lab02 total"], rows["101"]["lab03 total"]) == ("2", "2", "1")
    assert rows["101"]["total"] == "5" and rows["101"]["student"] == "김민준"
    assert rows["102"]["lab02 t-double"] == rows["102"]["lab02 total"] == "missing"
    assert rows["102"]["lab03 total"] == "no submission" and rows["102"]["total"] == "1"
    assert rows["103"]["student"] == "O'Neil, Zoë" and rows["103"]["total"] == "4"


def test_bad_tables_are_one_line(tmp_path):
    lab01 = batch(tmp_path / "lab01.csv", STUDENTS, [2, 1, 0])
    (tmp_path / "b").mkdir()
    again = batch(tmp_path / "b" / "lab01.csv", STUDENTS, [2, 1, 0])
    out = cells.lab("report", lab01, again, cwd=tmp_path)
    assert out.returncode == 2 and "two tables have the same file name" in out.stderr
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    out = cells.lab("report", lab01, tmp_path / "notes.csv", cwd=tmp_path)
    assert out.returncode == 2 and "is not a table lab grade wrote" in out.stderr
    out = cells.lab("report", tmp_path / "nope.csv", cwd=tmp_path)
    assert out.returncode == 2 and "does not exist" in out.stderr


@pytest.mark.parametrize("name", ["김민준", unicodedata.normalize("NFD", "김민준")])  # a zip made on macOS
def test_without_an_lms_id_students_join_on_their_name_in_nfc(tmp_path, name):
    from lab_utils.tools.grade.course import course, read_batch

    a = batch(tmp_path / "a.csv", [("김민준", "")], [2])
    b = batch(tmp_path / "b.csv", [(name, "")], [1])
    _, rows = course([read_batch(a), read_batch(b)])
    assert len(rows) == 1 and rows[0]["total"] == "3"
