"""Benchmark: the time to grade, per notebook. N copies of each notebook's solution answers graded sandboxed on 2
workers, once running every cell (`--all-cells`, what grading did before) and once running only the cells the checks
depend on (the default); a run of the notebook's setup cells alone gives the fixed cost of a run (sandbox, kernel
start, imports). Prints seconds per submission (batch time / N) before and after, the speed-up, where a run's time
goes, and the time for a class of S students x the three notebooks at the measured rate.

    python benchmarks/bench_grade.py [--submissions 6] [--class-size 200] [--notebooks 01 02 03]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.nbfile import dump_notebook  # noqa: E402
from lab_utils.tools import sandbox  # noqa: E402
from lab_utils.tools.needed import skip_unneeded  # noqa: E402
from lab_utils.tools.submissions import assemble, exercises_of  # noqa: E402

NAMES = {"01": "01_linear_regression", "02": "02_logistic_regression", "03": "03_multilayer_perceptron"}


def batch(template: Path, subs: list[Path], out: Path, all_cells: bool) -> float:
    cmd = [sys.executable, "-m", "lab_utils", "grade", str(template), *map(str, subs), "--out", str(out),
           "--workers", "2", "--quiet", "--timeout", "600"] + (["--all-cells"] if all_cells else [])
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def fixed_cost(template: dict, solution: dict) -> tuple[float, float]:
    """Seconds of one sandboxed run of the setup cells alone (up to the first exercise), and of the pruned run."""
    module = exercises_of(template)[0]
    nb, _, _ = assemble(template, solution)
    pruned, _ = skip_unneeded(nb, module)
    setup = copy.deepcopy(pruned)
    first = next(i for i, c in enumerate(setup["cells"]) if "exercise" in c["metadata"].get("tags", []))
    for cell in setup["cells"][first:]:
        if cell["cell_type"] == "code":
            cell["metadata"]["tags"] = [*cell["metadata"].get("tags", []), "skip-execution"]
    times = []
    for notebook in (setup, pruned):
        result = sandbox.run(dump_notebook(notebook), {}, "python3", sandbox.Limits(wall=600), 12345, True, "bench")
        times.append(result.seconds)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--notebooks", nargs="+", default=list(NAMES), choices=list(NAMES))
    args = parser.parse_args()
    n, per_submission = args.submissions, {}
    print(f"{n} submissions per notebook, sandboxed, 2 workers; seconds per submission = batch time / {n}")
    print(f"{'notebook':10} {'all cells':>10} {'needed':>10} {'speed-up':>9}   one run: fixed (sandbox, kernel, "
          "imports) + the rest")
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
            full = batch(template_path, subs, Path(tmp) / "full.csv", all_cells=True) / n
            needed = batch(template_path, subs, Path(tmp) / "needed.csv", all_cells=False) / n
        fixed, run = fixed_cost(json.loads(template_path.read_text()), solution)
        per_submission[key] = needed
        print(f"{key:10} {full:9.2f}s {needed:9.2f}s {full / needed:8.1f}x   {run:.1f} s = {fixed:.1f} s fixed "
              f"({100 * fixed / run:.0f} %) + {run - fixed:.1f} s exercises and checks")
    total = args.class_size * sum(per_submission.values())
    runs = args.class_size * len(per_submission)
    print(f"a class of {args.class_size} x notebooks {' '.join(per_submission)}: {runs} runs, {total / 60:.1f} min on "
          f"2 workers at these rates")


if __name__ == "__main__":
    main()
