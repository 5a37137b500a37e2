"""Which submissions are too alike: the code students wrote in the exercise cells, compared pair by pair offline.

Fingerprints come from copydetect (winnowed k-grams of the code with every name, string and comment normalized
away, so renamed variables, changed comments and whitespace do not hide a copy). Each pair gets two numbers:
- `score`: copydetect's similarity, the larger share of either submission's code found in the other, with the
  template's starter code left out. In exercises this short, honest answers resemble each other: the report shows
  each pair's score against the class's distribution.
- `distinct`: the characters of (normalized) code the pair shares that are not in the starter code, not in the
  canonical answer and not common in the class (in more than COMMON_SHARE of the submissions, the way Moss ignores
  passages that many programs share). Only a pair whose distinct shared code stands far out from the class's
  (Tukey's far-out fence) and is at least MIN_DISTINCT characters long is flagged.

copydetect rather than Dolos (@dodona/dolos-lib from npm): both winnow fingerprints and both rank the planted pair
of the test class first (benchmarks/bench_similarity.py: 7 s against 0.9 s for 200 students); copydetect is a
pure-Python wheel that `make venv` installs and that fingerprints strings in this process, where Dolos needs
Node.js, a native tree-sitter build and the code written to files, for seconds that grading's minutes dwarf.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import io
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...i18n import N_
from ...nbfile import EXERCISE_TAG, atomic_write, source_text, tags
from .scan import python_source

K = 12  # filtered characters per fingerprint: about one short statement (`V=V.V(V,V)` is 10)
WINDOW = 4  # winnowing window: any match of K + WINDOW - 1 characters is found
COMMON_SHARE = 0.1  # a fingerprint in more than this share of the class (and more than COMMON_MIN) is common
COMMON_MIN = 3  # so that three students sharing one source still count as sharing it
MIN_DISTINCT = 60  # characters of distinct shared code below which no pair is flagged: a line or two is chance
FENCE = 3.0  # Tukey's far-out fence: Q3 + 3 IQR of the class's distinct shared code
MAX_PAIRS = 50_000  # pairs whose score is computed for the distribution; a seeded sample beyond
SHOWN = 10  # pairs shown side by side in the report (and every flagged one)

Note = tuple[str, dict[str, Any]]
NO_CANONICAL = N_("The canonical answer was not found (the solution notebook named in the template's metadata): code "
                  "every correct answer shares counts as distinct, so honest pairs may be flagged.")
TOO_FEW = N_("Not computed: {n} submissions with code, and a pair needs two.")
COMMON = N_("{n} fingerprints of code beyond the canonical answer are in more than {limit} submissions: counted as "
            "how the class writes it, not as evidence of copying.")
SAMPLED = N_("The distribution is the scores of {n:,} of the {every:,} pairs, a seeded sample.")


@dataclass(frozen=True)
class Pair:
    """Two submissions and what they share."""

    a: str
    b: str
    score: float
    distinct: int
    flagged: bool
    a_lines: tuple[int, ...] = ()  # 1-based lines of a's code that the pair shares beyond the canonical answer
    b_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Similarity:
    """A class's pairs, highest first, with the distribution they are judged against."""

    pairs: list[Pair]  # every pair that shares distinct code, and the highest scores; ranked
    scores: list[float]  # the score of every compared pair, ascending (the class's distribution)
    bound: float  # distinct shared code above which a pair is flagged
    code: dict[str, str]  # each submission's exercise code, as compared
    notes: list[Note]  # what could not be computed, and why: (template for tr, its fields)
    identical: list[tuple[str, ...]] = ()  # groups with the same code beyond the starter code and canonical answer


def exercise_code(nb: Mapping[str, Any]) -> str:
    """The exercise cells' code of an assembled notebook, in order, IPython lines blanked."""
    cells = [source_text(c) for c in nb.get("cells", []) if EXERCISE_TAG in tags(c) and c.get("cell_type") == "code"]
    return "\n".join(python_source(code)[0].rstrip("\n") for code in cells) + "\n"


