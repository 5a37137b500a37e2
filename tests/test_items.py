"""Item analysis: which checks discriminate, checked against values computed by hand."""

import pytest

from lab_utils.exercises.core import Exercise
from lab_utils.tools.grade.items import items, point_biserial
from lab_utils.tools.grade.report import write_report

EXERCISES = [Exercise("a", 1, "first", "practice"), Exercise("b", 2, "second", "practice"),
             Exercise("c", 3, "third", "practice")]


def rows(*marks: str) -> list[dict]:
    """One graded row per string of p (pass) and f (fail), one letter per exercise."""
    return [{"submission": f"s{i}", "status": "graded", **{ex.id: "pass" if m == "p" else "fail"
                                                         for ex, m in zip(EXERCISES, line)}}
            for i, line in enumerate(marks, 1)]


def test_discrimination_matches_the_hand_computed_point_biserial():
    # totals 3, 2, 1, 1, 0. Exercise a: passed 1 1 1 0 0, rest 2 1 0 1 0: p = 0.6, rest mean 0.8,
    # sd sqrt(2.8 / 5) = 0.7483; passers' rest mean 1, the others' 0.5: r = 0.5 / 0.7483 * sqrt(0.24) = 0.3273.
    # b: rest 2 1 1 1 0, means 1.5 and 2/3, sd sqrt(0.4): r = 0.6455. c: passers' and others' rest means both 1: r = 0.
    found = {item.exercise: item for item in items(rows("ppp", "ppf", "pff", "ffp", "fff"), EXERCISES)}
    assert found["a"].discrimination == pytest.approx(0.3273, abs=1e-4) and found["a"].pass_rate == 0.6
    assert found["b"].discrimination == pytest.approx(0.6455, abs=1e-4) and found["b"].note == ""
    assert found["c"].discrimination == pytest.approx(0.0, abs=1e-12)
    assert found["c"].note.startswith("flagged: hardly discriminates")
    negative = {i.exercise: i for i in items(rows("pff", "pff", "fpp", "fpp"), EXERCISES)}["a"]
    assert negative.discrimination == pytest.approx(-1.0) and "tend to fail the rest" in negative.note


def test_what_cannot_be_computed_is_said_with_why():
    everyone = {i.exercise: i for i in items(rows("ppf", "pfp", "ppp"), EXERCISES)}
    assert everyone["a"].discrimination is None and "every student passed" in everyone["a"].note
    one = items(rows("ppp"), EXERCISES)[0]
    assert one.discrimination is None and one.note == "not computed: one graded submission"
    same_rest = {i.exercise: i for i in items(rows("pff", "fff"), EXERCISES)}["a"]
    assert same_rest.note == "not computed: the rest of the score is the same for everyone"
    assert items([{"submission": "x", "status": "no submission"}], EXERCISES)[0].note == "no graded submission"
    assert point_biserial([], []) is None


def test_the_report_says_which_checks_work(tmp_path):
    write_report(tmp_path / "report.html", "practice.ipynb", EXERCISES, rows("ppp", "ppf", "pff", "ffp", "fff"))
    page = (tmp_path / "report.html").read_text()
    assert "<h2>Which checks work</h2>" in page and "<td>+0.33</td>" in page and "hardly discriminates" in page
