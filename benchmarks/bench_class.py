"""Benchmark: a whole class through the course round trip. A Moodle class of S students (made by tests/lms.py from
Moodle's documented formats: the submissions zip and the grading worksheet, with late work, PDFs, students who
sent nothing and students who sent two notebooks) is graded with `lab grade` (sandboxed, 2 workers) and exported
with `lab export moodle`. Prints the time of each phase and where a grading run's time goes.

    python benchmarks/bench_class.py [--students 200] [--notebook practice|01|02|03] [--workers 2]

`practice` is the test fixture's two tiny exercises (no torch): the grader's own cost per student. A course
notebook gives the real cost of a class for that notebook.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.nbfile import dump_notebook  # noqa: E402
from lab_utils.tools.grade.batch import grade  # noqa: E402
from lab_utils.tools.grade.jobs import make_jobs  # noqa: E402
from lab_utils.tools.lms import export  # noqa: E402
from lab_utils.tools.publish.editions import exercise_edition  # noqa: E402
from tests.lms import Student, moodle_worksheet, moodle_zip  # noqa: E402

NOTEBOOKS = {"01": "01_linear_regression", "02": "02_logistic_regression", "03": "03_multilayer_perceptron"}


def template_and_answers(notebook: str, folder: Path) -> tuple[Path, dict[str, bytes]]:
    """The exercise notebook to grade against and two answers: the solution and a blank notebook."""
    if notebook == "practice":
        solution_path = ROOT / "tests" / "fixtures" / "practice.ipynb"
        template = folder / "practice.ipynb"
        template.write_text(dump_notebook(exercise_edition(json.loads(solution_path.read_text()), template,
                                                           solution_path.name)))
    else:
        solution_path = ROOT / "notebooks" / f"{NOTEBOOKS[notebook]}.ipynb"
        template = ROOT / "exercises" / solution_path.name
    return template, {"solution": solution_path.read_bytes(), "blank": template.read_bytes()}


def klass(n: int, answers: dict[str, bytes], name: str) -> list[Student]:
    """n students: most sent the solution, some a blank notebook, a PDF, two notebooks or nothing."""
    students = []
    for i in range(n):
        s = Student(f"Student{i}", "김" if i % 4 == 0 else "Park", 70000 + i, 1000 + 7 * i, f"s{i}@univ.ac.kr",
                    late=i % 9 == 4, nfd=i % 4 == 0 and i % 8 == 0)
        if i % 23 == 5:
            s.files = {}
        elif i % 19 == 7:
            s.files = {"report.pdf": b"%PDF-1.4"}
        elif i % 10 == 3:
            s.files = {name: answers["blank"]}
        elif i % 15 == 2:
            s.files = {"draft.ipynb": answers["blank"], name: answers["solution"]}
        else:
            s.files = {name: answers["solution"]}
        students.append(s)
    return students


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--notebook", default="practice", choices=["practice", *NOTEBOOKS])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        folder = Path(tmp)
        template, answers = template_and_answers(args.notebook, folder)
        students = klass(args.students, answers, template.name)
        start = time.perf_counter()
        archive = moodle_zip(folder / "LAB-submissions.zip", students)
        worksheet = moodle_worksheet(folder / "Grades-LAB.csv", students)
        made = time.perf_counter() - start

        start = time.perf_counter()
        jobs = make_jobs([archive], folder / "intake-only", json.loads(template.read_text()), worksheet)
        intake = time.perf_counter() - start

        start = time.perf_counter()
        rows = grade(template, [archive], folder / "grades.csv", workers=args.workers, roster=worksheet)
        graded = time.perf_counter() - start

        start = time.perf_counter()
        export.moodle(folder / "grades.csv", worksheet, folder / "lms")
        exported = time.perf_counter() - start

    runs = [float(r["seconds"]) for r in rows if r["status"] == "graded"]
    print(f"class: {args.students} students, notebook {args.notebook}, {args.workers} workers "
          f"({len(jobs)} rows: {len(runs)} notebooks run, the rest no submission or not a notebook)")
    print(f"  making the LMS files (fixture, not timed below): {made:.1f} s")
    print(f"  intake (zip checked and extracted, roster read, students matched): {intake:.2f} s")
    print(f"  grading: {graded:.1f} s = {graded / max(1, len(runs)):.2f} s per notebook run "
          f"({graded / 60:.1f} min for the class)")
    if runs:
        print(f"    a run in its sandbox: median {statistics.median(runs):.2f} s, slowest {max(runs):.2f} s; "
              f"{sum(runs) / args.workers:.1f} s of the wall time is runs on {args.workers} workers, the other "
              f"{graded - sum(runs) / args.workers:.1f} s intake, verdicts, writing the copies and the report")
    print(f"  export (Moodle's import CSV and feedback zip): {exported:.2f} s")
    print(f"  total: {intake + graded + exported:.1f} s")


if __name__ == "__main__":
    main()
