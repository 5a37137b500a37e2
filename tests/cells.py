"""Test helpers: run chosen code cells of a notebook in this process (no kernel), for checks on student code written
into a copy of an exercise (IPython magics are skipped; each cell's error is returned, not raised, as in Jupyter);
and the `lab` command in a subprocess."""

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap

from lab_utils import layout

from .conftest import ROOT


def load(path) -> dict:
    return json.loads(path.read_text())


def code_cells(nb: dict) -> list:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def src(cell: dict) -> str:
    return "".join(cell["source"])


def exercise(name: str) -> dict:
    return json.loads((ROOT / layout.folder(layout.SOURCE, "exercise") / f"{name}.ipynb").read_text())


def source(nb: dict, cell_id: str) -> str:
    return src(next(c for c in nb["cells"] if c.get("id") == cell_id))


def filled(nb: dict, cell_id: str, *answers: str) -> str:
    """The exercise cell with its placeholder blocks ('# YOUR CODE HERE' and the `...` lines under it) replaced,
    in order, by the given answers, indented like the placeholder."""
    lines = source(nb, cell_id).splitlines()
    out, todo = [], list(answers)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == "# YOUR CODE HERE" and todo:
            indent = line[: len(line) - len(line.lstrip())]
            i += 1
            while i < len(lines) and lines[i].startswith(indent) and "..." in lines[i]:
                i += 1
            out += textwrap.indent(textwrap.dedent(todo.pop(0)).strip("\n"), indent).splitlines()
            continue
        out.append(line)
        i += 1
    assert not todo, f"cell {cell_id} has fewer placeholders than answers"
    return "\n".join(out)


def run(nb: dict, cell_ids: list[str], replace: dict[str, str] | None = None,
        params: dict | None = None) -> tuple[str, dict]:
    """Execute the cells in order in one namespace; `replace` gives some cells new code and `params` overrides
    values right after the parameters cell. Returns (stdout, namespace)."""
    ns: dict = {"__name__": "__main__", "In": [""]}  # In: each cell's source, as IPython keeps it (checks read it)
    out = io.StringIO()
    for cid in cell_ids:
        code = replace[cid] if replace and cid in replace else source(nb, cid)
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))
        ns["In"].append(code)
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(code, f"<cell {cid}>", "exec"), ns)
            except Exception as e:  # the student's cell failed, as it would in Jupyter; the check runs next
                print(f"[cell {cid} raised {type(e).__name__}]")
        if params and "parameters" in next(c for c in nb["cells"] if c.get("id") == cid)["metadata"].get("tags", []):
            ns.update(params)
    return out.getvalue(), ns


def lab(*args, cwd, **env) -> subprocess.CompletedProcess:
    """The `lab` command (python -m lab_utils) in a subprocess, in `cwd`, with extra environment variables."""
    return subprocess.run([sys.executable, "-m", "lab_utils", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **env})
