"""Time of each exercise check (probe + verdict) on the solution's answers, median of several runs.

    python benchmarks/bench_checks.py [--repeat 5]

Runs each solution notebook's cells in this process up to each check cell, then runs that check cell `--repeat`
times and prints the median and the slowest. Targets: at most 2 s a check, 5 s for notebook 03's configuration
check (it trains 500 networks, and 800 more for its hint when the configuration fails). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # this process only draws into memory; the figures are closed

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"epochs": 300, "n_models": 20, "grid_models": 10, "grid_epochs": 100}  # the cells between checks, faster


def cells(name: str) -> list[dict]:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"
            and "colab-install" not in c["metadata"].get("tags", []) and c.get("id") != "playground"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each check (default 5)")
    args = parser.parse_args()
    import matplotlib.pyplot as plt

    print(f"{'check':<22} {'median s':>9} {'max s':>7}")
    for name in ("01_linear_regression", "02_logistic_regression", "03_multilayer_perceptron"):
        ns: dict = {"__name__": "__main__", "In": [""]}
        for cell in cells(name):
            code = "\n".join(ln for ln in "".join(cell["source"]).splitlines() if not ln.lstrip().startswith("%"))
            ns["In"].append(code)
            times = []
            for _ in range(args.repeat if cell["id"].startswith("check-") else 1):
                start = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(code, cell["id"], "exec", dont_inherit=True), ns)  # no __future__ of this file
                times.append(time.perf_counter() - start)
            if "parameters" in cell["metadata"].get("tags", []) and name.startswith("03"):
                ns.update(SMALL)
            if cell["id"].startswith("check-"):
                print(f"{cell['id']:<22} {statistics.median(times):9.3f} {max(times):7.3f}")
            plt.close("all")
    # The configuration check on a configuration that fails: the hint trains four nearby configurations too.
    from lab_utils.exercises import core

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            exec("my_hidden, my_optimizer, my_lr = 64, 'sgd', 5.0\ncheck.configuration(X, y)", ns)
        times.append(time.perf_counter() - start)
    assert core.outcome("03-config").cause == "config.unreliable"
    print(f"{'check-03-config (fail)':<22} {statistics.median(times):9.3f} {max(times):7.3f}")


if __name__ == "__main__":
    main()
