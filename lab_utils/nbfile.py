"""Notebook and result files: read as plain JSON (no nbformat import, so `lab` starts fast), written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import LabError


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
