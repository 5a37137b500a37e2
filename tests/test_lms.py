"""The course round trip: a class's submissions in from the LMS (its own archive and class list, made by tests/lms.py
from the documented formats), grades and feedback back out, every row, grade and feedback file on its own student."""

import csv
import io
import json
import random
import unicodedata
import zipfile

import pytest

from lab_utils.exercises import practice
from lab_utils.tools.grade.batch import columns_of
from lab_utils.tools.grade.jobs import NOT_ENROLLED, make_jobs
from lab_utils.tools.lms import export

from . import cells
from .conftest import PRACTICE as SOLUTION
from .lms import Student, canvas_gradebook, canvas_zip, gradescope_zip, moodle_worksheet, moodle_zip, read_csv

FIRST = ["Minjun", "Seoyeon", "Ann", "Robert \"Bobby\"", "Zoë 🙂", "O'Neil", "민준", "서연", "지호", "Lee_Ann"]
LAST = ["Kim", "Park", "Lee, Jr.", "O'Brien", "Choi", "김", "박", "이", "Jung", "Smith"]


def answers(template: dict) -> dict[str, bytes]:
    """The practice notebook answered three ways: right (2 points), half right (1), blank (0)."""
    solution = json.loads(SOLUTION.read_text())
    wrong = json.loads(SOLUTION.read_text())
    next(c for c in wrong["cells"] if c.get("id") == "ex-double")["source"] = "def double(x):\n    return x + 2"
    return {"2": json.dumps(solution).encode(), "1": json.dumps(wrong).encode(), "0": json.dumps(template).encode()}


def klass(n: int, template: dict, seed: int = 3) -> tuple[list[Student], dict[int, str]]:
    """n students (duplicate names with other ids, Korean names some in NFD, late work, PDFs, two notebooks,
    nothing at all) and the points each one's notebook earns (by Canvas user id; '' for no notebook)."""
    rng = random.Random(seed)
    kinds = answers(template)
    students, expected = [], {}
    participant_ids = rng.sample(range(1, 5 * n), n)  # unrelated to the user ids, as Moodle's are
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        s = Student(first, last, 50000 + i, participant_ids[i], f"s{i}@univ.ac.kr", late=i % 7 == 3,
                    nfd=i % 5 == 1)
        points = str(i % 3)
        if i % 17 == 5:
            s.files, points = {}, ""  # nothing submitted
        elif i % 13 == 4:
            s.files, points = {"lab.pdf": b"%PDF-1.4"}, ""
        elif i % 11 == 2:
            s.files = {"draft.ipynb": kinds["0"], "practice.ipynb": kinds[points]}  # the one with the template's cells
        else:
            s.files = {"practice.ipynb": kinds[points]}
        students.append(s)
        expected[s.user_id] = points
    return students, expected


@pytest.fixture
def template(practice):
    return json.loads(practice.read_text())


def _by(jobs, key):
    return {key(j): j for j in jobs}


def test_a_200_student_moodle_class_lands_on_its_students(tmp_path, template):
    students, expected = klass(200, template)
    archive = moodle_zip(tmp_path / "LAB-01-submissions-77.zip", students)
    jobs = make_jobs([archive], tmp_path / "work", template, moodle_worksheet(tmp_path / "Grades.csv", students))
    assert len(jobs) == 200 and len({j.name for j in jobs}) == 200  # one row each, keys never shared
    for s, job in zip(students, jobs):  # the worksheet's order
        assert job.enrolled.lms_id == str(s.participant_id)
        assert job.identity()["student"] == unicodedata.normalize("NFC", s.full)
        if not s.files:
            assert job.submission is None
            continue
        assert job.submission.lms_id == str(s.participant_id) and (job.submission.notebook is None) == \
            (expected[s.user_id] == "")
        if job.submission.notebook is not None:
            assert job.content == s.files["practice.ipynb"]  # of two notebooks, the one that answers the template


