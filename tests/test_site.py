"""The site builder without a browser: what it refuses, and how it lays out the pages (the build and the browser
checks are in test_site_browser.py, run by `make site-test`)."""

import json
import re
import shutil

import pytest

from lab_utils.errors import LabError
from lab_utils.tools.publish.site import check_outputs, for_the_web, notebooks_table

from .conftest import NOTEBOOKS, ROOT


def test_a_notebook_without_stored_outputs_stops_the_build(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOKS[0], tmp_path / "notebooks")
    assert check_outputs(tmp_path) == [tmp_path / "notebooks" / NOTEBOOKS[0].name]
    nb = json.loads(NOTEBOOKS[0].read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (tmp_path / "notebooks" / NOTEBOOKS[0].name).write_text(json.dumps(nb))
    with pytest.raises(LabError, match=r"notebooks/01_linear_regression.ipynb has no stored outputs \(code cell 1 "
                                       r"never ran\): run `make outputs` first; the site .* never executes"):
        check_outputs(tmp_path)


def test_every_solution_notebook_has_stored_outputs():
    assert len(check_outputs(ROOT)) == 2 * len(NOTEBOOKS)  # English and Korean


@pytest.mark.parametrize("lang,words", [("en", ["solution", "practice", ".ipynb"]), ("ko", ["해답판", "실습판"])])
def test_landing_table_lists_every_notebook(lang, words):
    table = notebooks_table(ROOT, lang)
    prefix = "ko/" if lang == "ko" else ""
    for nb in NOTEBOOKS:
        assert f"<notebooks/{nb.stem}>" in table and f"<exercises/{nb.stem}>" in table
        assert f"colab.research.google.com/github/ailab-hanyang/mlp-lab/blob/main/{prefix}exercises/{nb.name}" in table
    assert all(w in table for w in words) and len(table.splitlines()) == 2 + len(NOTEBOOKS)


def test_pages_show_a_local_badge_and_hide_the_install_cell():
    nb = for_the_web(json.loads((ROOT / "ko" / "notebooks" / NOTEBOOKS[1].name).read_text()), "notebooks")
    badge = "".join(nb["cells"][0]["source"])
    assert "](../_static/colab-badge.svg)" in badge
    assert "assets/colab-badge.svg" not in badge and "[English]" not in badge  # the header's switch links the twin
    assert "remove-cell" in nb["cells"][1]["metadata"]["tags"]


FILE_NAME = re.compile(r"\.(png|svg|jpe?g|gif)\b|_images/|^[\w./-]+$")


@pytest.mark.parametrize("path", [*NOTEBOOKS, *(ROOT / "ko" / "notebooks" / nb.name for nb in NOTEBOOKS)],
                         ids=lambda p: "/".join(p.parts[-2:]))
def test_every_figure_says_what_it_shows(path):
    """Each stored figure carries an alt text (the plot helpers put it in the output's metadata; a figure drawn by
    the notebook's own code has it in the cell's), in the notebook's language, and the site page gets it."""
    nb = json.loads(path.read_text())
    korean = path.parts[-3] == "ko"
    figures = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "image/png" not in out.get("data", {}):
                continue
            figures += 1
            alt = out.get("metadata", {}).get("image/png", {}).get("alt") or \
                cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt.split()) >= 6 and not FILE_NAME.search(alt), f"{cell['id']}: {alt!r}"
            assert bool(re.search(r"[가-힣]", alt)) == korean, f"{cell['id']}: {alt!r}"
    assert figures >= 4
    web = for_the_web(nb, "notebooks")
    for cell in web["cells"]:
        if any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            assert cell["metadata"]["mystnb"]["image"]["alt"]
