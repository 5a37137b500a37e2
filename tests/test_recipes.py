"""ARCHITECTURE.md's recipes, performed: in a copy of the course, a throwaway notebook with one new exercise is added
exactly as "Add a notebook" and "Add an exercise" say (one checks module, its answers, the notebook), then
`lab colab-sync`, `lab refresh`, `lab editions` (stopping until the new texts are translated), the checks and
`lab grade` run on it. If a step needs a file the recipes do not name, this test fails."""

import csv
import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import polib
import pytest

from lab_utils.tools.isolation import sandbox

from .cells import lab

ROOT = Path(__file__).resolve().parent.parent
NAME = "04_throwaway.ipynb"

CHECKS = '''
"""Checks for the throwaway notebook: one exercise, written as ARCHITECTURE.md's recipe says."""

from __future__ import annotations

from .core import N_, Exercise, caller_namespace, declared, probe_seed, reads, run_check
from .core import score_table as _score_table
from .stubs import is_stub

TRIPLE = Exercise("w-triple", 1, N_("triple a number"), "throwaway")
EXERCISES = declared(globals())


def given_triple(seed: int) -> dict:
    """The number a triple probe with this seed triples."""
    return {"x": 5 + seed % 1000}


def probe_triple(fn: object, seed: int | None = None) -> dict:
    """What the student's triple does on a number drawn from the probe seed."""
    x = given_triple(probe_seed() if seed is None else seed)["x"]
    if fn is ... or is_stub(fn):
        return {"stub": True}
    try:
        return {"x": x, "out": fn(x)}
    except Exception as e:
        return {"x": x, "error": {"type": type(e).__name__, "text": str(e)[:200]}}


@reads("triple")
def triple() -> None:
    """Check the student's triple on a fresh number."""
    namespace = caller_namespace()
    run_check(TRIPLE, lambda: probe_triple(namespace.get("triple", ...)))


def score_table() -> None:
    """The throwaway notebook's score table."""
    _score_table(EXERCISES)
'''

ANSWERS = '''
"""The throwaway notebook's answers (hidden from grading runs)."""

from __future__ import annotations

from ..core import Answer, Fail, NotDone, answered, explain, tr
from ..throwaway import TRIPLE, given_triple


def verdict_triple(rec: dict) -> str:
    """triple(x) = 3 x, from the record."""
    if rec.get("stub"):
        raise NotDone
    if rec.get("error"):
        raise Fail(explain(rec["error"]), "error")
    if rec.get("out") != 3 * rec["x"]:
        raise Fail(tr("triple({x}) gave {got}, not {want}", x=rec["x"], got=repr(rec.get("out"))[:40],
                      want=3 * rec["x"]), "triple.wrong")
    return tr("triple({x}) = {want}", x=rec["x"], want=3 * rec["x"])


ANSWERS = answered(Answer(TRIPLE, verdict_triple, given_triple))
'''


def code(cell_id: str, source: str, tags: list[str] | None = None) -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {"tags": tags} if tags else {}, "execution_count": None,
            "outputs": [], "source": textwrap.dedent(source).strip()}


def markdown(cell_id: str, source: str, tags: list[str] | None = None) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {"tags": tags} if tags else {}, "source": source}


NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"}}, "cells": [
    markdown("title", "# 04. Throwaway — one new exercise\n\nA notebook the recipes add and remove."),
    code("params", "x0: float = 2.0  # the number the notebook triples", ["parameters"]),
    code("setup", '''
        import lab_utils as lab
        from lab_utils.exercises import throwaway as check

        lab.check_params(globals())'''),
    code("ex-triple", '''
        def triple(x):
            ### BEGIN SOLUTION
            return 3 * x
            ### END SOLUTION'''),
    code("check-triple", "check.triple()"),
    code("result", 'results = lab.report(tripled=triple(x0))'),
    code("score", "check.score_table()", ["score-table"]),
]}


def shown(nb: dict) -> str:
    """What a notebook's stored outputs show as text (streams and each output's text/plain)."""
    return "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                   for c in nb["cells"] for o in c.get("outputs", []))


def translate_everything(course: Path) -> int:
    """What a translator would do, done by rule: every entry `lab editions` asks for gets a msgstr (the English
    marked [ko] where it is prose; code strings and comments stay valid code)."""
    filled = 0
    for path in [*course.glob("i18n/ko/*.po"), course / "lab_utils/locale/ko/LC_MESSAGES/lab_utils.po"]:
        po = polib.pofile(str(path), wrapwidth=0)
        for entry in po:
            if entry.msgstr or entry.obsolete:
                continue
            prose = entry.msgctxt not in ("python-string", "python-comment")
            entry.msgstr = f"[ko] {entry.msgid}" if prose else entry.msgid
            filled += 1
        po.save()
    return filled