def _stable_kgrams(string: str, k: int) -> Any:
    """copydetect's k-gram hashes with a hash that is the same in every process (its own uses hash(), salted per
    process by PYTHONHASHSEED, so the same class would get other fingerprints, scores and flags in each run)."""
    import numpy as np

    return np.array([int.from_bytes(hashlib.blake2b(string[i:i + k].encode(), digest_size=8).digest(), "little",
                                    signed=True) for i in range(len(string) - k + 1)], dtype=np.int64)


@contextlib.contextmanager
def _stable_hashes() -> Iterator[None]:
    from copydetect import utils

    kept = utils.hashed_kgrams
    utils.hashed_kgrams = _stable_kgrams
    try:
        yield
    finally:
        utils.hashed_kgrams = kept


def _fingerprint(code: str, boilerplate: Any = None) -> Any:
    from copydetect import CodeFingerprint

    with _stable_hashes():
        return CodeFingerprint("answer.py", K, WINDOW, boilerplate=boilerplate, fp=io.StringIO(code),
                               language="python")


def _hashes(*codes: str | None) -> Any:
    import numpy as np

    found = set().union(*(_fingerprint(code).hashes for code in codes if code))
    return np.array(sorted(found), dtype=np.int64)


def _lines(code: str, slices: Any) -> tuple[int, ...]:
    """The 1-based non-blank lines that copydetect's character slices of `code` touch."""
    lines = code.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    touched = set()
    for begin, end in zip(*slices):
        first = bisect.bisect_right(starts, int(begin)) - 1
        last = bisect.bisect_left(starts, int(end)) - 1
        touched.update(range(first, max(first, last) + 1))
    return tuple(i + 1 for i in sorted(touched) if i < len(lines) and lines[i].strip())


def _fence(values: Sequence[float]) -> float:
    """Tukey's far-out fence of `values`: Q3 + FENCE * IQR."""
    ordered = sorted(values)
    if not ordered:
        return 0.0

    def quantile(q: float) -> float:
        at = q * (len(ordered) - 1)
        low = math.floor(at)
        return ordered[low] + (ordered[min(low + 1, len(ordered) - 1)] - ordered[low]) * (at - low)

    q1, q3 = quantile(0.25), quantile(0.75)
    return q3 + FENCE * (q3 - q1)


def similarity(code: Mapping[str, str], starter: str, canonical: str | None) -> Similarity:
    """Every pair of `code` (name -> exercise code) scored, ranked and flagged; `starter` is the template's own
    exercise code, `canonical` the solution's (None: not found, said in the notes)."""
    from copydetect import compare_files

    notes: list[Note] = [] if canonical else [(NO_CANONICAL, {})]
    names = sorted(code)
    if len(names) < 2:
        return Similarity([], [], 0.0, dict(code), [*notes, (TOO_FEW, {"n": len(names)})])
    starter_fp = _hashes(starter)
    shared_fp = _hashes(starter, canonical)
    scored = {n: _fingerprint(code[n], starter_fp) for n in names}
    plain = {n: _fingerprint(code[n], shared_fp) for n in names}
    identical = _identical(plain)
    counts = Counter(h for n in names for h in plain[n].hashes)
    limit = max(COMMON_MIN, math.floor(COMMON_SHARE * len(names)))
    common = {h for h, c in counts.items() if c > limit}
    if common:
        import numpy as np

        notes.append((COMMON, {"n": len(common), "limit": limit}))
        plain = {n: _fingerprint(code[n], np.union1d(shared_fp, np.array(sorted(common), dtype=np.int64)))
                 for n in names}
    # pairs that share distinct code: found through an index of fingerprints, not by comparing every pair
    holders = defaultdict(list)
    for n in names:
        for h in plain[n].hashes:
            holders[h].append(n)
    candidates = {pair for group in holders.values() for pair in itertools.combinations(sorted(group), 2)}
    every = len(names) * (len(names) - 1) // 2
    compared = list(itertools.combinations(names, 2))
    if every > MAX_PAIRS:
        compared = random.Random(0).sample(compared, MAX_PAIRS)
        notes.append((SAMPLED, {"n": MAX_PAIRS, "every": every}))
    score = {pair: _score(compare_files(scored[pair[0]], scored[pair[1]])) for pair in {*compared, *candidates}}
    distinct = {}
    for a, b in candidates:
        overlap, _, slices = compare_files(plain[a], plain[b])
        distinct[a, b] = (int(overlap), _lines(code[a], slices[0]), _lines(code[b], slices[1]))
    values = [distinct.get(pair, (0,))[0] for pair in compared]
    bound = max(float(MIN_DISTINCT), _fence(values))
    ranked = sorted(score, key=lambda p: (-distinct.get(p, (0,))[0], -score[p], p))
    pairs = [Pair(a, b, score[a, b], *_shared(distinct.get((a, b)), bound)) for a, b in ranked]
    return Similarity(pairs, sorted(score[p] for p in compared), bound, dict(code), notes, identical)


