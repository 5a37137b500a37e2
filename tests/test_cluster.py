"""`lab sweep --scheduler`: the same sweep on a real Dask cluster on 127.0.0.1, surviving a killed worker."""

import csv
import json
import subprocess
import sys
import time

import pytest

from lab_utils import __version__
from lab_utils.errors import LabError
from lab_utils.tools.run.cluster import preflight

from .cells import lab

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-thread workers without nannies (so that a killed worker stays dead); the tests
    of this file share it, and the one that kills a worker comes last."""
    pytest.importorskip("distributed")
    info = tmp_path_factory.mktemp("dask") / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                               "--scheduler-file", str(info), *common], stderr=subprocess.DEVNULL)]
    try:
        for _ in range(200):
            if info.is_file() and info.stat().st_size:
                break
            time.sleep(0.05)
        address = json.loads(info.read_text())["address"]
        workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                     "--no-nanny", *common], stderr=subprocess.DEVNULL) for _ in range(2)]
        procs += workers
        from distributed import Client

        with Client(address, timeout="20s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def rows(path):
    with path.open() as f:
        return [{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(f)]


def test_equal_parameters_are_not_merged_into_one_run(cluster, tiny):
    from lab_utils.tools.run.dispatch import run_many

    address, _ = cluster
    source = tiny.read_text()
    results = dict(run_many([(source, {"n": 2}), (source, {"n": 2})], scheduler=address))
    assert sorted(results) == [0, 1] and all(r.code == 0 for r in results.values())


def test_grading_on_the_cluster_is_sandboxed_and_judged_by_the_client(cluster, practice, tmp_path):
    """Three submissions on the 2 workers: each run in a sandbox there, its records judged here."""
    from lab_utils.tools.isolation import sandbox

    from .test_grade import SOLUTION, edit, rows_of, submission

    if sandbox.available() is not None:
        pytest.skip("needs bubblewrap")
    solution = json.loads(SOLUTION.read_text())
    subs = [submission(tmp_path, "solution", solution),
            submission(tmp_path, "hard_coded", edit(solution, "ex-double", "def double(x):\n    return 42")),
            submission(tmp_path, "reader", edit(solution, "ex-half", "import os\nhalf = n / 2\nprint(os.listdir("
                                                f"{str(tmp_path)!r}))"))]
    address, _ = cluster
    out = lab("grade", practice, *subs, "--scheduler", address, "--out", tmp_path / "g.csv", "--timeout", "60",
              "--quiet", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = rows_of(tmp_path / "g.csv")
    assert {n: r["total"] for n, r in rows.items()} == {"solution": "2", "hard_coded": "1", "reader": "1"}
    assert rows["hard_coded"]["t-double cause"] == "double.wrong"
    assert rows["reader"]["t-half cause"] == "error" and "FileNotFoundError" in rows["reader"]["error"]


@pytest.mark.ci  # a worker killed mid-sweep and the sweep run twice: make test-ci runs it
def test_sweep_on_the_cluster_survives_a_killed_worker_and_matches_a_local_sweep(cluster, tiny):
    address, workers = cluster
    grid = ["-p", "n", "1..4", "-p", "x", "2"]
    remote_out = tiny.parent / "remote"
    run = subprocess.Popen([sys.executable, "-m", "lab_utils", "sweep", tiny, *grid, "--scheduler", address,
                            "--out", remote_out, "--quiet"], cwd=tiny.parent, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    table = remote_out / "results.csv"
    for _ in range(600):  # kill a worker as soon as the first run is in: the others are still queued or running
        if table.is_file() and len(table.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    workers[0].kill()
    assert len(rows(table)) >= 1  # the partial table on disk is a valid table
    out, err = run.communicate(timeout=240)
    assert run.returncode == 0, out + err
    assert "4 runs: 4 ok, 0 failed" in out
    local = lab("sweep", tiny, *grid, "--out", tiny.parent / "local", "--workers", "2", "--quiet", cwd=tiny.parent)
    assert local.returncode == 0, local.stdout + local.stderr
    assert rows(table) == rows(tiny.parent / "local" / "results.csv")  # the same table as a local sweep
    assert [r["total"] for r in rows(table)] == [str(2.0 * n) for n in range(1, 5)]
    assert len(list(remote_out.glob("*/tiny.ipynb"))) == 4  # the client wrote every executed copy


def test_an_unreachable_scheduler_is_one_line(tiny):
    pytest.importorskip("distributed")
    out = lab("sweep", tiny, "-p", "n", "1", "--scheduler", "tcp://127.0.0.1:9", "--quiet", cwd=tiny.parent)
    assert out.returncode == 2 and out.stderr.startswith("lab: error: cannot reach the Dask scheduler at "
                                                         "tcp://127.0.0.1:9")
    assert len(out.stderr.strip().splitlines()) == 1


class FakeClient:
    def __init__(self, infos):
        self.infos = infos

    def run(self, fn, source):
        return self.infos


@pytest.mark.parametrize("info,message", [
    ({"lab_utils": None, "kernels": ["python3"]}, "worker tcp://w:1: lab_utils is not installed there"),
    ({"lab_utils": "0.0.1", "kernels": ["python3"]}, f"worker tcp://w:1: lab_utils 0.0.1 there, {__version__} here"),
    ({"lab_utils": __version__, "kernels": ["julia"]}, "worker tcp://w:1: no 'python3' Jupyter kernel there"),
])
def test_a_worker_that_cannot_run_notebooks_is_named(info, message):
    with pytest.raises(LabError, match=message):
        preflight(FakeClient({"tcp://w:1": info}), "python3")
    assert preflight(FakeClient({"tcp://w:1": {"lab_utils": __version__, "kernels": ["python3"]}}), "python3") == 1
