"""Benchmark: the time to grade, per notebook. N copies of each notebook's solution answers graded sandboxed on 2
workers three ways: every cell in a fresh sandbox and kernel per submission (`--all-cells --fresh-kernel`, what
grading did before), only the cells the checks depend on in a fresh kernel (`--fresh-kernel`), and only those on
warm runners (the default: one sandbox per worker that imported torch once forks a process per submission). Prints
seconds per submission (batch time / N), the speed-ups, what a run's fixed cost is each way (a run of the setup
cells alone: sandbox, kernel start and imports; or the fork, the shell and the clean-up), the warm runner's start,
and the time for a class of S students x the three notebooks at the measured rates.

    python benchmarks/bench_grade.py [--submissions 10] [--class-size 200] [--notebooks 01 02 03]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.nbfile import dump_notebook  # noqa: E402
from lab_utils.tools.grade.needed import skip_unneeded  # noqa: E402
from lab_utils.tools.grade.submissions import assemble, exercises_of  # noqa: E402
from lab_utils.tools.isolation import sandbox, warm  # noqa: E402

NAMES = {"01": "01_linear_regression", "02": "02_logistic_regression", "03": "03_multilayer_perceptron"}


def batch(template: Path, subs: list[Path], out: Path, *flags: str) -> float:
    cmd = [sys.executable, "-m", "lab_utils", "grade", str(template), *map(str, subs), "--out", str(out),
           "--workers", "2", "--quiet", "--timeout", "600", *flags]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def setup_only(template: dict, solution: dict) -> tuple[str, str]:
    """The pruned notebook a grading run executes, and the same with only its setup cells (up to the first
    exercise) left to run."""
    module = exercises_of(template)[0]
    nb, _, _ = assemble(template, solution)
    pruned, _ = skip_unneeded(nb, module)
    setup = copy.deepcopy(pruned)
    first = next(i for i, c in enumerate(setup["cells"]) if "exercise" in c["metadata"].get("tags", []))
    for cell in setup["cells"][first:]:
        if cell["cell_type"] == "code":
            cell["metadata"]["tags"] = [*cell["metadata"].get("tags", []), "skip-execution"]
    return dump_notebook(pruned), dump_notebook(setup)


def fixed_cost(template: dict, solution: dict) -> dict[str, float]:
    """Seconds of one run of the setup cells alone and of the pruned notebook, in a fresh kernel and on a warm
    runner (median of 3 after the runner's start, which is timed too)."""
    pruned, setup = setup_only(template, solution)
    limits = sandbox.Limits(wall=600)
    times = {"fresh fixed": sandbox.run(setup, {}, "python3", limits, 12345, True, "bench").seconds,
             "fresh run": sandbox.run(pruned, {}, "python3", limits, 12345, True, "bench").seconds}
    with warm.pool(limits, "bench") as runners:
        start = time.perf_counter()
        runners.run(setup, {}, 1)
        times["warm start"] = time.perf_counter() - start
        times["warm fixed"] = statistics.median(runners.run(setup, {}, i).seconds for i in range(3))
        times["warm run"] = statistics.median(runners.run(pruned, {}, i).seconds for i in range(3))
    times["warm start"] -= times["warm fixed"]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--notebooks", nargs="+", default=list(NAMES), choices=list(NAMES))
    args = parser.parse_args()
    n, per_submission = args.submissions, {}
    print(f"{n} submissions per notebook, sandboxed, 2 workers; seconds per submission = batch time / {n}")
    print(f"{'notebook':9} {'before':>8} {'needed':>8} {'warm':>8} {'speed-up':>9}   one run: fixed + the rest, "
          "fresh kernel | warm")
    for key in args.notebooks:
        name = NAMES[key]
        template_path = ROOT / "exercises" / f"{name}.ipynb"
        solution = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
        with tempfile.TemporaryDirectory() as tmp:
            subs = []
            for i in range(n):
                path = Path(tmp) / f"student{i:02d}.ipynb"
                path.write_text(json.dumps(solution))
                subs.append(path)
            before = batch(template_path, subs, Path(tmp) / "before.csv", "--all-cells", "--fresh-kernel") / n
            needed = batch(template_path, subs, Path(tmp) / "needed.csv", "--fresh-kernel") / n
            warmed = batch(template_path, subs, Path(tmp) / "warm.csv") / n
        t = fixed_cost(json.loads(template_path.read_text()), solution)
        per_submission[key] = warmed
        print(f"{key:9} {before:7.2f}s {needed:7.2f}s {warmed:7.2f}s {before / warmed:8.1f}x   "
              f"{t['fresh run']:.1f} s = {t['fresh fixed']:.1f} + {t['fresh run'] - t['fresh fixed']:.1f} | "
              f"{t['warm run']:.2f} s = {t['warm fixed']:.2f} + {t['warm run'] - t['warm fixed']:.2f} "
              f"(runner start {t['warm start']:.1f} s, once per worker)")
    total = args.class_size * sum(per_submission.values())
    runs = args.class_size * len(per_submission)
    print(f"a class of {args.class_size} x notebooks {' '.join(per_submission)}: {runs} runs, {total / 60:.1f} min on "
          f"2 workers at the warm rates (their runner start spread over {n} submissions, not {args.class_size})")


if __name__ == "__main__":
    main()
