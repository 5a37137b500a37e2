"""The import direction of ARCHITECTURE.md, enforced by import-linter (its contracts are in pyproject.toml): core <-
notebook helpers <- tools <- entry, every module given a layer, and no import cycle among sibling modules. Every
import counts, also those inside functions (the package imports lazily to start fast)."""

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "lab_utils"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the package under `root`, with this project's contracts."""
    script = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(script if script.is_file() else shutil.which("lint-imports")), "--no-cache",
                           "--config", str(ROOT / "pyproject.toml")], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_imports_point_down_the_layers_and_never_in_a_cycle():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout


def test_the_contracts_catch_an_import_against_the_layers_and_a_module_without_one(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "lab_utils", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    errors = tmp_path / "lab_utils" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _late():\n    from .tools import cli  # noqa\n")
    (tmp_path / "lab_utils" / "newcomer.py").write_text('"""A module nobody placed."""\n')
    grid = tmp_path / "lab_utils" / "tools" / "run" / "grid.py"  # running reaching up into grading
    grid.write_text(grid.read_text() + "\n\ndef _late():\n    from ..grade import batch  # noqa\n")
    (tmp_path / "lab_utils" / "tools" / "helpers").mkdir()  # a job nobody placed among the tools
    (tmp_path / "lab_utils" / "tools" / "helpers" / "__init__.py").write_text('"""Unplaced."""\n')
    done = lint_imports(tmp_path)
    assert done.returncode != 0 and "lab_utils.errors -> lab_utils.tools.cli" in done.stdout, done.stdout[-3000:]
    assert "lab_utils.newcomer" in done.stdout
    assert "lab_utils.tools.run.grid -> lab_utils.tools.grade.batch" in done.stdout, done.stdout[-3000:]
    assert "lab_utils.tools.helpers" in done.stdout


def test_the_architecture_page_names_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    modules = [p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".") for p in PACKAGE.rglob("*.py")]
    missing = [m for m in modules if m.split(".")[-1] not in text and not m.endswith(("__init__", "__main__"))]
    assert missing == [], "describe these in ARCHITECTURE.md"


def test_modules_and_functions_stay_short_or_say_why():
    """A module over 300 lines says at its top why it is one module; no function is much over 60 lines."""
    import ast

    unexplained, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if text.count("\n") > 300 and "300 lines" not in (ast.get_docstring(tree) or ""):
            unexplained.append(path.relative_to(ROOT).as_posix())
        long_functions += [f"{path.relative_to(ROOT).as_posix()}:{node.name} ({node.end_lineno - node.lineno + 1})"
                           for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                           and node.end_lineno - node.lineno + 1 > 65]
    assert unexplained == [], "say at the module's top why it is over 300 lines, or split it"
    assert long_functions == [], "split these functions"
