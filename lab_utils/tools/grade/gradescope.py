"""Gradescope: `lab gradescope TEMPLATE --out autograder.zip` builds the autograder an instructor uploads, and
`python -m lab_utils.tools.grade.gradescope` is what its `run_autograder` runs on each submission (shared/reference/
lms-formats.md: the zip holds `setup.sh` and `run_autograder` at its root; at run time the zip is in
/autograder/source, the student's files in /autograder/submission, and /autograder/results/results.json is read
back).

A submission is graded by `lab grade` itself: the same template, checks and verdicts, one fresh kernel. Gradescope
runs each submission in a Docker container whose default seccomp profile refuses the namespaces bubblewrap needs;
there the container is the sandbox: the notebook runs under a uid of its own with the grader's limits, the checks'
answers and the results folder are made unreachable for that uid, the verdicts run in the grader's process (root),
and results.json says which isolation held.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import stat
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import LabError
from ...exercises.core import PASSED
from ...nbfile import atomic_write, load_notebook
from ..isolation import sandbox
from .submissions import check_template, exercises_of

CONFIG = "lab-autograder.json"  # in the zip: which template, the timeout, the points
PACKAGE = "package"  # in the zip: this project's source (pyproject.toml, constraints.txt, lab_utils/)
SOURCE = ("pyproject.toml", "constraints.txt", "README.md", "lab_utils")

# results.json as Gradescope's specification describes it (gradescope/autograder_samples docs/specs.md): the
# fields this grader writes and the values each may take; validated in the tests with jsonschema.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Gradescope autograder results.json",
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY,
                "extra_data": {"type": "object"},
            },
            "required": ["score", "max_score", "name"],
            "additionalProperties": False,
        }},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {}, "order": {"enum": ["asc", "desc"]}}}},
    },
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
    "additionalProperties": False,
}

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu): Python, bubblewrap (used
# where the container allows namespaces), and this package's pinned dependencies with PyTorch's CPU build.
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv python3-pip \\
    bubblewrap util-linux
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install --extra-index-url https://download.pytorch.org/whl/cpu \\
    -c /autograder/source/package/constraints.txt /autograder/source/package
/autograder/venv/bin/python -c "import matplotlib.pyplot"  # the font cache, built once
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: lab_utils grades /autograder/submission into
# /autograder/results/results.json (its own output and errors go to Gradescope's stdout, for the instructor).
exec "${LAB_AUTOGRADER_PYTHON:-/autograder/venv/bin/python}" -m lab_utils.tools.grade.gradescope \\
    --root "${LAB_AUTOGRADER_ROOT:-/autograder}"
"""


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: the same inputs make the same zip
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    zf.writestr(info, data)


def _package_files(root: Path) -> list[tuple[str, Path]]:
    files = []
    for name in SOURCE:
        path = root / name
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        files += [(p.relative_to(root).as_posix(), p) for p in found
                  if "__pycache__" not in p.parts and p.suffix not in (".pyc", ".mo")]
    return files


def build(template: Path, out: Path, points: float | None = None, timeout: float = 300) -> Path:
    """Write autograder.zip for `template` (an exercise notebook): setup.sh and run_autograder at its root, the
    template, this package's source and the configuration; return its path."""
    from ..publish.colab import find_pyproject

    nb = load_notebook(template)
    check_template(nb, template.name)
    _, exercises, _ = exercises_of(nb)
    root = find_pyproject(Path(__file__)).parent
    config = {"template": template.name, "timeout": timeout,
              "points": float(points) if points is not None else float(len(exercises))}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        _add(zf, "setup.sh", SETUP.encode(), executable=True)
        _add(zf, "run_autograder", RUN.encode(), executable=True)
        _add(zf, template.name, template.read_bytes())
        _add(zf, CONFIG, (json.dumps(config, indent=1) + "\n").encode())
        for name, path in _package_files(root):
            _add(zf, f"{PACKAGE}/{name}", path.read_bytes())
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(buf.getvalue())
    os.replace(partial, out)
    return out


@dataclasses.dataclass(frozen=True)
class Isolation:
    """How a submission is kept from the grader here: bubblewrap, the container (a uid of its own), or nothing."""

    use_sandbox: bool
    namespaces: bool
    text: str