def copy_course(target: Path) -> Path:
    """The course's files, copied (the package is imported from there: PYTHONPATH): git's list of them, or, in a
    checkout without git, the folder without what is made locally."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", ".cache", "build", "runs", "__pycache__"))
        return target
    for rel in listed.stdout.splitlines():
        src = ROOT / rel
        if src.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
    return target


@pytest.mark.ci  # executes two notebooks and grades a batch (about 15 s): with the sandboxed batches (make test-ci)
def test_the_recipes_add_a_notebook_and_an_exercise_end_to_end(tmp_path):
    course = copy_course(tmp_path / "course")
    env = {"PYTHONPATH": str(course)}

    def run(*args: object) -> subprocess.CompletedProcess:
        done = lab(*args, cwd=course, **env)
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        return done

    # "Add an exercise": one checks module and its answers, found by name
    (course / "lab_utils/exercises/throwaway.py").write_text(CHECKS.lstrip())
    (course / "lab_utils/exercises/answers/throwaway.py").write_text(ANSWERS.lstrip())
    # "Add a notebook": the notebook, then colab-sync writes its badge and install cells
    notebook = course / "notebooks" / NAME
    notebook.write_text(json.dumps(NOTEBOOK, indent=1))
    assert run("colab-sync", f"notebooks/{NAME}").returncode == 0
    assert json.loads(notebook.read_text())["cells"][0]["metadata"]["tags"] == ["colab-badge"]
    assert run("refresh", f"notebooks/{NAME}").returncode == 0
    stored = json.loads(notebook.read_text())
    printed = shown(stored)
    assert "✅ Exercise 1 (triple a number): passed — triple(5) = 15" in printed, printed
    assert "score: 1 / 1" in printed
    # the editions stop until the new texts are translated, and say where
    stopped = run("editions")
    assert stopped.returncode != 0 and "i18n/ko/04_throwaway.po" in stopped.stderr + stopped.stdout
    assert "triple a number" in (course / "lab_utils/locale/ko/LC_MESSAGES/lab_utils.po").read_text()
    assert translate_everything(course) >= 4
    built = run("editions")
    assert built.returncode == 0, built.stderr[-2000:]
    exercise, korean = course / "exercises" / NAME, course / "ko/notebooks" / NAME
    blank = json.loads(exercise.read_text())
    cell = next(c for c in blank["cells"] if c.get("id") == "ex-triple")
    assert "exercise" in cell["metadata"]["tags"] and "return ..." in "".join(cell["source"])
    assert "Generated by `make editions` from `notebooks/04_throwaway.ipynb`" in "".join(blank["cells"][0]["source"])
    ko = json.loads(korean.read_text())
    assert "".join(next(c for c in ko["cells"] if c.get("id") == "title")["source"]).startswith("[ko] # 04.")
    ko_printed = shown(ko)
    # the Korean edition ran in Korean: its check's title and verdict come from the filled-in catalog
    assert "([ko] triple a number)" in ko_printed and "[ko] triple(5) = 15" in ko_printed, ko_printed
    assert run("editions", "--check").returncode == 0  # built once, nothing left to change
    # the grader on the new exercise edition: the solution passes, a wrong answer fails with its named cause
    wrong = json.loads(json.dumps(stored))
    next(c for c in wrong["cells"] if c.get("id") == "ex-triple")["source"] = "def triple(x):\n    return x + 3"
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs/right.ipynb").write_text(json.dumps(stored))
    (tmp_path / "subs/wrong.ipynb").write_text(json.dumps(wrong))
    isolation = [] if sandbox.available() is None else ["--no-sandbox"]
    graded = run("grade", f"exercises/{NAME}", tmp_path / "subs/right.ipynb", tmp_path / "subs/wrong.ipynb",
                 "--out", tmp_path / "grades.csv", "--quiet", *isolation)
    assert graded.returncode == 0, graded.stderr[-2000:]
    with (tmp_path / "grades.csv").open() as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    assert (rows["right"]["status"], rows["right"]["w-triple"], rows["right"]["total"]) == ("graded", "pass", "1")
    assert (rows["wrong"]["w-triple"], rows["wrong"]["w-triple cause"]) == ("fail", "triple.wrong"), rows["wrong"]
    feedback = (tmp_path / "grades/wrong.feedback.txt").read_text()
    said = re.search(r"triple\((\d+)\) gave (\d+), not (\d+)", feedback)
    assert said and said[1] != "5" and int(said[2]) == int(said[1]) + 3, feedback  # on the grader's fresh input

def test_the_recipe_test_stands_for_what_architecture_md_says():
    """The recipes name the files this test touches, so the page and the test cannot drift apart."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    for named in ("lab_utils/exercises/<module>.py", "lab_utils/exercises/answers/<module>.py", "make colab-sync",
                  "make editions", "make outputs", "tests/test_recipes.py"):
        assert named in text, named
