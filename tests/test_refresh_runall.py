"""`lab refresh` (re-execute in place) and `lab run-all` (what `make lab` runs) on the fixture notebook."""

import json
import shutil
import subprocess
import sys

import pytest

from lab_utils.errors import LabError
from lab_utils.tools.run.refresh import coalesce_streams, refresh

pytestmark = pytest.mark.slow


def test_refresh_stores_outputs_from_a_real_run(tiny, capfd):
    seconds = refresh(tiny)
    assert "running over TCP" not in capfd.readouterr().err  # ipykernel's start-up notice is not shown
    nb = json.loads(tiny.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1, 2, 3, 4]
    assert "total     : 3.0" in "".join(code[-1]["outputs"][0]["data"]["text/plain"])
    assert seconds > 0 and "execution" not in code[0]["metadata"]  # no timing noise in the file


def test_refresh_leaves_a_failing_notebook_unchanged(tiny):
    nb = json.loads(tiny.read_text())
    nb["cells"][1]["source"] = 'x: float = 1.0  # a number\nn: int = 3  # a count\nmode: str = "fail"  # mode\n'
    tiny.write_text(json.dumps(nb))
    before = tiny.read_bytes()
    with pytest.raises(LabError, match="failed while re-executing, left unchanged: RuntimeError: asked to fail"):
        refresh(tiny)
    assert tiny.read_bytes() == before
    with pytest.raises(LabError, match="no notebook at"):
        refresh(tiny.parent / "missing.ipynb")


def test_coalesce_streams():
    outs = [{"output_type": "stream", "name": "stdout", "text": "a"},
            {"output_type": "stream", "name": "stdout", "text": "b"},
            {"output_type": "stream", "name": "stderr", "text": "c"},
            {"output_type": "display_data", "data": {}},
            {"output_type": "stream", "name": "stdout", "text": "d"}]
    assert [o.get("text") for o in coalesce_streams(outs)] == ["ab", "c", None, "d"]


def test_run_all_prints_one_summary_keeps_sources_and_compares_with_stored_results(tiny):
    folder = tiny.parent / "nbs"
    folder.mkdir()
    shutil.copy(tiny, folder / "a.ipynb")
    # b's stored results say 3.5 where a run gives 3.0: a stack that reproduces other numbers than the stored ones.
    nb = json.loads(tiny.read_text())
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if "application/json" in o.get("data", {}):
                o["data"]["application/json"]["total"] = 3.5
    (folder / "b.ipynb").write_text(json.dumps(nb))
    before = (folder / "a.ipynb").read_bytes()
    out = subprocess.run([sys.executable, "-m", "lab_utils", "run-all", "--compare", str(folder)], cwd=tiny.parent,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("notebook"))
    assert lines[header].split() == ["notebook", "status", "seconds", "converged"]
    assert lines[header + 2].split()[:2] == ["a.ipynb", "ok"] and lines[header + 2].split()[3] == "True"
    assert lines[header + 3].split()[:2] == ["b.ipynb", "ok"]
    assert lines[-1] == "b.ipynb: total: 3, stored 3.5 (allowed 2% + 0.001)"  # a agrees: no line for it
    assert "TCP" not in out.stdout + out.stderr
    assert (folder / "a.ipynb").read_bytes() == before
    assert (tiny.parent / "runs" / "a" / "defaults" / "a.ipynb").is_file()
    empty = subprocess.run([sys.executable, "-m", "lab_utils", "run-all", str(tiny.parent / "none")],
                           cwd=tiny.parent, capture_output=True, text=True)
    assert empty.returncode == 2 and "lab: error: no notebooks in" in empty.stderr
