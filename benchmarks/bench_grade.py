"""Benchmark: the grading sandbox's overhead. N copies of notebook 01's solution answers graded sandboxed and with
--no-sandbox, on 2 workers; prints the median of R batches each way and the time per submission.

    python benchmarks/bench_grade.py [--submissions 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def batch(template: Path, subs: list[Path], out: Path, sandboxed: bool) -> float:
    cmd = [sys.executable, "-m", "lab_utils", "grade", str(template), *map(str, subs), "--out", str(out),
           "--workers", "2", "--quiet", "--timeout", "600"] + ([] if sandboxed else ["--no-sandbox"])
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    template = ROOT / "exercises" / "01_linear_regression.ipynb"
    solution = json.loads((ROOT / "notebooks" / "01_linear_regression.ipynb").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        subs = []
        for i in range(args.submissions):
            path = Path(tmp) / f"student{i:02d}.ipynb"
            path.write_text(json.dumps(solution))
            subs.append(path)
        times = {True: [], False: []}
        for r in range(args.repeats):
            for sandboxed in (False, True):
                times[sandboxed].append(batch(template, subs, Path(tmp) / f"g{r}{sandboxed}.csv", sandboxed))
    plain, boxed = statistics.median(times[False]), statistics.median(times[True])
    n = args.submissions
    print(f"{n} submissions of notebook 01 on 2 workers, median of {args.repeats}:")
    print(f"  --no-sandbox {plain:7.1f} s  ({plain / n:.2f} s per submission)")
    print(f"  sandboxed    {boxed:7.1f} s  ({boxed / n:.2f} s per submission)")
    print(f"  overhead     {100 * (boxed / plain - 1):+.1f} %")


if __name__ == "__main__":
    main()
