"""Build every edition of the notebooks from the English solution notebooks in notebooks/ (the one source).

Four editions per notebook: {English, Korean} x {solution, exercise}. The Korean ones take their markdown and the
string literals of their code from the gettext catalogs in i18n/ko/ (see catalogs.py: a fuzzy or missing
translation stops the build) and add one line after `import lab_utils as lab`, `lab.language("ko")`, which
switches everything lab_utils prints, raises, draws and shows to Korean. The Korean solution notebooks are
executed in Korean: their stored outputs are their own.

Solution regions sit in code cells between `### BEGIN SOLUTION` and `### END SOLUTION` (nbgrader's markers). The
exercise edition replaces each region with `# YOUR CODE HERE` and a stub that keeps the cell runnable: every
name the region assigns becomes `name = ...`, a `return` becomes `return ...`. The checks read a remaining `...`
as "not done yet". Cells tagged `solution-only` are left out of the exercise edition; their outputs too.

Over 300 lines because generating an edition (blanking, translating, adding the language line, executing) is one
pipeline with one set of invariants.
"""

from __future__ import annotations

import ast
import copy
import io
import json
import os
import re
import tempfile
import textwrap
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import layout
from ...errors import LabError
from ...nbfile import (
    BADGE_TAG,
    EXERCISE_TAG,
    INSTALL_TAG,
    SOLUTION_ONLY_TAG,
    atomic_write,
    dump_notebook,
    load_notebook,
    source_text,
    tags,
)
from . import catalogs, colab

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB_MARK = "# YOUR CODE HERE"
SOURCE_DIR, EXERCISE_DIR = layout.folder(layout.SOURCE, "solution"), layout.folder(layout.SOURCE, "exercise")
LAB_IMPORT = re.compile(r"^import lab_utils as lab\b.*$", re.M)
LANGUAGE_LINE = 'lab.language("{lang}")  # 메시지, 그림, 위젯을 한국어로'
INTRO_ID, SUBMIT_ID = "exercise-intro", "exercise-submit"

EXERCISE_INTRO = """\
**Practice edition.** The lesson's key lines are left for you: each `# YOUR CODE HERE` followed by `...` is an \
exercise. Replace the `...` with your code, run the cell, then run the check below it. A check prints one line: \
✅ passed, ❌ what is wrong and a hint, or ⏳ not done yet. The exercises can be done in any order, and the notebook \
runs top to bottom even while some are blank (an unfinished class is replaced by a working stand-in so that the \
cells after it still run). The last cell shows your score. The worked solution is `{solution}`."""

EXERCISE_SUBMIT = """\
**Before you submit.** Save the notebook, then check it as the grader will. In a terminal in the course folder \
(where `make lab` made the `.venv` environment), run: `.venv/bin/lab validate {notebook}`. It runs your notebook \
once, top to bottom, in a fresh kernel and in the grader's sandbox, exactly as the grader does, prints the grade \
it would give, and says where a fresh run differs from what your notebook shows (cells run out of order, an exercise \
cell that lost its id)."""

# The cells the generator adds to every exercise edition, by cell id: translated in i18n/<lang>/common.po.
GENERATED = {INTRO_ID: EXERCISE_INTRO, SUBMIT_ID: EXERCISE_SUBMIT}


@dataclass(frozen=True)
class Edition:
    """One generated notebook: where it is written, the solution notebook it comes from, its kind and language."""

    source: Path
    target: Path
    kind: str  # "solution" or "exercise"
    language: str = "en"

    @property
    def executed(self) -> bool:
        """Whether the edition stores outputs of its own (a translated solution prints and draws in its language)."""
        return self.kind == "solution" and self.language != layout.SOURCE


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


def exercise_edition(nb: dict[str, Any], target: Path, solution_name: str,
                     texts: Mapping[str, str] = GENERATED, solution_path: str = "", where: str = "",
                     ) -> dict[str, Any]:
    """The exercise edition of a solution notebook, to be written at `target` (`where`: that path as the course
    folder names it, for the commands its cells show)."""
    nb = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        cell_tags = tags(cell)
        if SOLUTION_ONLY_TAG in cell_tags:
            continue
        if cell["cell_type"] == "code":
            code = source_text(cell)
            if has_regions(code):
                cell["source"] = blank_solutions(code, f"{solution_name} cell {index} ({cell.get('id')})")
                cell["metadata"]["tags"] = [*cell_tags, EXERCISE_TAG]
            cell["outputs"], cell["execution_count"] = [], None
            cell["metadata"].pop("execution", None)
        if BADGE_TAG in cell_tags or INSTALL_TAG in cell_tags:
            cell["source"] = colab.expected_cells(target)[0 if BADGE_TAG in cell_tags else 1]
        cells.append(cell)
    title = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and BADGE_TAG not in
                 tags(c))
    solution_path = solution_path or f"{SOURCE_DIR}/{solution_name}"
    cells.insert(title + 1, {"cell_type": "markdown", "id": INTRO_ID, "metadata": {},
                             "source": texts[INTRO_ID].format(solution=solution_path)})
    cells.append({"cell_type": "markdown", "id": SUBMIT_ID, "metadata": {},
                  "source": texts[SUBMIT_ID].format(notebook=where or target.name)})
    nb["cells"] = cells
    nb["metadata"]["lab_utils"] = {"edition": "exercise", "source": f"{SOURCE_DIR}/{solution_name}"}
    return nb


