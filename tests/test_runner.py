"""The `lab` command on the fixture notebook: run, sweep, params, and every bad input."""

import csv
import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from lab_utils.errors import ParameterError
from lab_utils.nbfile import atomic_write
from lab_utils.params import Param
from lab_utils.tools.run.compare import compare_results
from lab_utils.tools.run.execution import reason, without_kernel_notice
from lab_utils.tools.run.grid import expand_grid, params_id, parse_grid_values

from .cells import lab

pytestmark = pytest.mark.slow



def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_params_lists_types_defaults_and_help(tiny):
    out = lab("params", tiny, cwd=tiny.parent)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["name", "type", "default", "help"]
    assert lines[2].split() == ["x", "float", "1.0", "a", "number"]
    assert "mode     str    'ok'     ok | fail | slow" in out.stdout


def test_run_writes_a_copy_and_prints_results(tiny):
    before = digest(tiny)
    # 1e-5: a float that JSON writes with an exponent, which papermill's `-y` (YAML 1.1) would read as a string
    out = lab("run", tiny, "-p", "x", "1e-5", "-p", "n", "4", cwd=tiny.parent)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "total     : 4e-05" in out.stdout and "converged : false" in out.stdout
    run_dir = tiny.parent / "runs" / "tiny" / params_id({"x": 1e-5, "n": 4})
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "ok" and record["results"] == {"total": 4e-05, "converged": False, "mode": "ok"}
    assert (run_dir / "tiny.ipynb").is_file()
    assert digest(tiny) == before  # the source notebook is never modified
    assert not list(run_dir.glob(".*partial*"))


@pytest.mark.parametrize("args,message", [
    (["-p", "nn", "5"], "lab: error: unknown parameter 'nn'; did you mean 'n'? valid names: x, n, mode, verbose"),
    (["-p", "n", "abc"], "lab: error: parameter 'n' must be int, got 'abc' (str); e.g. -p n 10"),
    (["-p", "x", "fast"], "lab: error: parameter 'x' must be float, got 'fast' (str); e.g. -p x 0.1"),
    (["-p", "verbose", "maybe"], "lab: error: parameter 'verbose' must be bool, got 'maybe' (str)"),
])
def test_bad_parameters_stop_before_any_kernel_starts(tiny, args, message):
    start = time.perf_counter()
    out = lab("run", tiny, *args, cwd=tiny.parent)
    assert out.returncode == 2
    assert out.stderr.strip().startswith(message) and len(out.stderr.strip().splitlines()) == 1
    assert not (tiny.parent / "runs").exists()  # nothing was started or written
    assert time.perf_counter() - start < 10


def test_bad_notebooks_and_paths(tiny, tmp_path):
    out = lab("run", tmp_path / "missing.ipynb", cwd=tmp_path)
    assert out.returncode == 2 and "no notebook at" in out.stderr
    plain = tmp_path / "plain.ipynb"
    nb = json.loads(tiny.read_text())
    for cell in nb["cells"]:
        cell["metadata"].pop("tags", None)
    plain.write_text(json.dumps(nb))
    out = lab("run", plain, cwd=tmp_path)
    assert out.returncode == 2 and "has no cell tagged 'parameters'" in out.stderr
    out = lab("run", tiny, "--out", tiny.parent, cwd=tmp_path)
    assert out.returncode == 2 and "is the source notebook; choose another --out folder" in out.stderr


def test_plain_papermill_with_a_mistyped_name_fails_clearly(tiny, tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(str(tiny), str(tmp_path / "out.ipynb"), parameters={"nn": 5},
                                   kernel_name="python3", progress_bar=False, log_output=False)
    assert "unknown parameter 'nn'; did you mean 'n'?" in str(info.value)


def test_sweep_records_failures_and_goes_on(tiny):
    out_dir = tiny.parent / "sweep"
    out = lab("sweep", tiny, "-p", "mode", "fail,ok", "-p", "x", "2", "--workers", "2", "--out", out_dir, "--quiet",
              cwd=tiny.parent)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "2 runs: 1 ok, 1 failed" in out.stdout.splitlines()[-1]
    rows = list(csv.DictReader((out_dir / "results.csv").open()))
    assert [(r["mode"], r["x"], r["status"]) for r in rows] == [("fail", "2.0", "failed"), ("ok", "2.0", "ok")]
    assert rows[0]["error"] == "RuntimeError: asked to fail"
    assert rows[1]["total"] == "6.0" and rows[1]["converged"] == "True" and rows[1]["error"] == ""
    assert not list(out_dir.glob(".*.tmp"))
    assert (out_dir / params_id({"mode": "fail", "x": 2.0}) / "tiny.ipynb").is_file()  # kept for debugging


def test_sweep_all_ok_with_range_and_plot_then_resume(tiny):
    out_dir = tiny.parent / "grid"
    args = ["sweep", tiny, "-p", "n", "2..3", "--workers", "2", "--out", out_dir, "--quiet"]
    out = lab(*args, "--plot", "total", "--plot-x", "n", cwd=tiny.parent)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 runs: 2 ok, 0 failed" in out.stdout
    header = out.stdout.splitlines()[0].split()
    assert header == ["n", "status", "seconds", "total", "converged"]  # in the order the notebook reported them
    assert "same in every run: mode = ok" in out.stdout
    assert (out_dir / "total-vs-n.png").stat().st_size > 1000

    stamps = {p: p.stat().st_mtime_ns for p in out_dir.glob("*/run.json")}
    assert len(stamps) == 2
    (out_dir / "results.csv").unlink()
    again = lab(*args, "--resume", cwd=tiny.parent)
    assert again.returncode == 0 and "2 runs: 2 ok, 0 failed" in again.stdout
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())  # finished runs were skipped, not re-run
    rows = list(csv.DictReader((out_dir / "results.csv").open()))
    assert [r["n"] for r in rows] == ["2", "3"] and {r["total"] for r in rows} == {"2.0", "3.0"}


