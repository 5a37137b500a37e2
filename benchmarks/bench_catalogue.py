"""Benchmark: the checks over the whole catalogue of tests/test_exercise_mistakes.py, judged as a grading run judges
them. Prints named / all mistakes (failed with the cause the catalogue expects), correct accepted / all correct (and
whether the notebook then ran on), and the lines the student reads that are over 200 characters, per notebook.

    python benchmarks/bench_catalogue.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.exercises import core  # noqa: E402
from tests.test_exercise_mistakes import CORRECT, EXERCISES, LATER_CELLS_USE, LONGEST, MISTAKES, check  # noqa: E402


def long_lines(out: str) -> list[str]:
    """The check lines the student reads (the exercise's line and what follows it) over LONGEST characters."""
    return [line for line in out.splitlines() if len(line) > LONGEST]


def main() -> None:
    start = time.perf_counter()
    named, accepted, ran_on, long, total = Counter(), Counter(), Counter(), [], Counter()
    for case in MISTAKES:
        result, out = check(case)
        notebook = EXERCISES[case.cell][0]
        total["mistakes", notebook] += 1
        named[notebook] += (result.status, result.cause) == (core.FAILED, case.cause)
        long += [(case.cell, case.cause, line) for line in long_lines(out)]
    for case in CORRECT:
        result, out = check(case, rest=LATER_CELLS_USE.get(case.cell, False))
        notebook = EXERCISES[case.cell][0]
        total["correct", notebook] += 1
        accepted[notebook] += result.status == core.PASSED
        ran_on[notebook] += result.status == core.PASSED and " raised " not in out
        long += [(case.cell, "ok", line) for line in long_lines(out)]
    for notebook in sorted({EXERCISES[c][0] for c in EXERCISES}):
        print(f"{notebook}: named {named[notebook]} / {total['mistakes', notebook]} mistakes; correct accepted "
              f"{accepted[notebook]} / {total['correct', notebook]}, the notebook ran on after "
              f"{ran_on[notebook]}")
    print(f"all: named {sum(named.values())} / {len(MISTAKES)} mistakes, correct accepted {sum(accepted.values())} / "
          f"{len(CORRECT)} (ran on after {sum(ran_on.values())}), lines over {LONGEST} characters: {len(long)}")
    for cell, cause, line in long:
        print(f"  {cell} {cause}: a line of {len(line)} characters: {line}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
