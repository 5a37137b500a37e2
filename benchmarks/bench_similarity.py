"""Benchmark: which submissions are too alike, on the fixture class of tests/similar.py (the checks' catalogue of
correct and mistaken answers to notebook 01, one planted pair that shares idiosyncratic code under renamed
variables, reordered statements and other comments), at 30 students and at the LMS issue's 200. Prints the time
and where the planted pair ranks, for lab grade's detector (copydetect) and, with --dolos, for Dolos on the same
code with the same template and canonical answer ignored.

    python benchmarks/bench_similarity.py [--students 30 200] [--dolos DIR]

DIR holds Dolos from npm: `npm install --prefix DIR @dodona/dolos-lib@3.5.1` (Node.js 18+).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils.tools.grade import similarity  # noqa: E402
from tests import cells, similar  # noqa: E402

TEMPLATE = ROOT / "exercises" / "01_linear_regression.ipynb"
DOLOS = """
import { Dolos } from "@dodona/dolos-lib";
const [files, ignore, share] = [JSON.parse(process.argv[2]), process.argv[3], Number(process.argv[4])];
const dolos = new Dolos({language: "python", maxFingerprintPercentage: share});
const report = await dolos.analyzePaths(files, ignore);
console.log(JSON.stringify(report.allPairs().map(p => [p.leftFile.path, p.rightFile.path, p.similarity, p.overlap])));
"""


def ours(code: dict[str, str], template: dict) -> tuple[float, int, int, float]:
    """(seconds, the planted pair's rank, flagged pairs, the planted pair's score percentile)."""
    start = time.perf_counter()
    found = similarity.similarity(code, similarity.exercise_code(template),
                                  similarity.solution_code(TEMPLATE, template))
    seconds = time.perf_counter() - start
    rank = [(p.a, p.b) for p in found.pairs].index(similar.PLANTED) + 1
    planted = found.pairs[rank - 1]
    return seconds, rank, sum(p.flagged for p in found.pairs), similarity.percentile(found, planted.score)


def dolos(code: dict[str, str], template: dict, folder: Path) -> tuple[float, int, int]:
    """(seconds, the planted pair's rank by similarity, its rank by overlap) with Dolos from `folder`."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        files = []
        for name, text in code.items():
            (tmp_path / f"{name}.py").write_text(text)
            files.append(str(tmp_path / f"{name}.py"))
        ignore = tmp_path / "ignore.py"
        ignore.write_text(similarity.exercise_code(template) + similarity.solution_code(TEMPLATE, template))
        script = folder / "bench_dolos.mjs"
        script.write_text(DOLOS)
        start = time.perf_counter()
        out = subprocess.run(["node", str(script), json.dumps(files), str(ignore), str(similarity.COMMON_SHARE)],
                             capture_output=True, text=True, check=True, cwd=folder)
        seconds = time.perf_counter() - start
    pairs = [(tuple(sorted(Path(a).stem for a in (left, right))), s, o) for left, right, s, o in json.loads(out.stdout)]
    by_score = [p[0] for p in sorted(pairs, key=lambda p: -p[1])]
    by_overlap = [p[0] for p in sorted(pairs, key=lambda p: -p[2])]
    return seconds, by_score.index(similar.PLANTED) + 1, by_overlap.index(similar.PLANTED) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--dolos", type=Path, help="a folder where @dodona/dolos-lib is installed (npm --prefix)")
    args = parser.parse_args()
    template = cells.load(TEMPLATE)
    for n in args.students:
        notebooks = similar.fixture_class(n)
        start = time.perf_counter()
        code = similarity.class_code(template, {k: json.dumps(nb).encode() for k, nb in notebooks.items()})
        read = time.perf_counter() - start
        seconds, rank, flagged, pct = ours(code, template)
        print(f"{n} students, {n * (n - 1) // 2} pairs: copydetect (lab grade) {read + seconds:.2f} s "
              f"(reading {read:.2f} s); planted pair ranked {rank}, flagged pairs {flagged}; "
              f"its score alone is higher than only {pct:.0f} % of the pairs")
        if args.dolos:
            seconds, by_score, by_overlap = dolos(code, template, args.dolos.resolve())
            print(f"{n} students: Dolos {seconds:.2f} s (node, files written first); planted pair ranked "
                  f"{by_score} by similarity, {by_overlap} by overlap")


if __name__ == "__main__":
    main()
