"""The same sweep here (threads) and on a 2-worker Dask cluster on this machine: wall time and per-run overhead.

    python benchmarks/bench_cluster.py [--runs 8] [--notebook notebooks/01_linear_regression.ipynb]

A benchmark, not a test: run it on a quiet machine. It starts a LocalCluster (2 worker processes, 1 thread each,
on 127.0.0.1), sweeps `seed 0..runs-1` both ways, and prints the seconds, the mean seconds one run took inside
its worker, and what that implies for more workers.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from lab_utils.tools.run.sweep import sweep


def timed(notebook: str, grid: list[dict], out: Path, **kw) -> tuple[float, float]:
    start = time.perf_counter()
    records = sweep(notebook, grid, out, workers=2, **kw)
    wall = time.perf_counter() - start
    assert all(r["status"] == "ok" for r in records), [r["error"] for r in records]
    return wall, statistics.mean(r["seconds"] for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--notebook", default="notebooks/01_linear_regression.ipynb")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    grid = [{"seed": s} for s in range(args.runs)]
    with tempfile.TemporaryDirectory() as tmp:
        local_wall, local_run = timed(args.notebook, grid, Path(tmp) / "local")
        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
            started = time.perf_counter() - start
            with Client(cluster) as client:
                start = time.perf_counter()
                client.submit(sum, [1], pure=False).result()
                task_overhead = time.perf_counter() - start
            dask_wall, dask_run = timed(args.notebook, grid, Path(tmp) / "dask", scheduler=cluster.scheduler_address)
    print(f"{args.runs} runs of {Path(args.notebook).name}, 2 workers each way")
    print(f"local threads : {local_wall:6.1f} s wall, {local_run:5.2f} s per run inside its worker")
    print(f"Dask cluster  : {dask_wall:6.1f} s wall, {dask_run:5.2f} s per run (+ {started:.1f} s to start the "
          f"cluster, {1000 * task_overhead:.0f} ms for one empty task)")
    per_run = (dask_wall * 2) / args.runs
    print(f"on paper: one run costs ~{per_run:.1f} worker-seconds here; with W workers a sweep of N runs takes about "
          f"N x {per_run:.1f} / W s while the scheduler's ~{1000 * task_overhead:.0f} ms per task stays negligible "
          f"(e.g. 1000 runs on 50 workers: ~{1000 * per_run / 50:.0f} s)")


if __name__ == "__main__":
    main()