def test_a_canvas_class_with_strangers_and_late_work(tmp_path, template):
    students, _ = klass(60, template)
    roster = canvas_gradebook(tmp_path / "gradebook.csv", students[:50])  # ten submitted but left the course
    jobs = make_jobs([canvas_zip(tmp_path / "subs.zip", students)], tmp_path / "work", template, roster)
    enrolled = [j for j in jobs if j.enrolled]
    strangers = [j for j in jobs if not j.enrolled]
    assert len(enrolled) == 50 and {j.submission.lms_id for j in strangers} == \
        {str(s.user_id) for s in students[50:] if s.files}
    assert all(NOT_ENROLLED in j.flags for j in strangers)
    late = {j.enrolled.lms_id for j in enrolled if j.identity()["late"]}
    assert late == {str(s.user_id) for s in students[:50] if s.late and s.files}


def test_gradescope_export_with_its_roster(tmp_path, template):
    students, _ = klass(30, template)
    roster = tmp_path / "roster.csv"
    roster.write_text("First Name,Last Name,SID,Email\n" + "".join(
        f"{s.first.replace(',', '')},{s.last.replace(',', '')},{s.user_id},{s.email}\n" for s in students))
    jobs = make_jobs([gradescope_zip(tmp_path / "export.zip", students)], tmp_path / "work", template, roster)
    assert len(jobs) == 30
    for s, job in zip(students, jobs):
        assert (job.submission is None) == (not s.files)
        if job.submission:
            assert job.submission.lms_id == str(s.user_id)


def _grades(tmp_path, jobs, expected_by_id, id_of):
    """A grades.csv as lab grade writes it (its columns, one row per job, feedback files beside it)."""
    columns = columns_of(practice.EXERCISES)
    out = tmp_path / "grades.csv"
    (tmp_path / "grades").mkdir()
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        for job in jobs:
            points = expected_by_id.get(id_of(job), "")
            status = "no submission" if job.submission is None else "graded" if points != "" else "failed"
            writer.writerow({**dict.fromkeys(columns, ""), **job.identity(), "submission": job.name,
                             "status": status, "total": points or 0})
            (tmp_path / "grades" / f"{job.name}.feedback.txt").write_text(f"{job.name}: {points or 0} / 2\n\nmore\n")
    return out


def test_moodle_grades_and_feedback_go_back_to_the_right_students(tmp_path, template):
    students, expected = klass(200, template)
    archive = moodle_zip(tmp_path / "subs.zip", students)
    worksheet = moodle_worksheet(tmp_path / "Grades.csv", students, maximum=10.0)
    jobs = make_jobs([archive], tmp_path / "work", template, worksheet)
    by_participant = {str(s.participant_id): expected[s.user_id] for s in students}
    grades = _grades(tmp_path, jobs, by_participant, lambda j: j.enrolled.lms_id)
    csv_path, zip_path = export.moodle(grades, worksheet, tmp_path / "lms")
    rows = {r[0]: r for r in read_csv(csv_path)[1:]}
    for s in students:
        points = expected[s.user_id]
        want = "" if not s.files else f"{int(points or 0) * 10.0 / 2:.2f}"
        assert rows[s.email][1] == want, s
    # the feedback zip's names map one-to-one onto the submissions zip's students, as Moodle's importer parses them
    names = zipfile.ZipFile(zip_path).namelist()
    submitted = {str(s.participant_id) for s in students if s.files}
    parsed = [name.split("_", 4) for name in names]
    assert all(len(p) == 5 and p[1].isdigit() and p[2:4] == ["assignfeedback", "file"] for p in parsed)
    assert sorted(p[1] for p in parsed) == sorted(submitted)
    prefixes = {n.split("_assignsubmission_file")[0] for n in zipfile.ZipFile(archive).namelist()}
    assert {p[0] + "_" + p[1] for p in parsed} == {unicodedata.normalize("NFC", x) for x in prefixes}


