"""Executing a notebook in this process, without a Jupyter kernel: what a warm grading run does (warm.py).

A grading run in a fresh kernel spends most of its time before the first cell (starting the runner and the kernel,
importing torch, its compiler stack and matplotlib). The warm runner imports all that once and forks a child per
submission; the child runs the cells here, in an IPython shell, as nbclient runs them in a kernel: the same
namespace (`In`, `get_ipython()`, magics, `%matplotlib inline`), cells tagged `skip-execution` not run, a cell
tagged `raises-exception` allowed to fail, any other failing cell ends the run. Outputs are nbformat's: stream text
(consecutive chunks of one stream joined), display data (with display-id updates and clear_output), the execute
result and the error with its traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type

from ...nbfile import RAISES_TAG, source_text, tags

SKIP_TAG = "skip-execution"  # nbclient's tag for a cell it does not run


class _Outputs:
    """The outputs of the cell running now, in order, as nbformat dicts."""

    def __init__(self) -> None:
        self.cell: list[dict[str, Any]] = []
        self.clear_on_next = False
        self.by_display_id: dict[str, list[dict[str, Any]]] = {}

    def add(self, output: dict[str, Any]) -> None:
        if self.clear_on_next:
            self.cell.clear()
            self.clear_on_next = False
        last = self.cell[-1] if self.cell else None
        if (output["output_type"] == "stream" and last and last["output_type"] == "stream"
                and last["name"] == output["name"]):
            last["text"] += output["text"]
        else:
            self.cell.append(output)


OUTPUTS = _Outputs()


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a cell runs: text becomes the cell's stream output."""

    def __init__(self, name: str) -> None:
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            OUTPUTS.add({"output_type": "stream", "name": self.name, "text": text})
        return len(text)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    """display(): display_data outputs; an update replaces every output shown with that display id."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **_: Any) -> None:
        display_id = (transient or {}).get("display_id")
        output = {"output_type": "display_data", "data": dict(data), "metadata": dict(metadata or {})}
        if update:
            for shown in OUTPUTS.by_display_id.get(display_id, []):
                shown.update(data=output["data"], metadata=output["metadata"])
            return
        OUTPUTS.add(output)
        if display_id:
            OUTPUTS.by_display_id.setdefault(display_id, []).append(output)

    def clear_output(self, wait: bool = False) -> None:
        if wait:
            OUTPUTS.clear_on_next = True
        else:
            OUTPUTS.cell.clear()


class _Result(DisplayHook):
    """A cell's last expression: an execute_result output."""

    def start_displayhook(self) -> None:
        self.data: dict[str, Any] = {}
        self.metadata: dict[str, Any] = {}

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.data, self.metadata = dict(format_dict), dict(md_dict or {})

    def finish_displayhook(self) -> None:
        OUTPUTS.add({"output_type": "execute_result", "data": self.data, "metadata": self.metadata,
                     "execution_count": self.shell.execution_count})


class Shell(InteractiveShell):
    """IPython's shell with outputs collected as a kernel's client would see them."""

    displayhook_class = Type(_Result)
    display_pub_class = Type(_Publisher)

    def enable_gui(self, gui=None) -> None:
        pass  # inline figures need no event loop

    def _showtraceback(self, etype, evalue, stb) -> None:
        OUTPUTS.add({"output_type": "error", "ename": getattr(etype, "__name__", str(etype)),
                     "evalue": str(evalue), "traceback": list(stb)})


def shell() -> Shell:
    """The shell a run executes in: history kept in memory only (`In` as in a kernel), matplotlib inline."""
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.xmode = "Context"
    return Shell.instance(config=config)


AUTOSAVE_SECONDS = 30.0  # as papermill: the executed copy is written after a cell when this long has passed


def execute(notebook: dict[str, Any], params: Mapping[str, Any], ipython: Shell,
            save: Callable[[dict[str, Any]], None] = lambda nb: None,
            may_go: Callable[[], bool] = lambda: True) -> tuple[dict[str, Any], str]:
    """Run `notebook`'s code cells in `ipython` as nbclient would (see the module's text); the executed notebook and
    '' if no cell failed, else 'Name: message' of the first error (as papermill, a cell tagged raises-exception
    fails the run at its end, any other at once). `save` gets
    the notebook before the first cell and then every AUTOSAVE_SECONDS (a run stopped at its time limit leaves
    what it had done). Before each cell `may_go()` is asked; if it says no, the process ends there (the one who
    drives the run is gone, as a kernel's nbclient killed)."""
    nb = _parameterized(notebook, params)
    save(nb)
    ipython.enable_matplotlib("inline")
    failed, stopped, saved = "", False, time.monotonic()
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or SKIP_TAG in tags(cell) or stopped:
            continue
        if not may_go():
            os._exit(1)
        cell["outputs"], cell["execution_count"] = _run_cell(ipython, source_text(cell))
        error = next((o for o in cell["outputs"] if o["output_type"] == "error"), None)
        if error:  # as papermill: the run fails at its end, and a cell not allowed to raise ends it now
            failed = failed or f"{error['ename']}: {error['evalue']}"
            stopped = RAISES_TAG not in tags(cell)
        if time.monotonic() - saved > AUTOSAVE_SECONDS:
            save(nb)
            saved = time.monotonic()
    return nb, failed


def _run_cell(ipython: Shell, source: str) -> tuple[list[dict[str, Any]], int]:
    OUTPUTS.cell, OUTPUTS.clear_on_next = [], False
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")
    try:
        result = ipython.run_cell(source, store_history=True)
    finally:
        sys.stdout, sys.stderr = saved
    return OUTPUTS.cell, result.execution_count


def _parameterized(notebook: dict[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook with papermill's injected parameters cell, when there are parameters."""
    nb = json.loads(json.dumps(notebook))
    if params:
        import nbformat
        from papermill.parameterize import parameterize_notebook

        nb = json.loads(nbformat.writes(parameterize_notebook(nbformat.from_dict(nb), dict(params))))
    return nb


def run_file(src: Path, out: Path, params: Mapping[str, Any], ipython: Shell,
             may_go: Callable[[], bool] = lambda: True) -> int:
    """Execute the notebook file `src` into `out`; exit code 0, or 1 with the error on stderr (as papermill).
    `out` is made before the first cell runs (a run that fills its disk still has a file to write its copy in)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w+", encoding="utf-8") as copy:
        def save(nb: dict[str, Any]) -> None:
            copy.seek(0)
            copy.truncate()
            copy.write(json.dumps(nb, ensure_ascii=False, indent=1) + "\n")
            copy.flush()

        notebook, failed = execute(json.loads(src.read_text(encoding="utf-8")), params, ipython, save, may_go)
        save(notebook)
    if failed:
        print(f"PapermillExecutionError: a cell failed\n{failed}", file=sys.__stderr__, flush=True)
    return 1 if failed else 0
