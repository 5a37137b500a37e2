"""Open in Colab: badge and install cell agree with pyproject.toml, and a simulated Colab runs every notebook.

The simulated runs use the exercise editions, unfilled: the install cell is the same as the solutions' (checked
below), and the same runs prove that a student who has written nothing yet can run the whole notebook.

The simulation builds (once, cached under .cache/) a virtual environment that sees this environment's packages
except lab_utils, puts a stand-in `google.colab` module on the kernel's path, points the install cell at a wheel
of this checkout through LAB_UTILS_SOURCE, and runs each notebook with papermill from an empty folder.
"""

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import types
from pathlib import Path

import pytest

from lab_utils.results import read_results
from lab_utils.tools.publish.colab import INSTALL_TAG, SOURCE_ENV, expected_cells, repository, sync
from lab_utils.tools.run.execution import kernelspec, run_papermill

from .conftest import NOTEBOOKS, ROOT

EXERCISES = [ROOT / "exercises" / nb.name for nb in NOTEBOOKS]

pytestmark = pytest.mark.slow
CACHE = ROOT / ".cache" / "colab-sim"
# Each simulated run also checks one promise of its notebook's parameters (so that no run is paid for twice):
# notebook 01 converges with lr 0.1 in 400 epochs, notebook 02 learns NAND, notebook 03 reports an Adam lr of
# 1000 as not converged without printing nan.
COLAB_PARAMS = {
    "01_linear_regression.ipynb": {"lr": 0.1, "epochs": 400},
    "02_logistic_regression.ipynb": {"gate": "nand", "lr": 0.5, "epochs": 2000},
    "03_multilayer_perceptron.ipynb": {"optimizer_name": "adam", "lr": 1000.0, "epochs": 300, "slp_epochs": 100,
                                       "n_models": 50, "grid_models": 20, "grid_epochs": 300},
}


def _sources_hash() -> str:
    h = hashlib.sha256()
    for path in sorted([ROOT / "pyproject.toml", *(ROOT / "lab_utils").rglob("*.py"),
                        *(ROOT / "lab_utils").rglob("*.po"), *(ROOT / "lab_utils").rglob("*.pyi")]):
        h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return h.hexdigest()[:12]


def _forget_lab_utils(venv: Path) -> None:
    # What `pip uninstall lab-utils` does, without starting pip.
    for site in venv.glob("lib/python*/site-packages"):
        for path in [*site.glob("lab_utils"), *site.glob("lab_utils-*.dist-info")]:
            shutil.rmtree(path)


def _site_without_lab_utils(folder: Path) -> Path:
    """A folder that shows this environment's installed packages except lab_utils: one link per entry.

    Works whether lab_utils is installed editable or not; .pth files are left out, so no editable finder runs."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for site in dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]):
        for entry in Path(site).iterdir():
            if entry.suffix == ".pth" or entry.name.lstrip("_").startswith(("lab_utils", "editable___lab_utils")):
                continue
            if not (folder / entry.name).exists():
                (folder / entry.name).symlink_to(entry)
    return folder


def _colab_venv() -> Path:
    """A venv without lab_utils that sees every other package of this environment."""
    key = hashlib.sha256(f"{sys.executable}{sys.version}".encode()).hexdigest()[:12]
    venv = CACHE / f"venv-{key}"
    python = venv / "bin" / "python"
    if not python.exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "colab_sim.pth").write_text(f"{_site_without_lab_utils(venv / 'host-packages')}\n")
    _forget_lab_utils(venv)
    probe = subprocess.run([str(python), "-c", "import lab_utils"], capture_output=True, cwd=CACHE)
    assert probe.returncode != 0, "the simulated Colab environment must start without lab_utils"
    return python


@pytest.fixture
def colab_python() -> Path:
    """A venv without lab_utils that sees every other package of this environment."""
    return _colab_venv()


@pytest.fixture(scope="module")
def colab_runtime() -> Path:
    """One simulated Colab runtime for the notebook runs of this module: it starts without lab_utils, so the first
    run's install cell installs the wheel and the others find it installed (the install cell is one text in every
    notebook: test_badges_and_install_cells_agree_with_pyproject; installing once is what each run proves)."""
    return _colab_venv()


@pytest.fixture(scope="module")
def wheel() -> Path:
    """A wheel of this checkout, rebuilt only when lab_utils or pyproject.toml change."""
    folder = CACHE / f"wheel-{_sources_hash()}"
    found = list(folder.glob("*.whl"))
    if not found:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder), str(ROOT)],
                       check=True)
        found = list(folder.glob("*.whl"))
    return found[0]


@pytest.fixture(scope="module")
def fake_colab(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fake_colab")
    (root / "google" / "colab").mkdir(parents=True)  # `google` stays a namespace package
    (root / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s module."""\n')
    return root


def install_cell(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb["cells"] if INSTALL_TAG in c["metadata"].get("tags", []))
    return "".join(cell["source"])


