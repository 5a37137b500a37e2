"""Benchmark and parity check of the warm runners: every answer of the checks' catalogue (tests/
test_exercise_mistakes.py: each mistake and each correct variant, written into its exercise notebook) graded by
`lab grade`, sandboxed on 2 workers, twice: on warm runners (the default) and with a fresh sandbox and kernel per
submission (`--fresh-kernel`). Prints each notebook's batch time both ways and every row on which the two disagree
(outcomes, causes, flags, notes); exit code 1 if any does.

    python benchmarks/bench_warm.py [--notebooks 01 02 03]
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cells import exercise, filled  # noqa: E402
from tests.test_exercise_mistakes import CORRECT, EXERCISES, MISTAKES  # noqa: E402

NAMES = {"01": "01_linear_regression", "02": "02_logistic_regression", "03": "03_multilayer_perceptron"}
IGNORED = ("seconds", "peak MiB", "digest")  # what may differ between two gradings of one submission


def submissions(name: str, folder: Path) -> list[Path]:
    """One submission per catalogue answer of notebook `name`: the exercise notebook with that answer filled in."""
    paths = []
    for i, case in enumerate(c for c in [*MISTAKES, *CORRECT] if EXERCISES[c.cell][0] == name):
        nb = copy.deepcopy(exercise(name))
        code = filled(nb, case.cell, *case.answers)
        for old, new in case.edit:
            code = code.replace(old, new)
        next(c for c in nb["cells"] if c.get("id") == case.cell)["source"] = code
        paths.append(folder / f"{i:03d}-{case.cell}-{case.cause}.ipynb")
        paths[-1].write_text(json.dumps(nb))
    return paths


def graded(template: Path, subs: list[Path], out: Path, *flags: str) -> tuple[dict[str, dict], float]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lab_utils", "grade", str(template), *map(str, subs), "--out", str(out),
                    "--workers", "2", "--quiet", *flags], capture_output=True, check=False)
    seconds = time.perf_counter() - start
    with out.open() as f:
        return {r["submission"]: {k: v for k, v in r.items() if k not in IGNORED} for r in csv.DictReader(f)}, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", default=list(NAMES), choices=list(NAMES))
    args = parser.parse_args()
    differ = 0
    print(f"{'notebook':9} {'answers':>8} {'warm':>9} {'fresh kernel':>13}  rows that differ")
    for key in args.notebooks:
        with tempfile.TemporaryDirectory() as tmp:
            subs = submissions(NAMES[key], Path(tmp))
            template = ROOT / "exercises" / f"{NAMES[key]}.ipynb"
            warm, warm_s = graded(template, subs, Path(tmp) / "warm.csv")
            fresh, fresh_s = graded(template, subs, Path(tmp) / "fresh.csv", "--fresh-kernel")
        rows = sorted(set(warm) | set(fresh))
        bad = [r for r in rows if warm.get(r) != fresh.get(r)]
        differ += len(bad)
        print(f"{key:9} {len(subs):8} {warm_s:8.1f}s {fresh_s:12.1f}s  {len(bad)}")
        for r in bad:
            one, other = warm.get(r, {}), fresh.get(r, {})
            changed = {k: (one.get(k), other.get(k)) for k in {*one, *other} if one.get(k) != other.get(k)}
            print(f"  {r}: warm vs fresh {changed}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
