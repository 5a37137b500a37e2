"""Reading notebook files as plain JSON (no nbformat import: the `lab` command starts faster)."""

from __future__ import annotations

import json
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
