"""Shared fixtures. Notebooks under tests/fixtures are inputs for the runner tests, not nbval targets."""

import os
import shutil
from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURE = ROOT / "tests" / "fixtures" / "tiny.ipynb"

# Kernels started by the tests must not inherit a headless backend: the notebooks would then emit no figures.
os.environ.pop("MPLBACKEND", None)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of the fixture notebook."""
    dst = tmp_path / "tiny.ipynb"
    shutil.copy(FIXTURE, dst)
    return dst