def _identical(plain: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Groups of two or more submissions whose normalized code is the same and holds code of their own."""
    groups = defaultdict(list)
    for name, fp in plain.items():
        if fp.hashes:
            groups[fp.filtered_code].append(name)
    return sorted(tuple(g) for g in groups.values() if len(g) > 1)


def _shared(found: tuple[int, tuple[int, ...], tuple[int, ...]] | None, bound: float) -> tuple[Any, ...]:
    """(distinct, flagged, a's lines, b's lines) of a pair."""
    if found is None:
        return 0, False, (), ()
    chars, a_lines, b_lines = found
    return chars, chars > bound, a_lines, b_lines


def _score(compared: tuple[Any, Any, Any]) -> float:
    _, (share_a, share_b), _ = compared
    return round(float(max(share_a, share_b)), 4)


def percentile(sim: Similarity, score: float) -> float:
    """The share of the class's compared pairs that score lower than `score`, in %."""
    return 100 * bisect.bisect_left(sim.scores, score) / max(1, len(sim.scores))


def write_csv(path: Path, sim: Similarity) -> None:
    """similarity.csv: the ranked pairs, highest first (atomically)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["submission a", "submission b", "score", "percentile", "distinct shared", "flagged",
                     "lines a", "lines b"])
    for p in sim.pairs:
        writer.writerow([p.a, p.b, f"{p.score:.3f}", f"{percentile(sim, p.score):.0f}", p.distinct,
                         "yes" if p.flagged else "", " ".join(map(str, p.a_lines)), " ".join(map(str, p.b_lines))])
    atomic_write(path, buf.getvalue())


def class_code(template: Mapping[str, Any], contents: Mapping[str, bytes]) -> dict[str, str]:
    """name -> the exercise code each readable submission gives (as grading assembles it); the rest left out."""
    from ...errors import LabError
    from .submissions import assemble, parse_submission

    starter = exercise_code(template)
    out = {}
    for name, content in contents.items():
        try:
            nb, _, _ = assemble(template, parse_submission(content))
        except LabError:
            continue
        code = exercise_code(nb)
        if code != starter:  # a blank notebook wrote nothing to compare
            out[name] = code
    return out


def solution_code(template_path: Path, template: Mapping[str, Any]) -> str | None:
    """The canonical answer: the exercise cells' code in the solution notebook the template was made from (looked
    for beside the template's folders, then in this checkout), or None."""
    from ...nbfile import load_notebook

    source = template.get("metadata", {}).get("lab_utils", {}).get("source")
    if not isinstance(source, str) or ".." in Path(source).parts:
        return None
    ids = {c.get("id") for c in template["cells"] if EXERCISE_TAG in tags(c)}
    here = Path(__file__).resolve().parents[2]
    for folder in [*template_path.resolve().parents, here]:
        if (folder / source).is_file():
            nb = load_notebook(folder / source)
            return "\n".join(python_source(source_text(c))[0] for c in nb["cells"] if c.get("id") in ids) + "\n"
    return None