def test_badges_and_install_cells_agree_with_pyproject():
    assert sync(NOTEBOOKS, check=True) == [], "run `make colab-sync` after changing the repository address"
    korean = [ROOT / "ko" / p.parent.name / p.name for p in [*NOTEBOOKS, *EXERCISES]]
    assert sync([*EXERCISES, *korean], check=True) == [], "run `make editions` after `make colab-sync`"
    repo, branch = repository(ROOT / "pyproject.toml")
    for nb in [*NOTEBOOKS, *EXERCISES, *korean]:
        badge, install = expected_cells(nb)
        text = nb.read_text()
        assert f"colab.research.google.com/github/{repo}/blob/{branch}/{nb.relative_to(ROOT).as_posix()}" in text
        assert f"git+https://github.com/{repo}@{branch}" in install_cell(nb) == install
        first = json.loads(text)["cells"][0]
        assert first["cell_type"] == "markdown" and "Open In Colab" in "".join(first["source"])


def test_sync_rewrites_from_a_new_address(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project.urls]\nRepository = "https://github.com/someone/fork"\n\n[tool.lab-utils]\ncolab-branch = "dev"\n')
    nb = tmp_path / "notebooks" / NOTEBOOKS[0].name
    shutil.copy(NOTEBOOKS[0], nb)
    assert sync([nb], check=True) == [nb]
    assert sync([nb]) == [nb] and sync([nb], check=True) == []
    assert "github/someone/fork/blob/dev/notebooks/" in nb.read_text()
    assert 'git+https://github.com/someone/fork@dev' in install_cell(nb)


def _run(python: Path, code: str, cwd: Path, env_extra: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    return subprocess.run([str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


def test_install_cell_does_nothing_outside_colab(colab_python, tmp_path):
    code = install_cell(NOTEBOOKS[0])
    bogus = {SOURCE_ENV: str(tmp_path / "no-such-wheel.whl"), "PYTHONPATH": ""}
    out = _run(colab_python, code + "\nprint('on colab:', _on_colab)", tmp_path, bogus)
    assert out.returncode == 0 and out.stdout == "on colab: False\n" and out.stderr == ""
    assert _run(colab_python, "import lab_utils", tmp_path, {}).returncode != 0  # nothing was installed


def test_install_cell_skips_when_lab_utils_is_present(fake_colab, tmp_path):
    code = install_cell(NOTEBOOKS[0])
    env = {SOURCE_ENV: str(tmp_path / "no-such-wheel.whl"), "PYTHONPATH": str(fake_colab)}
    out = _run(Path(sys.executable), code + "\nprint('on colab:', _on_colab)", tmp_path, env)
    assert out.returncode == 0 and out.stdout == "on colab: True\n", out.stderr


def test_install_cell_on_colab_installs_without_pips_root_warning(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)  # as if lab_utils were missing
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    monkeypatch.delenv(SOURCE_ENV, raising=False)
    exec(install_cell(NOTEBOOKS[0]), {})
    ((cmd, kw),) = calls
    assert cmd[1:4] == ["-m", "pip", "install"] and cmd[-1].startswith("git+https://github.com/")
    assert kw["check"] is True and kw["env"]["PIP_ROOT_USER_ACTION"] == "ignore" and "PATH" in kw["env"]


@pytest.mark.ci  # 40 s of the suite's CPU: make test-ci runs it (and make test-colab the real stack)
@pytest.mark.parametrize("nb", EXERCISES, ids=lambda p: p.stem)
def test_notebook_runs_in_simulated_colab(nb, colab_runtime, wheel, fake_colab, tmp_path, monkeypatch):
    work = tmp_path / "colab"  # an empty working folder: no file next to the notebook is available
    work.mkdir()
    out = work / "out.ipynb"
    # The kernel is the simulated runtime's Python (google.colab importable, the install cell pointed at the wheel);
    # the run itself is driven from here, as `lab run` drives one.
    found = kernelspec("colab-sim", colab_runtime, tmp_path / "jupyter", {"PYTHONPATH": str(fake_colab),
                                                                          SOURCE_ENV: str(wheel)})
    for name, value in found.items():
        monkeypatch.setenv(name, value)
    code, log, _ = run_papermill(nb, out, COLAB_PARAMS[nb.name], kernel="colab-sim", timeout=300)
    assert code == 0, log[-2000:]
    results = read_results(out)
    # the cells after the unfinished exercises ran as in the solution
    assert results["converged"] is (not nb.name.startswith("03"))
    executed = json.loads(out.read_text())
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    score = next(o["data"]["application/json"] for o in outputs if o.get("metadata", {}).get("lab_utils.scores"))
    assert score["passed"] == 0 and set(score["exercises"].values()) == {"not done yet"}
    if nb.name.startswith("01"):
        assert abs(results["W"] - 1) < 1e-3 and abs(results["b"]) < 1e-3 and results["epochs_used"] <= 400
    if nb.name.startswith("02"):
        assert results["gate"] == "nand" and results["accuracy"] == 1.0
    if nb.name.startswith("03"):
        stdout = "".join("".join(o.get("text", "")) for o in outputs if o.get("name") == "stdout")
        assert "nan" not in stdout.lower()
    installed = subprocess.run([str(colab_runtime), "-c", "import lab_utils, sys; print(lab_utils.__file__)"],
                               capture_output=True, text=True, cwd=work)
    assert installed.stdout.startswith(str(colab_runtime.parents[1])), installed.stdout  # from the wheel
    assert sorted(p.name for p in work.iterdir()) == ["out.ipynb"]  # the notebook wrote nothing beside itself
