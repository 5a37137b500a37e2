"""Run a notebook top to bottom in one kernel, then every code cell once more in order, and compare what each
cell showed both times (the text nbval compares: streams, text/plain, text/html, errors; not PNG)."""

import re

from nbclient import NotebookClient
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from lab_utils.nbfile import RESULTS_KEY as TAG
from lab_utils.results import MIME

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


def shown(cell) -> list[tuple]:
    out: list[tuple] = []
    for o in cell.outputs:
        if o.output_type == "stream":
            if out and out[-1][0] == o.name:
                out[-1] = (o.name, out[-1][1] + o.text)  # Jupyter shows consecutive chunks as one
            else:
                out.append((o.name, o.text))
        elif o.output_type == "error":
            out.append(("error", o.ename, o.evalue))
        else:
            out.append(tuple(ADDRESS.sub("0xADDRESS", str(o.data.get(k))) for k in ("text/plain", "text/html")))
    return out


def run_twice(path, workdir, **params) -> tuple[list[str], dict, str]:
    """(the cells whose second run showed something else, the results the first run reported, its stdout)."""
    nb = load_notebook_node(str(path))
    if params:
        nb = parameterize_notebook(nb, params)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(workdir)}},
                            shutdown_kernel="immediate")
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    with client.setup_kernel():
        for i, cell in code:
            client.execute_cell(cell, i)
        first = [shown(c) for _, c in code]
        results = next((o.data[MIME] for _, c in code for o in c.outputs if TAG in o.get("metadata", {})), {})
        stdout = "".join(o.text for _, c in code for o in c.outputs if o.get("name") == "stdout")
        for i, cell in code:
            cell.outputs = []
            client.execute_cell(cell, i)
    changed = [f"cell {c.get('id')}: {a} -> {shown(c)}"[:400] for (_, c), a in zip(code, first) if shown(c) != a]
    return changed, results, stdout
