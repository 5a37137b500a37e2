"""Benchmark: the time of one notebook run, the `papermill` command against lab_utils' run command (execution.py).

    python benchmarks/bench_runs.py [--runs 40] [--notebook tests/fixtures/practice.ipynb]

Runs a notebook (by default the torch-free practice fixture, so that the kernel's start and stop dominate) one run
at a time, each way in turn, and prints the median, the 90th percentile, the slowest run and how many runs took
over twice the median. The `papermill` command asks the kernel to shut down, waits for it to exit (a kernel that
imported torch and matplotlib takes a while) and, when ipykernel does not answer, waits 2.5 s before it terminates
it; lab_utils' command stops the kernel at once after the last cell. A benchmark, not a test: run it on a quiet
machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.tools.run.execution import KERNEL, command  # noqa: E402

NOTEBOOK = ROOT / "tests" / "fixtures" / "practice.ipynb"


def papermill_command(src: Path, out: Path, cwd: Path) -> list[str]:
    return [sys.executable, "-m", "papermill", str(src), str(out), "-k", KERNEL, "--cwd", str(cwd),
            "--no-progress-bar", "--log-level", "ERROR"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK)
    args = parser.parse_args()
    notebook = args.notebook.resolve()
    ways = {"papermill command": [], "lab_utils command": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(args.runs):  # interleaved: a busy moment of the machine costs both ways alike
            out = work / f"out{i}.ipynb"
            ways["papermill command"].append(timed(papermill_command(notebook, out, work)))
            ways["lab_utils command"].append(timed(command(notebook, out, {}, KERNEL, work)))
    print(f"{args.runs} runs each of {notebook.name}, one at a time:")
    for name, times in ways.items():
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        slow = sum(t > 2 * median for t in times)
        print(f"  {name:18} median {median:.2f} s  p90 {p90:.2f} s  slowest {max(times):.2f} s  "
              f"over 2x the median: {slow} of {len(times)}")


if __name__ == "__main__":
    main()
