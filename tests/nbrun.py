"""Helpers for the notebook-run tests: run a notebook with papermill and read what it reported."""

import json

import papermill

from lab_utils.results import read_results

from .conftest import ROOT

NB = {n: next((ROOT / "notebooks").glob(f"{n}_*.ipynb")) for n in ("01", "02", "03")}
QUICK_STUDY = {"n_models": 50, "grid_models": 20, "grid_epochs": 300}

def run(nb, tmp_path, **params):
    out = tmp_path / f"{nb.stem}-out.ipynb"
    papermill.execute_notebook(str(nb), str(out), parameters=params, kernel_name="python3", cwd=str(tmp_path),
                               progress_bar=False, log_output=False)
    return read_results(out), json.loads(out.read_text())
