"""Similar submissions: on a class built from the checks' catalogue, only the planted pair (idiosyncratic code shared
under renamed variables, reordered statements and other comments) is flagged; sharing the canonical answer or the
starter code is not; batches that leave nothing to compare say why; the report shows it in English and Korean."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab_utils.exercises import linear
from lab_utils.tools.grade import similarity
from lab_utils.tools.grade.report import write_report

from . import cells, similar
from .conftest import ROOT

TEMPLATE = ROOT / "exercises" / "01_linear_regression.ipynb"


@pytest.fixture(scope="module")
def template() -> dict:
    return cells.load(TEMPLATE)


@pytest.fixture(scope="module")
def fixture_class() -> dict[str, dict]:
    return similar.fixture_class()


def compare(template: dict, notebooks: dict[str, dict], canonical: bool = True) -> similarity.Similarity:
    """The batch's similarity as lab grade computes it: from the submissions' bytes."""
    code = similarity.class_code(template, {n: json.dumps(nb).encode() for n, nb in notebooks.items()})
    solution = similarity.solution_code(TEMPLATE, template) if canonical else None
    return similarity.similarity(code, similarity.exercise_code(template), solution)


def canonical_only(notebooks: dict[str, dict]) -> list[str]:
    """The students whose every exercise cell is the solution's code (comments and blank lines aside)."""
    solution = similar.canonical()

    def same(a: str, b: str) -> bool:
        strip = [line.split("#")[0].rstrip() for line in a.splitlines() if line.split("#")[0].strip()]
        return strip == [line.split("#")[0].rstrip() for line in b.splitlines() if line.split("#")[0].strip()]

    return [n for n, nb in notebooks.items() if all(same(cells.source(nb, c), solution[c]) for c in similar.CELLS)]


def test_the_planted_pair_ranks_first_and_is_the_only_one_flagged(template, fixture_class):
    found = compare(template, fixture_class)
    first = found.pairs[0]
    assert (first.a, first.b) == similar.PLANTED and first.flagged
    assert [(p.a, p.b) for p in found.pairs if p.flagged] == [similar.PLANTED]
    # the shared helper is marked on both sides, though every name in it differs
    code_a, code_b = found.code[first.a].split("\n"), found.code[first.b].split("\n")
    assert any("run_one_epoch_zz" in code_a[n - 1] for n in first.a_lines)
    assert any("step_once" in code_b[n - 1] for n in first.b_lines)
    assert len(found.scores) == 30 * 29 // 2


def test_sharing_the_canonical_answer_or_the_starter_code_is_not_flagged(template, fixture_class):
    found = compare(template, fixture_class)
    honest = canonical_only(fixture_class)
    assert len(honest) >= 3
    pairs = {(p.a, p.b): p for p in found.pairs}
    among = [pairs[a, b] for a in honest for b in honest if a < b]
    # they are alike (their score is high: that is what short exercises do), and share nothing of their own
    assert all(p.score > 0.9 and p.distinct == 0 and not p.flagged for p in among)
    blank = {"blank-1": template, "blank-2": template}
    assert similarity.class_code(template, {n: json.dumps(nb).encode() for n, nb in blank.items()}) == {}
    # without the canonical answer two correct answers share it as their own code: the report says so (in a class,
    # code that many students share is common all the same)
    alone = compare(template, {n: fixture_class[n] for n in honest[:2]}, canonical=False)
    assert alone.notes[0][0] == similarity.NO_CANONICAL and max(p.distinct for p in alone.pairs) > 0


def test_a_copy_is_found_through_renaming_reordering_and_new_comments(template):
    def submission(code: dict[str, str]) -> dict:
        nb = json.loads(json.dumps(template))
        for cid, answer in code.items():
            next(c for c in nb["cells"] if c.get("id") == cid)["source"] = cells.filled(template, cid, answer)
        return nb

    canonical = json.loads(json.dumps(template))
    for cid, code in similar.canonical().items():
        next(c for c in canonical["cells"] if c.get("id") == cid)["source"] = code
    pair = compare(template, {"a": submission(similar.PLANTED_A), "b": submission(similar.PLANTED_B),
                              "c": canonical})
    found = {(p.a, p.b): p for p in pair.pairs}
    assert found["a", "b"].distinct >= similarity.MIN_DISTINCT and found["a", "b"].score > 0.8
    assert found["a", "c"].distinct == 0


def test_batches_with_nothing_to_compare_say_why_and_the_report_renders(template, fixture_class, tmp_path):
    one = compare(template, {"only": fixture_class["student-01"]})
    assert one.pairs == [] and one.notes[-1] == (similarity.TOO_FEW, {"n": 1})
    same = compare(template, {f"copy-{i}": fixture_class[similar.PLANTED[0]] for i in range(6)})
    assert not any(p.flagged for p in same.pairs)  # everyone shares it: how this class writes it
    assert same.identical == [tuple(f"copy-{i}" for i in range(6))]
    assert same.notes and same.notes[0][0] == similarity.COMMON
    for found in (one, same):
        write_report(tmp_path / "report.html", "01.ipynb", linear.EXERCISES, [], found)
        page = (tmp_path / "report.html").read_text()
        assert "<h2>Similar submissions</h2>" in page
    assert "Identical exercise code beyond the canonical answer: copy-0, copy-1" in page


def test_a_large_class_is_compared_through_a_sample_and_its_candidates(template, fixture_class, monkeypatch):
    monkeypatch.setattr(similarity, "MAX_PAIRS", 100)
    found = compare(template, fixture_class)
    assert len(found.scores) == 100 and found.notes[-1][0] == similarity.SAMPLED
    assert (found.pairs[0].a, found.pairs[0].b) == similar.PLANTED and found.pairs[0].flagged


def test_the_csv_and_the_report_rank_pairs_highest_first(template, fixture_class, tmp_path):
    found = compare(template, fixture_class)
    similarity.write_csv(tmp_path / "similarity.csv", found)
    with (tmp_path / "similarity.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert (rows[0]["submission a"], rows[0]["submission b"], rows[0]["flagged"]) == (*similar.PLANTED, "yes")
    assert [int(r["distinct shared"]) for r in rows] == sorted((int(r["distinct shared"]) for r in rows), reverse=True)
    assert len(rows) == 30 * 29 // 2
    rows_graded = [{"submission": n, "status": "graded", "01-loop": "pass"} for n in fixture_class]
    for language, heading, flagged in (("en", "Similar submissions", "1 of 435 pairs flagged."),
                                       ("ko", "비슷한 제출물", "쌍 435개 중 1개를 표시했습니다.")):
        write_report(tmp_path / f"report-{language}.html", "01.ipynb", linear.EXERCISES, rows_graded, found, language)
        page = (tmp_path / f"report-{language}.html").read_text()
        assert f"<html lang='{language}'>" in page and f"<h2>{heading}</h2>" in page and flagged in page
        assert page.count("<mark>") >= len(found.pairs[0].a_lines) + len(found.pairs[0].b_lines)
    assert "Grades" not in Path(tmp_path / "report-ko.html").read_text()


def test_fingerprints_are_the_same_in_every_process():
    # copydetect's own hash() is salted per process: the grader's report must not change from run to run
    code = similar.PLANTED_A["cell-10"]
    here = sorted(int(h) for h in similarity._fingerprint(code).hashes)
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", "import sys; "
                              "from lab_utils.tools.grade.similarity import _fingerprint;"
                              "print(sorted(int(h) for h in _fingerprint(sys.stdin.read()).hashes))"],
                             input=code, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
                             check=True)
        assert json.loads(out.stdout) == here
