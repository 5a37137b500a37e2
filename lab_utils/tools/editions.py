"""Build every edition of the notebooks from the English solution notebooks in notebooks/ (the one source).

Solution regions sit in code cells between `### BEGIN SOLUTION` and `### END SOLUTION` (nbgrader's markers). The
exercise edition replaces each region with `# YOUR CODE HERE` and a stub that keeps the cell runnable: every
name the region assigns becomes `name = ...`, a `return` becomes `return ...`. The checks read a remaining `...`
as "not done yet". Cells tagged `solution-only` are left out of the exercise edition; their outputs too.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LabError
from ..nbfile import atomic_write, dump_notebook, load_notebook, source_text
from .colab import BADGE_TAG, expected_cells

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB_MARK = "# YOUR CODE HERE"
SOLUTION_ONLY = "solution-only"
EXERCISE_TAG = "exercise"  # set by the generator on each cell that holds an exercise (the grader reads it)
SCORE_TAG = "score-table"  # the source's cell that shows the score table (the grader reads its output)
SOURCE_DIR, EXERCISE_DIR = "notebooks", "exercises"

EXERCISE_INTRO = """\
**Practice edition.** The lesson's key lines are left for you: each `# YOUR CODE HERE` followed by `...` is an \
exercise. Replace the `...` with your code, run the cell, then run the check below it. A check prints one line: \
✅ passed, ❌ what is wrong and a hint, or ⏳ not done yet. The exercises can be done in any order, and the notebook \
runs top to bottom even while some are blank (an unfinished class is replaced by a working stand-in so that the \
cells after it still run). The last cell shows your score. The worked solution is `{solution}`."""


@dataclass(frozen=True)
class Edition:
    """One generated notebook: where it is written and the solution notebook it comes from."""

    source: Path
    target: Path
    kind: str  # "exercise"


def _regions(lines: list[str], where: str) -> list[tuple[int, int, str]]:
    """(begin line, end line, indent) of each solution region; unbalanced markers raise LabError."""
    found, begin = [], None
    for i, line in enumerate(lines):
        if BEGIN.match(line):
            if begin is not None:
                raise LabError(f"{where}: '### BEGIN SOLUTION' on line {i + 1} inside another region; close it first")
            begin = (i, BEGIN.match(line).group(1))
        elif END.match(line):
            if begin is None:
                raise LabError(f"{where}: '### END SOLUTION' on line {i + 1} without a BEGIN above it")
            found.append((begin[0], i, begin[1]))
            begin = None
    if begin is not None:
        raise LabError(f"{where}: '### BEGIN SOLUTION' on line {begin[0] + 1} is never closed by '### END SOLUTION'")
    return found


def _comments(code: str) -> dict[int, str]:
    out = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string
    return out


def stub(region: str, where: str = "cell") -> list[str]:
    """The placeholder lines for a solution region (unindented): `name = ...` per assignment, `return ...`."""
    code = textwrap.dedent(region)
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        raise LabError(f"{where}: the solution region does not parse on its own ({e.msg}, line {e.lineno})") from None
    comments = _comments(code)
    lines = [STUB_MARK]
    for node in tree.body:
        note = f"  {comments[node.lineno]}" if node.lineno in comments and node.end_lineno == node.lineno else ""
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple):
                    names = ", ".join(ast.unparse(t) for t in target.elts)
                    lines.append(f"{names} = {', '.join(['...'] * len(target.elts))}{note}")
                else:
                    lines.append(f"{ast.unparse(target)} = ...{note}")
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            lines.append(f"{ast.unparse(node.target)}: {ast.unparse(node.annotation)} = ...{note}")
        elif isinstance(node, ast.Return):
            lines.append("return ...")
    if len(lines) == 1:
        lines.append("...")
    return lines


def blank_solutions(code: str, where: str = "cell") -> str:
    """The cell's code with every solution region replaced by its stub."""
    lines = code.splitlines(keepends=True)
    out, last = [], 0
    for begin, end, indent in _regions(lines, where):
        out += lines[last:begin]
        out += [f"{indent}{s}\n" for s in stub("".join(lines[begin + 1:end]), where)]
        last = end + 1
    out += lines[last:]
    text = "".join(out)
    return text if code.endswith("\n") else text.rstrip("\n")


def has_regions(code: str) -> bool:
    """Whether a cell's code holds a solution region."""
    return any(BEGIN.match(line) for line in code.splitlines())


def exercise_edition(nb: dict[str, Any], target: Path, solution_name: str) -> dict[str, Any]:
    """The exercise edition of a solution notebook, to be written at `target`."""
    nb = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_ONLY in tags:
            continue
        if cell["cell_type"] == "code":
            code = source_text(cell)
            if has_regions(code):
                cell["source"] = blank_solutions(code, f"{solution_name} cell {index} ({cell.get('id')})")
                cell["metadata"]["tags"] = [*tags, EXERCISE_TAG]
            cell["outputs"], cell["execution_count"] = [], None
            cell["metadata"].pop("execution", None)
        if BADGE_TAG in tags:
            cell["source"] = expected_cells(target)[0]
        cells.append(cell)
    title = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and BADGE_TAG not in
                 c.get("metadata", {}).get("tags", []))
    intro = {"cell_type": "markdown", "id": "exercise-intro", "metadata": {},
             "source": EXERCISE_INTRO.format(solution=f"{SOURCE_DIR}/{solution_name}")}
    cells.insert(title + 1, intro)
    nb["cells"] = cells
    nb["metadata"]["lab_utils"] = {"edition": "exercise", "source": f"{SOURCE_DIR}/{solution_name}"}
    return nb


def editions(root: Path) -> list[Edition]:
    """Every generated notebook of the course: one exercise edition per solution notebook."""
    sources = sorted((root / SOURCE_DIR).glob("*.ipynb"))
    if not sources:
        raise LabError(f"no solution notebooks in {root / SOURCE_DIR}")
    return [Edition(src, root / EXERCISE_DIR / src.name, "exercise") for src in sources]


def render(edition: Edition) -> str:
    """The text the generator writes for one edition."""
    nb = load_notebook(edition.source)
    return dump_notebook(exercise_edition(nb, edition.target, edition.source.name))


def build(root: Path, check: bool = False) -> list[Path]:
    """Write every edition (or, with check, only compare); return the files that were or would be changed."""
    changed = []
    for edition in editions(root):
        text = render(edition)
        current = edition.target.read_text(encoding="utf-8") if edition.target.is_file() else None
        if text != current:
            changed.append(edition.target)
            if not check:
                atomic_write(edition.target, text)
    return changed
