"""Notebook files and their conventions: read as plain JSON (no nbformat import, so `lab` starts fast), written
atomically; the cell tags and output metadata keys that the notebooks, the checks and the tools agree on, defined
here once; small cell helpers."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import LabError

# Cell tags.
PARAMETERS_TAG = "parameters"  # papermill's: the cell that declares the hyperparameters (`name: type = value`)
BADGE_TAG = "colab-badge"  # the first markdown cell: the Open in Colab badge and the link to the other language
INSTALL_TAG = "colab-install"  # the code cell that installs lab_utils on Colab (and does nothing elsewhere)
SOLUTION_ONLY_TAG = "solution-only"  # left out of the exercise editions, with its outputs
EXERCISE_TAG = "exercise"  # set by the generator on each cell that holds an exercise (the grader reads it)
SCORE_TAG = "score-table"  # the source's cell that shows the score table (the grader reads its output)
RAISES_TAG = "raises-exception"  # nbclient's: the cell may raise and the run goes on (the grader sets it)
REMOVE_TAG = "remove-cell"  # myst-nb's: the site leaves the cell out
# Output metadata keys.
RESULTS_KEY = "lab_utils.results"  # the output of lab.report: its names, in the order reported
SCORES_KEY = "lab_utils.scores"  # the output of the score table (the grader compares it with its own verdicts)


def load_notebook(path: str | Path, error: type[LabError] = LabError) -> dict[str, Any]:
    """The notebook at `path` as a dict; a missing or unreadable file raises `error` with the fix."""
    path = Path(path)
    if not path.is_file():
        raise error(f"no notebook at {path}; check the path")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise error(f"{path} is not a readable notebook ({e}); was it written completely?") from None


def atomic_write(path: Path, text: str) -> None:
    """Write text to path so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_text(cell: dict[str, Any]) -> str:
    """A cell's source as one string (files store it as a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def dump_notebook(nb: dict[str, Any]) -> str:
    """The one way notebooks are written: nbformat's layout (text split into lines, sorted keys, indent 1)."""
    import nbformat  # the tools that write notebooks have it; notebooks themselves never call this

    return nbformat.writes(nbformat.from_dict(nb)) + "\n"


def tags(cell: dict[str, Any]) -> list[str]:
    """A cell's tags (none when its metadata has no list of them)."""
    meta = cell.get("metadata")
    found = meta.get("tags", []) if isinstance(meta, dict) else []
    return found if isinstance(found, list) else []


def tagged(nb: dict[str, Any], tag: str) -> dict[str, Any] | None:
    """The notebook's first cell with this tag, or None."""
    return next((c for c in nb.get("cells", []) if tag in tags(c)), None)


def cells_run(namespace: Mapping[str, Any]) -> list[str] | None:
    """The source of every cell run in this kernel, the latest first (IPython keeps them in `In`), or None
    outside IPython: the one place the checks and the parameters read the kernel's cell history."""
    history = namespace.get("In")
    if not isinstance(history, list):
        history = namespace.get("_ih")
    if not isinstance(history, list):
        return None
    return [source for source in reversed(history) if isinstance(source, str)]