@pytest.mark.parametrize("bom", [False, True])
def test_canvas_gradebook_changes_only_in_its_column(tmp_path, template, bom):
    students, expected = klass(200, template)
    gradebook = canvas_gradebook(tmp_path / "gradebook.csv", students, bom=bom, points=10.0)
    jobs = make_jobs([canvas_zip(tmp_path / "subs.zip", students)], tmp_path / "work", template, gradebook)
    grades = _grades(tmp_path, jobs, {str(k): v for k, v in expected.items()}, lambda j: j.enrolled.lms_id)
    out = export.canvas(grades, gradebook, tmp_path / "filled.csv")
    before, after = gradebook.read_bytes(), out.read_bytes()
    assert before.startswith(b"\xef\xbb\xbf") == after.startswith(b"\xef\xbb\xbf") == bom
    old, new = read_csv(gradebook), read_csv(out)
    column = old[0].index("Lab 01 (4242)")
    for a, b in zip(old, new):
        assert a[:column] + a[column + 1:] == b[:column] + b[column + 1:]  # every other cell as it was
    assert len(after.splitlines()) == len(before.splitlines())
    filled = {row[1]: row[column] for row in new[2:]}
    for s in students:
        want = "" if not s.files else f"{int(expected[s.user_id] or 0) * 10.0 / 2:.2f}"
        assert filled[str(s.user_id)] == want
    # and byte for byte: putting the old cells of the column back gives the old file
    old_text, rebuilt = before.decode("utf-8-sig"), after.decode("utf-8-sig")
    for record, old_record in reversed(list(zip(export.spans(rebuilt), export.spans(old_text)))):
        (a, b), (c, d) = record[column], old_record[column]
        rebuilt = rebuilt[:a] + old_text[c:d] + rebuilt[b:]
    assert rebuilt == old_text


def test_bad_rosters_are_one_line(tmp_path, template):
    from lab_utils.errors import LabError
    from lab_utils.tools.lms.roster import read_roster

    latin = tmp_path / "latin.csv"
    latin.write_bytes("Identifier,Full name\nParticipant 1,José\n".encode("latin-1"))
    twice = tmp_path / "twice.csv"
    twice.write_text("Identifier,Full name,Email address\nParticipant 1,A,a@x\nParticipant 1,B,b@x\n")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("foo,bar\n1,2\n")
    for path, message in ((latin, "is not UTF-8"), (twice, "lists id 1 twice"), (unknown, "is not a roster")):
        with pytest.raises(LabError, match=message) as caught:
            read_roster(path)
        assert "\n" not in str(caught.value)


@pytest.mark.ci
def test_the_round_trip_through_lab_grade_and_lab_export(tmp_path, template, practice):
    """A class of 16 on Moodle, through the real commands: the archive and worksheet in, a row per enrolled student,
    the import CSV and feedback zip out."""
    students, expected = klass(16, template, seed=5)
    archive = moodle_zip(tmp_path / "subs.zip", students)
    worksheet = moodle_worksheet(tmp_path / "Grades.csv", students)
    out = cells.lab("grade", practice, archive, "--roster", worksheet, "--out", tmp_path / "grades.csv", "--quiet",
                    "--timeout", "60", cwd=tmp_path)
    assert out.returncode in (0, 1), out.stdout + out.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "grades.csv").read_text())))
    assert [r["lms id"] for r in rows] == [str(s.participant_id) for s in students]
    for s, row in zip(students, rows):
        assert row["student"] == unicodedata.normalize("NFC", s.full)
        assert row["late"] == ("late" if s.late and s.files else "")
        if not s.files:
            assert row["status"] == "no submission"
        elif expected[s.user_id] == "":
            assert row["status"] == "failed" and "not a .ipynb" in row["error"]
        else:
            assert row["total"] == expected[s.user_id], row
    done = cells.lab("export", "moodle", tmp_path / "grades.csv", "--roster", worksheet, "--out", tmp_path / "lms",
                     cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / "lms" / "moodle-feedback.zip").namelist()
    assert len(names) == sum(bool(s.files) for s in students)