def translation_problems(root: Path, write: bool = False) -> list[str]:
    """What the catalogs still need, one line each: untranslated, fuzzy (the English changed) or mismatched
    entries. With write, the catalogs are first merged with the current English (msgmerge's rules)."""
    return catalogs.update(root, common_texts(), write=write)


def common_texts() -> tuple[catalogs.Text, ...]:
    """The texts the generator adds to every edition (i18n/<lang>/common.po): its cells, the badge and install
    cells' words."""
    return (*(catalogs.made_text(cell_id, text, "lab_utils/tools/publish/editions.py")
              for cell_id, text in GENERATED.items()),
            *colab.common_texts())


def _translate(nb: dict[str, Any], cells: dict[str, str], strings: dict[str, str]) -> None:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and cell.get("id") in cells:
            cell["source"] = cells[cell["id"]]
        elif cell["cell_type"] == "code" and INSTALL_TAG not in tags(cell):
            cell["source"] = catalogs.translate_code(source_text(cell), strings)
            alt = cells.get(f"{cell.get('id')}{catalogs.ALT_SUFFIX}")
            if alt and cell["metadata"].get("mystnb", {}).get("image", {}).get("alt"):
                cell["metadata"]["mystnb"]["image"]["alt"] = alt


def _add_language_line(nb: dict[str, Any], lang: str, where: str) -> None:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            code = source_text(cell)
            found = LAB_IMPORT.search(code)
            if found:
                # After a blank line, as isort (ruff's I001) wants the statement after an import block.
                cell["source"] = code[:found.end()] + "\n\n" + LANGUAGE_LINE.format(lang=lang) + code[found.end():]
                return
    raise LabError(f"{where}: no cell imports lab_utils (import lab_utils as lab)")


def editions(root: Path) -> list[Edition]:
    """Every generated notebook of the course (lab_utils.layout): per solution notebook, its exercise edition and
    each other language's solution and exercise editions."""
    sources = sorted((root / SOURCE_DIR).glob("*.ipynb"))
    if not sources:
        raise LabError(f"no solution notebooks in {root / SOURCE_DIR}")
    return [Edition(src, root / layout.folder(language, kind) / src.name, kind, language)
            for src in sources for language, kind in layout.editions()]


def edition_notebook(edition: Edition, root: Path) -> dict[str, Any]:
    """The notebook an edition consists of."""
    nb = load_notebook(edition.source)
    name = edition.source.name
    if edition.language == layout.SOURCE:
        return exercise_edition(nb, edition.target, name, where=edition.target.relative_to(root).as_posix())
    cells, strings = catalogs.table(root / layout.catalog(edition.language, edition.source.stem))
    if edition.kind == "exercise":
        texts = catalogs.table(root / layout.catalog(edition.language, layout.COMMON))[0]
        nb = exercise_edition(nb, edition.target, name, texts, f"{layout.folder(edition.language, 'solution')}/{name}",
                              edition.target.relative_to(root).as_posix())
    else:
        nb = copy.deepcopy(nb)
        for cell in nb["cells"]:
            if BADGE_TAG in tags(cell) or INSTALL_TAG in tags(cell):
                cell["source"] = colab.expected_cells(edition.target)[0 if BADGE_TAG in tags(cell) else 1]
        nb["metadata"]["lab_utils"] = {"edition": "solution", "source": f"{SOURCE_DIR}/{name}"}
    _translate(nb, cells, strings)
    _add_language_line(nb, edition.language, f"{SOURCE_DIR}/{name}")
    nb["metadata"]["lab_utils"]["language"] = edition.language
    return nb


def render(edition: Edition, root: Path) -> str:
    """The text the generator writes for one edition (an executed edition's before it runs: no outputs)."""
    nb = edition_notebook(edition, root)
    return dump_notebook(without_outputs(nb) if edition.executed else nb)


def without_outputs(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook as written before it is executed: no outputs, execution counts or execution metadata."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            cell["metadata"].pop("execution", None)
    nb["metadata"].pop("widgets", None)
    return nb


def _stored(edition: Edition) -> str | None:
    if not edition.target.is_file():
        return None
    text = edition.target.read_text(encoding="utf-8")
    return dump_notebook(without_outputs(json.loads(text))) if edition.executed else text


def _execute_into(edition: Edition, text: str) -> None:
    """Execute a rendered edition beside its target and replace the target only when the run succeeded."""
    from ..run.refresh import refresh

    edition.target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=edition.target.parent, prefix=f".{edition.target.stem}.", suffix=".ipynb")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would otherwise become the notebook's mode
        refresh(tmp)
        os.replace(tmp, edition.target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def build(root: Path, check: bool = False, execute: bool = True, refresh: bool = False) -> list[Path]:
    """Write every edition (or, with check, only compare); return the files that were or would be changed.

    The catalogs are merged with the current English first (with check, only in memory); a catalog that still
    needs a translator raises LabError before any edition is written. An executed edition (the Korean solution
    notebooks, whose outputs are in Korean) that changed, or every one with refresh (after lab_utils changed what
    they print or draw), is executed and replaced only if the run succeeds."""
    problems = translation_problems(root, write=not check)
    if problems:
        raise LabError(f"{len(problems)} translation(s) need work, no edition was written: " + "; ".join(problems[:3])
                       + ("; ... (lab editions --check lists them all)" if len(problems) > 3 else ""))
    changed = []
    for edition in editions(root):
        text = render(edition, root)
        if text != _stored(edition) or (refresh and edition.executed and not check):
            changed.append(edition.target)
            if check:
                continue
            if edition.executed and execute:
                _execute_into(edition, text)
            else:
                atomic_write(edition.target, text)
    return changed
