"""Benchmark: `make test` against `make lab`, back to back on this machine (the budget: test at most 2.5x lab).

Both run with the environment already set up (a first `make lab` installs it: run this after one), each R times,
alternating; prints the median of each and their ratio.

    python benchmarks/bench_suite.py [--repeats 1]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 2.5


def timed(target: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"make {target} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"lab": [], "test": []}
    for _ in range(args.repeats):
        for target in times:
            times[target].append(timed(target))
    lab, test = (statistics.median(times[t]) for t in ("lab", "test"))
    print(f"make lab  {lab:6.1f} s\nmake test {test:6.1f} s\nratio     {test / lab:6.2f}  (budget {BUDGET})")


if __name__ == "__main__":
    main()
