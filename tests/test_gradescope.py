"""`lab gradescope`: the autograder.zip Gradescope runs, its results.json against a JSON Schema written from
Gradescope's specification, and run_autograder in a simulated /autograder tree (bubblewrap bind mounts), both in a
container that allows namespaces and in one that refuses them as Docker's default profile does."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from lab_utils.tools.grade.gradescope import RESULTS_SCHEMA, results
from lab_utils.tools.isolation import sandbox

from . import cells
from .conftest import ROOT
from .test_grade import edit, rows_of, submission

TEMPLATE = ROOT / "exercises" / "01_linear_regression.ipynb"
SOLUTION = ROOT / "notebooks" / "01_linear_regression.ipynb"
# Docker's default capabilities (moby: oci/caps/defaults.go): no CAP_SYS_ADMIN, so no namespaces for bubblewrap
DOCKER_CAPS = ["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
               "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"]


def _feedback(statuses):
    return {"exercises": [{"id": f"e{i}", "number": i, "title": f"title {i}", "status": s, "cause": "",
                           "line": f"{'✅' if s == 'passed' else '❌'} Exercise {i} (title {i}): {s}"}
                          for i, s in enumerate(statuses, 1)], "note": ""}


def test_results_follow_gradescopes_specification_and_the_schema_is_not_empty():
    found = results({"total": 2}, _feedback(["passed", "failed", "passed"]), 10.0, "graded in a sandbox", 4.2)
    jsonschema.validate(found, RESULTS_SCHEMA)
    assert found["score"] == pytest.approx(6.6667) and [t["max_score"] for t in found["tests"]] == [3.3333] * 3
    assert found["tests"][1] == {"name": "2. title 2", "number": "2", "score": 0.0, "max_score": 3.3333,
                                 "status": "failed", "output": "❌ Exercise 2 (title 2): failed",
                                 "visibility": "visible"}
    for broken in ({**found, "tests": [{**found["tests"][0], "status": "ok"}]},
                   {**found, "tests": [{"name": "x", "score": 1}]},
                   {**found, "visibility": "everyone"}, {"output": "no score, no tests"}, {**found, "scroe": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, RESULTS_SCHEMA)


def test_the_zip_has_its_scripts_at_the_root_and_is_the_same_each_time(tmp_path):
    for out in ("a.zip", "b.zip"):
        made = cells.lab("gradescope", TEMPLATE, "--out", tmp_path / out, "--points", "30", cwd=tmp_path)
        assert made.returncode == 0, made.stderr
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        names = zf.namelist()
        for script in ("setup.sh", "run_autograder"):
            assert zf.read(script).startswith(b"#!/usr/bin/env bash\n")
            assert (zf.getinfo(script).external_attr >> 16) & 0o111 == 0o111
        assert json.loads(zf.read("lab-autograder.json")) == {"template": TEMPLATE.name, "timeout": 300, "points": 30.0}
    assert {"setup.sh", "run_autograder", TEMPLATE.name, "package/pyproject.toml", "package/constraints.txt",
            "package/lab_utils/tools/grade/gradescope.py",
            "package/lab_utils/exercises/answers/linear.py"} <= set(names)
    assert not any("__pycache__" in n for n in names)
    bad = cells.lab("gradescope", SOLUTION, "--out", tmp_path / "c.zip", cwd=tmp_path)
    assert bad.returncode == 2 and "is not an exercise notebook" in bad.stderr and not (tmp_path / "c.zip").exists()


def _autograder(tmp_path: Path, template: Path, notebook: dict, name: str) -> Path:
    tree = tmp_path / name
    made = cells.lab("gradescope", template, "--out", tmp_path / f"{name}.zip", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(tmp_path / f"{name}.zip") as zf:
        zf.extractall(tree / "source")
    for script in ("setup.sh", "run_autograder"):
        os.chmod(tree / "source" / script, 0o755)  # zipfile does not restore modes; Gradescope's unzip does
    (tree / "submission").mkdir()
    (tree / "submission" / "lab01.ipynb").write_text(json.dumps(notebook))
    return tree


def _container(tree: Path, capabilities: list[str]) -> subprocess.CompletedProcess:
    """run_autograder as Gradescope runs it: as root in a container of its own, with /autograder bound; the
    package from the zip (setup.sh's install, here this environment's dependencies)."""
    # /tmp first: the environment may live under it (a clone in /tmp), and its binds below must not be covered
    args = ["bwrap", "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--ro-bind", "/sys",
            "/sys"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        args += ["--symlink", os.readlink(target), f"/{link}"] if target.is_symlink() else (
            ["--ro-bind", str(target), f"/{link}"] if target.is_dir() else [])
    for path in sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}):
        for parent in sorted(set(path.parents) - {Path("/")}, key=lambda p: len(p.parts)):
            args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    caps = [a for c in capabilities for a in ("--cap-add", c if c == "ALL" else f"CAP_{c}")]
    args += ["--bind", str(tree), "/autograder", "--proc", "/proc", "--dev", "/dev",
             "--unshare-pid", "--cap-drop", "ALL", *caps, "--setenv", "LAB_AUTOGRADER_PYTHON", sys.executable,
             "--setenv", "PYTHONPATH", "/autograder/source/package", "--", "/autograder/source/run_autograder"]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


ATTACK = '''
import glob, os
tries = {}
for what, path, mode in (("answers", "/autograder/source/package/lab_utils/exercises/answers/linear.py", "r"),
                         ("results", "/autograder/results/results.json", "w")):
    try:
        open(path, mode).close()
        tries[what] = "REACHED"
    except OSError as e:
        tries[what] = type(e).__name__
raise RuntimeError(f"uid {os.getuid()} {tries}")
'''


@pytest.mark.ci
@pytest.mark.skipif(sandbox.available() is not None or os.geteuid() != 0,
                    reason="needs bubblewrap and root (a container's run_autograder runs as root)")
@pytest.mark.parametrize("container", ["docker", "namespaces allowed"])
def test_run_autograder_in_a_simulated_container_gives_the_csvs_grades(tmp_path, container):
    solution = json.loads(SOLUTION.read_text())
    blank = json.loads(TEMPLATE.read_text())
    attack = edit(blank, "cell-10", ATTACK)
    capabilities = DOCKER_CAPS if container == "docker" else ["ALL"]
    found = {}
    for name, notebook in (("solution", solution), ("attack", attack)):
        tree = _autograder(tmp_path, TEMPLATE, notebook, name)
        ran = _container(tree, capabilities)
        assert ran.returncode == 0 and "Traceback" not in ran.stdout + ran.stderr, ran.stdout + ran.stderr
        found[name] = json.loads((tree / "results" / "results.json").read_text())
        jsonschema.validate(found[name], RESULTS_SCHEMA)
    if container == "docker":
        assert "the container is the sandbox" in found["solution"]["output"]
        attack_line = found["attack"]["output"]  # the note: the cell that raised, and its message
        assert "uid 61" in attack_line, attack_line  # the notebook ran under a uid of its own, not root
        assert "'answers': 'PermissionError'" in attack_line and "'results': 'PermissionError'" in attack_line
    else:
        assert "graded in a bubblewrap sandbox" in found["solution"]["output"]
        # the sandbox shows neither: an empty folder over the answers, no /autograder at all
        assert "{'answers': 'FileNotFoundError', 'results': 'FileNotFoundError'}" in found["attack"]["output"]
    # the same totals as lab grade's CSV on the same files
    subs = [submission(tmp_path, "solution", solution), submission(tmp_path, "attack", attack)]
    graded = cells.lab("grade", TEMPLATE, *subs, "--out", tmp_path / "g.csv", "--quiet", cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr
    totals = {n: float(r["total"]) for n, r in rows_of(tmp_path / "g.csv").items()}
    assert totals == {n: r["score"] for n, r in found.items()} == {"solution": 3.0, "attack": 0.0}


@pytest.mark.ci
@pytest.mark.skipif(sandbox.available() is not None or os.geteuid() != 0, reason="needs bubblewrap and root")
def test_a_korean_editions_autograder_speaks_korean_and_an_empty_upload_is_one_line(tmp_path):
    template = ROOT / "ko" / "exercises" / TEMPLATE.name
    tree = _autograder(tmp_path, template, json.loads(SOLUTION.read_text()), "ko")
    assert _container(tree, DOCKER_CAPS).returncode == 0
    found = json.loads((tree / "results" / "results.json").read_text())
    assert found["score"] == 3.0 and all("통과" in t["output"] for t in found["tests"]), found
    shutil.rmtree(tree / "submission")
    (tree / "submission").mkdir()
    ran = _container(tree, DOCKER_CAPS)
    empty = json.loads((tree / "results" / "results.json").read_text())
    assert ran.returncode == 0 and empty["score"] == 0.0 and "upload your .ipynb notebook" in empty["output"]
    jsonschema.validate(empty, RESULTS_SCHEMA)
