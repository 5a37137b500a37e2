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

    core._outcomes.clear()
    yield
    core._outcomes.clear()
    i18n.language("en")


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    """The exercise edition of the practice fixture, as `lab editions` makes it (a template to grade against)."""
    from lab_utils.nbfile import dump_notebook
    from lab_utils.tools.editions import exercise_edition

    path = tmp_path / "practice.ipynb"
    path.write_text(dump_notebook(exercise_edition(json.loads(PRACTICE.read_text()), path, PRACTICE.name)))
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of the fixture notebook."""
    dst = tmp_path / "tiny.ipynb"
    shutil.copy(FIXTURE, dst)
    return dst



# Rough seconds per test file on a 2-core machine. pytest-xdist hands out work in collection order, so
# starting with the longest ones keeps both workers busy until the end.
_COST = {"test_rerun.py": 30, "test_colab.py": 25, "test_cluster.py": 20, "test_grade.py": 12,
         "test_exercise_mistakes.py": 6, "test_refresh_runall.py": 6, "test_runner.py": 20,
         "03_multilayer_perceptron.ipynb": 10, "02_logistic_regression.ipynb": 6,
         "test_batched.py": 3, "test_notebook_bad_params.py": 4, "01_linear_regression.ipynb": 4}



def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: -_COST.get(item.path.name, 0))  # stable: cells keep their order


def pytest_xdist_make_scheduler(config, log):
    """Hand out tests one by one, but keep together each notebook's nbval cells (they share one kernel), the
    Colab tests (they share one simulated environment, installing into and removing from it) and the cluster
    tests (they share one Dask cluster)."""
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScopeScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith((".ipynb", "test_colab.py", "test_cluster.py")) else nodeid

    return NotebookScopeScheduling(config, log)