def isolation() -> Isolation:
    """The strongest isolation this machine allows, said in words for results.json."""
    missing = sandbox.available()
    if missing is None:
        return Isolation(True, True, "graded in a bubblewrap sandbox inside Gradescope's container")
    if os.geteuid() == 0:
        return Isolation(True, False, "the container is the sandbox (it refuses bubblewrap's namespaces): the notebook "
                         "ran under a uid of its own, with the grader's limits, and could not reach the checks' "
                         "answers or the results")
    return Isolation(False, False, "graded WITHOUT a sandbox: bubblewrap is refused and the autograder is not root")


def _lock_away(paths: Sequence[Path]) -> None:
    """Make paths unreachable for every uid but root's: in the container, the run's uid cannot read the checks'
    answers or write the results."""
    for path in paths:
        if path.exists():
            os.chmod(path, 0o700)


def results(row: Mapping[str, Any], feedback: Mapping[str, Any], points: float, how: str, seconds: float,
            ) -> dict[str, Any]:
    """results.json for one graded submission: one test per exercise (its feedback line as output), the score
    scaled to `points`, the note and the isolation in the overall output."""
    exercises = feedback.get("exercises", [])
    each = points / max(1, len(exercises))
    tests = [{"name": f"{line['number']}. {line['title']}", "number": str(line["number"]),
              "score": round(each if line["status"] == PASSED else 0.0, 4), "max_score": round(each, 4),
              "status": "passed" if line["status"] == PASSED else "failed", "output": line["line"],
              "visibility": "visible"} for line in exercises]
    output = [feedback.get("note", ""), str(row.get("error", "")) if not feedback else "", how]
    passed = sum(line["status"] == PASSED for line in exercises)
    return {"score": round(points * passed / max(1, len(exercises)), 4), "execution_time": round(seconds, 2),
            "output": "\n".join(o for o in output if o), "tests": tests, "visibility": "visible",
            "stdout_visibility": "hidden"}


def run(root: Path) -> dict[str, Any]:
    """Grade root/submission against the template in root/source; write root/results/results.json; return it."""
    from .batch import grade

    start = time.perf_counter()
    source = root / "source"
    config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
    how = isolation()
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    if how.use_sandbox and not how.namespaces:
        # the installed package's answers and the zip's copy of them (the template and the package may stay)
        _lock_away([*sandbox.hidden_paths(), source / PACKAGE / "lab_utils" / "exercises" / "answers", results_dir])
    limits = sandbox.Limits(wall=float(config["timeout"]), namespaces=how.namespaces)
    with tempfile.TemporaryDirectory(prefix="lab-autograder-") as work:
        os.chmod(work, 0o700)
        rows = grade(source / config["template"], [root / "submission"], Path(work) / "grades.csv", workers=1,
                     timeout=float(config["timeout"]), limits=limits, use_sandbox=how.use_sandbox)
        row = _the_submission(rows)
        path = Path(work) / "grades" / f"{row['submission']}.feedback.json"
        feedback = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    found = results(row, feedback, float(config["points"]), how.text, time.perf_counter() - start)
    atomic_write(results_dir / "results.json", json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    return found


def _the_submission(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    # a folder with one notebook is one row; with several, the one that answers the template was graded and the
    # others are listed in its row (intake); a row per stray file otherwise: the graded one, else the first
    graded = [r for r in rows if r.get("status") == "graded"]
    if not rows:
        raise LabError("the submission folder is empty: upload your .ipynb notebook")
    return graded[0] if graded else rows[0]


def main(argv: list[str] | None = None) -> int:
    """What run_autograder runs."""
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default="/autograder", help="Gradescope's /autograder folder")
    root = Path(parser.parse_args(argv).root)
    try:
        found = run(root)
    except LabError as e:  # e.g. nothing was uploaded: the student reads why on Gradescope
        found = {"score": 0.0, "output": str(e), "tests": [], "visibility": "visible"}
        (root / "results").mkdir(parents=True, exist_ok=True)
        atomic_write(root / "results" / "results.json", json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    print(f"score {found['score']}: {found.get('output', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
