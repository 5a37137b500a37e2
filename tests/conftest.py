"""Shared fixtures. Notebooks under tests/fixtures are inputs for the runner tests, not nbval targets."""

import json
import os
import shutil
from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURE = ROOT / "tests" / "fixtures" / "tiny.ipynb"
PRACTICE = ROOT / "tests" / "fixtures" / "practice.ipynb"  # two torch-free exercises: the grader's quick example

# Kernels started by the tests must not inherit a headless backend: the notebooks would then emit no figures.
os.environ.pop("MPLBACKEND", None)


@pytest.fixture(autouse=True)
def fresh_exercise_outcomes():
    """Each test starts with no recorded check outcomes (the checks keep them per kernel, here per process) and in
    English (a Korean notebook's cells run in this process switch the package's language)."""
    from lab_utils import i18n
    from lab_utils.exercises import core

    with core.new_session():
        yield
    i18n.language("en")


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    """The exercise edition of the practice fixture, as `lab editions` makes it (a template to grade against)."""
    from lab_utils.nbfile import dump_notebook
    from lab_utils.tools.publish.editions import exercise_edition

    path = tmp_path / "practice.ipynb"
    path.write_text(dump_notebook(exercise_edition(json.loads(PRACTICE.read_text()), path, PRACTICE.name)))
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of the fixture notebook."""
    dst = tmp_path / "tiny.ipynb"
    shutil.copy(FIXTURE, dst)
    return dst



# Tests that share something must run on one worker (pytest-xdist's --dist loadgroup, by xdist_group mark): a
# notebook's nbval cells share one kernel, the Colab tests one simulated environment (they install into and remove
# from it), the cluster tests one Dask cluster. Every other test is handed out on its own.
SHARED = (".ipynb", "test_colab.py", "test_cluster.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the marks to form the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name.endswith(SHARED):
            item.add_marker(pytest.mark.xdist_group(item.path.name))
    # xdist hands out work in collection order: the shared groups and the tests marked slow go first, so that the
    # short ones fill both workers at the end (a stable sort: cells keep their order).
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, not item.path.name.endswith(SHARED)))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it (-p no:xdist) there is nothing to schedule
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's loadgroup, with its groups read from the node ids' files. Its own way (a suffix it writes into
    each node id) no longer takes effect with pytest 9.2 (pytest-dev/pytest-xdist#1386, fix pending in #1388): the
    groups would silently be split and the notebooks' cells run in two kernels. Remove this once the fix is released;
    the marks above are what loadgroup then reads."""
    from xdist.scheduler import LoadGroupScheduling

    class SharedGroups(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(SHARED) else super()._split_scope(nodeid)

    return SharedGroups(config, log) if config.getvalue("dist") == "loadgroup" else None
