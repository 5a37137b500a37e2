"""The exercise editions: generated from the solution notebooks, committed, and never drifting from them."""

import json
import shutil
import subprocess
import sys

import pytest

from lab_utils.errors import LabError
from lab_utils.nbfile import EXERCISE_TAG, INSTALL_TAG, SCORE_TAG, SOLUTION_ONLY_TAG
from lab_utils.tools.grade.submissions import assemble
from lab_utils.tools.publish.colab import expected_cells
from lab_utils.tools.publish.editions import (
    blank_solutions,
    build,
    editions,
    has_regions,
    render,
    stub,
)

from .cells import code_cells, load, src
from .conftest import NOTEBOOKS, ROOT

EXERCISES = [ROOT / "exercises" / nb.name for nb in NOTEBOOKS]


def test_committed_exercise_notebooks_are_what_the_generator_makes():
    targets = [e.target for e in editions(ROOT)]
    assert targets == [ROOT / d / nb.name for nb in NOTEBOOKS for d in ("exercises", "ko/notebooks", "ko/exercises")]
    assert build(ROOT, check=True) == [], "an exercise notebook drifted from its solution: run `make editions`"


def test_editions_check_command_passes_on_this_checkout():
    out = subprocess.run([sys.executable, "-m", "lab_utils", "editions", "--check"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr


def test_a_changed_solution_makes_the_check_fail(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "i18n").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(NOTEBOOKS[0], tmp_path / "notebooks")
    shutil.copytree(ROOT / "i18n" / "ko", tmp_path / "i18n" / "ko")
    for other in NOTEBOOKS[1:]:
        (tmp_path / "i18n" / "ko" / f"{other.stem}.po").unlink()
    assert build(tmp_path, execute=False) == [tmp_path / d / NOTEBOOKS[0].name
                                              for d in ("exercises", "ko/notebooks", "ko/exercises")]
    assert build(tmp_path, check=True) == []
    nb = load(tmp_path / "notebooks" / NOTEBOOKS[0].name)
    next(c for c in nb["cells"] if c["id"] == "cell-24")["source"] = ["changed = 1\n"]
    (tmp_path / "notebooks" / NOTEBOOKS[0].name).write_text(json.dumps(nb))
    before = (tmp_path / "exercises" / NOTEBOOKS[0].name).read_text()
    assert build(tmp_path, check=True) == [tmp_path / d / NOTEBOOKS[0].name
                                           for d in ("exercises", "ko/notebooks", "ko/exercises")]
    assert (tmp_path / "exercises" / NOTEBOOKS[0].name).read_text() == before  # --check writes nothing
    out = subprocess.run([sys.executable, "-m", "lab_utils", "editions", "--check"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "exercises/01_linear_regression.ipynb: out of date" in out.stdout


@pytest.mark.parametrize("solution", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_edition_blanks_only_the_solution_regions(solution):
    sol, ex = load(solution), load(ROOT / "exercises" / solution.name)
    kept = [c for c in code_cells(sol) if SOLUTION_ONLY_TAG not in c["metadata"].get("tags", [])]
    assert [c["id"] for c in code_cells(ex)] == [c["id"] for c in kept]
    exercises = 0
    for s, e in zip(kept, code_cells(ex)):
        assert e["outputs"] == [] and e["execution_count"] is None
        if has_regions(src(s)):
            exercises += 1
            assert EXERCISE_TAG in e["metadata"]["tags"] and src(e) == blank_solutions(src(s))
            assert "SOLUTION" not in src(e) and "# YOUR CODE HERE" in src(e)
        else:
            assert src(e) == src(s) and EXERCISE_TAG not in e["metadata"].get("tags", [])
    assert exercises >= 3
    assert not any(SOLUTION_ONLY_TAG in c["metadata"].get("tags", []) for c in ex["cells"])
    assert SCORE_TAG in code_cells(ex)[-1]["metadata"]["tags"]  # the last cell shows the score table
    badge, install = expected_cells(ROOT / "exercises" / solution.name)
    assert "".join(ex["cells"][0]["source"]) == badge and f"blob/main/exercises/{solution.name}" in badge
    assert src(next(c for c in ex["cells"] if INSTALL_TAG in c["metadata"].get("tags", []))) == install
    assert ex["metadata"]["kernelspec"]["name"] == "python3"
    assert ex["metadata"]["lab_utils"] == {"edition": "exercise", "source": f"notebooks/{solution.name}"}


@pytest.mark.parametrize("solution", NOTEBOOKS, ids=lambda p: p.stem)
def test_splicing_the_solutions_back_gives_the_solution_notebook(solution):
    # The grader splices a submission's exercise cells into the exercise notebook. With the solution as the
    # submission the result is the solution's code, cell for cell, which nbval executes: every check passes there.
    spliced, missing, _ = assemble(load(ROOT / "exercises" / solution.name), load(solution))
    assert missing == []
    kept = [c for c in code_cells(load(solution)) if SOLUTION_ONLY_TAG not in c["metadata"].get("tags", [])]
    assert [src(c) for c in code_cells(spliced)] == [src(c) for c in kept]


@pytest.mark.parametrize("solution", NOTEBOOKS, ids=lambda p: p.stem)
def test_solution_notebooks_store_a_full_score(solution):
    score = code_cells(load(solution))[-1]
    data = score["outputs"][0]["data"]["application/json"]
    assert data["passed"] == data["total"] >= 3 and set(data["exercises"].values()) == {"passed"}
    text = "".join("".join(o.get("text", "")) for c in code_cells(load(solution)) for o in c["outputs"])
    assert text.count("✅ Exercise") == data["total"] and "❌" not in text and "⏳" not in text


def test_stub_keeps_names_and_comments():
    assert stub("W = torch.rand(1)  # set model\nopt.step()\n") == ["# YOUR CODE HERE", "W = ...  # set model"]
    assert stub("a, b = f()\nreturn a + b\n") == ["# YOUR CODE HERE", "a, b = ..., ...", "return ..."]
    assert stub("for i in range(3):\n    x.step()\n") == ["# YOUR CODE HERE", "..."]
    assert stub("self.linear = nn.Linear(1, 1)\n") == ["# YOUR CODE HERE", "self.linear = ..."]
    code = "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n"
    assert blank_solutions(code) == "def f(x):\n    # YOUR CODE HERE\n    y = ...\n    return ...\n"


@pytest.mark.parametrize("code,message", [
    ("### BEGIN SOLUTION\nx = 1\n", "is never closed"),
    ("x = 1\n### END SOLUTION\n", "without a BEGIN above it"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside another region"),
    ("### BEGIN SOLUTION\nx = (\n### END SOLUTION\n", "does not parse on its own"),
])
def test_bad_markers_are_one_line_errors(code, message):
    with pytest.raises(LabError, match=message):
        blank_solutions(code, "nb cell 3")


def test_render_is_deterministic():
    edition = editions(ROOT)[0]
    assert render(edition, ROOT) == render(edition, ROOT)


def test_every_generated_notebook_says_so_in_its_first_cell_and_the_written_ones_do_not():
    """The note (an HTML comment: seen where the cell is edited, not where it is read) names what the notebook is
    made from, in the edition's language; a solution notebook written by hand has none."""
    from lab_utils import layout

    for edition in editions(ROOT):
        first = src(load(edition.target)["cells"][0])
        note = first.split("\n\n", 1)[1] if "\n\n" in first else ""
        assert note.startswith("<!--") and note.endswith("-->"), edition.target
        assert f"`{layout.folder(layout.SOURCE, 'solution')}/{edition.source.name}`" in note, note
        assert ("Generated by `make editions`" in note) == (edition.language == layout.SOURCE), note
    for path in NOTEBOOKS:
        assert "<!--" not in src(load(path)["cells"][0]), path