def test_timeout_is_a_failed_run(tiny):
    out = lab("run", tiny, "-p", "mode", "slow", "--timeout", "2", cwd=tiny.parent)
    assert out.returncode == 1
    assert "error: timed out after 2 s" in out.stdout


def test_grid_values():
    assert parse_grid_values(Param("seed", int, 0), "0..3") == [0, 1, 2, 3]
    assert parse_grid_values(Param("lr", float, 0.1), "0.1,0.5,1") == [0.1, 0.5, 1.0]
    assert parse_grid_values(Param("gate", str, "and"), "and,or") == ["and", "or"]
    with pytest.raises(ParameterError, match="empty range '3..1'"):
        parse_grid_values(Param("seed", int, 0), "3..1")
    with pytest.raises(ParameterError, match="parameter 'seed' must be int, got 'a'"):
        parse_grid_values(Param("seed", int, 0), "a..3")


def test_expand_grid_is_cartesian(tiny):
    grid = expand_grid(tiny, {"x": "1,2", "n": "1..2"})
    assert grid == [{"x": 1.0, "n": 1}, {"x": 1.0, "n": 2}, {"x": 2.0, "n": 1}, {"x": 2.0, "n": 2}]
    with pytest.raises(ParameterError, match="unknown parameter 'y'"):
        expand_grid(tiny, {"y": "1"})


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "results.csv"
    atomic_write(target, "old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["results.csv"]


def test_compare_results_allows_small_numeric_moves_only():
    stored = {"loss": 0.0217, "rate": 0.997, "epochs": 183, "ok": True, "gate": "and", "p": [0.5, 1e-4],
              "nested": {"w": 1.0}}
    assert compare_results(stored, {**stored, "loss": 0.0219, "rate": 0.99, "epochs": 185, "p": [0.505, 9e-4]}) == []
    assert compare_results(stored, {**stored, "loss": 0.03, "ok": 1, "gate": "or", "p": [0.5], "nested": {"w": 2}}) \
        == ["loss: 0.03, stored 0.0217 (allowed 2% + 0.001)", "ok: 1, stored true", 'gate: "or", stored "and"',
            "p: [0.5], stored [0.5, 0.0001]", "nested.w: 2, stored 1 (allowed 2% + 0.001)"]
    assert compare_results({"ok": True, "x": None}, {"x": 0.0}) == ["ok: not reported (stored true)",
                                                                     "x: 0.0, stored null"]


def test_kernel_tcp_notice_is_dropped_and_real_errors_stay():
    log = ("[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication ...\n"
           "Traceback (most recent call last):\n"
           "RuntimeError: asked to fail\n")
    assert without_kernel_notice(log) == "Traceback (most recent call last):\nRuntimeError: asked to fail\n"
    assert reason(without_kernel_notice(log.splitlines(keepends=True)[0])) == "papermill exited with an error"
    assert reason("\x1b[0;31mValueError\x1b[0m: lr must be > 0\n") == "ValueError: lr must be > 0"


def test_the_run_command_keeps_parameter_types_and_stops_the_kernel_at_once(monkeypatch, tmp_path):
    import papermill

    from lab_utils.tools.run.execution import command, kernel_config, main

    calls = []
    monkeypatch.setattr(papermill, "execute_notebook", lambda *args, **kw: calls.append((args, kw)))
    params = {"lr": 1e-5, "epochs": 10, "gate": "1", "flag": True, "none": None}
    cmd = command("in.ipynb", "out.ipynb", params, "python3", tmp_path, kernel_dir=tmp_path / "k")
    assert cmd[1:3] == ["-m", "lab_utils.tools.run.execution"]
    assert main(cmd[3:]) == 0
    ((args, kw),) = calls
    assert args == ("in.ipynb", "out.ipynb") and kw["kernel_name"] == "python3" and kw["cwd"] == str(tmp_path)
    assert kw["parameters"] == params and type(kw["parameters"]["lr"]) is float and kw["parameters"]["gate"] == "1"
    assert kw["shutdown_kernel"] == "immediate"
    # the kernel on Unix sockets in the given folder (no TCP port two kernels could both pick), its file there too
    manager = kw["config"]["KernelManager"]
    assert manager == {"transport": "ipc", "ip": str(tmp_path / "k" / "kernel"),
                       "connection_file": str(tmp_path / "k" / "kernel.json")}
    assert "transport" not in kernel_config("/" + "x" * 120)["KernelManager"]  # a path too long for a socket: TCP
