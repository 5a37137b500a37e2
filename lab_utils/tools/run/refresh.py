"""Re-execute a notebook in place, top to bottom, so its stored outputs come from a real run."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ...errors import LabError
from ...nbfile import atomic_write, dump_notebook
from .execution import KERNEL, without_kernel_notice

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same name, as Jupyter shows them."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream" \
                and prev.get("name") == out.get("name"):
            prev["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def refresh(path: str | Path, kernel: str = KERNEL) -> float:
    """Execute the notebook in a fresh kernel and store its outputs; the file changes only on success."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    if not path.is_file():
        raise LabError(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, kernel_name=kernel, timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    # The kernel process's own log (not cell output) goes to a file, shown afterwards without the TCP notice.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as kernel_log:
        try:
            client.execute(stderr=kernel_log)
        except CellExecutionError as e:
            raise LabError(f"{path} failed while re-executing, left unchanged: {e.ename}: {e.evalue}") from None
        finally:
            kernel_log.seek(0)
            sys.stderr.write(without_kernel_notice(kernel_log.read()))
    # Widget state and views carry random model ids: the file keeps a widget's text form only (the playground
    # is rebuilt when the cell runs), so every refresh of an unchanged notebook writes the same bytes.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
            for out in cell.outputs:
                out.get("data", {}).pop(WIDGET_VIEW, None)
    atomic_write(path, dump_notebook(nb))
    return time.perf_counter() - start
