"""The instructor's report of a grading batch: one offline HTML page (PNG figures inlined, each with an alt text) with
each exercise's pass rate, the named mistakes, which checks discriminate, the time per submission, the submissions
that are too alike (with their shared lines side by side) and the flagged rows; in the template's language."""

from __future__ import annotations

import base64
import collections
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...exercises.core import Exercise
from ...i18n import N_, tr
from ...nbfile import atomic_write
from .similarity import SHOWN, Pair, Similarity, percentile
from .verdicts import speaking

STYLE = ("body{font-family:sans-serif;max-width:70rem;margin:auto;padding:1rem}table{border-collapse:collapse}"
         "td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}img{max-width:100%}"
         ".side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}figure{margin:0}"
         "pre{overflow:auto;background:#f6f6f6;padding:.5rem;font-size:.85rem;line-height:1.4;margin:0}"
         "mark{background:#ffe08a;color:#000}")

DISCRIMINATION = N_("Discrimination: the correlation between passing an exercise and the rest of the score "
                    "(point-biserial). Near zero or negative, the check tells students who understood the lab from "
                    "those who did not hardly at all, or the wrong way round.")
SCORE = N_("Score: the share of a submission's exercise code (starter code left out; names, comments and layout "
           "ignored) found in the other. Honest answers to short exercises score high too, so a pair is flagged "
           "only for the code it shares beyond the canonical answer and beyond what many students wrote, far above "
           "the class (distinct shared code over {bound:.0f} characters).")


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def causes(rows: Sequence[Mapping[str, Any]], exercise: Exercise) -> collections.Counter:
    """How often each named cause failed this exercise."""
    return collections.Counter(r.get(f"{exercise.id} cause") for r in rows if r.get(f"{exercise.id} cause"))


def _bars(labels: Sequence[str], values: Sequence[float], color: str, xlabel: str) -> Any:
    from ...plots import new_figure

    fig = new_figure(figsize=(6, 0.5 + 0.45 * len(labels)))
    ax = fig.subplots()
    ax.barh(list(labels)[::-1], list(values)[::-1], color=color)
    ax.set_xlabel(xlabel)
    return fig


def _histogram(values: Sequence[float], xlabel: str, ylabel: str, marked: Sequence[float] = ()) -> Any:
    from ...plots import new_figure

    fig = new_figure(figsize=(6, 2.5))
    ax = fig.subplots()
    ax.hist(values, bins=min(20, max(3, len(values))), color="#55a868")
    for x in marked:
        ax.axvline(x, color="#c44e52", linewidth=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def figures(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[tuple[str, str, str]]:
    """(title, alt text, PNG as base64) for each figure of the report, in the language spoken now."""
    rates = [100 * sum(r.get(ex.id) == "pass" for r in rows) / max(1, len(rows)) for ex in exercises]
    fig = _bars([ex.id for ex in exercises], rates, "#4c72b0", tr("% of submissions that pass"))
    fig.axes[0].set_xlim(0, 100)
    out = [(tr("Pass rate per exercise"),
            "; ".join(tr("{exercise}: {rate:.0f} % pass", exercise=ex.id, rate=r) for ex, r in zip(exercises, rates)),
            _png(fig))]
    for ex in exercises:
        counted = causes(rows, ex).most_common(12)
        if counted:
            fig = _bars([c for c, _ in counted], [n for _, n in counted], "#dd8452", tr("submissions"))
            out.append((tr("Named mistakes in {exercise}", exercise=ex.id),
                        "; ".join(f"{c}: {n}" for c, n in counted), _png(fig)))
    seconds = [float(r.get("seconds") or 0) for r in rows if r.get("status") == "graded"]
    if seconds:
        out.append((tr("Time per submission"),
                    tr("{n} runs, {low:.1f} to {high:.1f} s", n=len(seconds), low=min(seconds), high=max(seconds)),
                    _png(_histogram(seconds, tr("seconds per submission"), tr("submissions")))))
    return out


def _table(head: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    e = html.escape
    cells = "".join(f"<th scope='col'>{e(h)}</th>" for h in head)
    lines = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in body)
    return f"<table><tr>{cells}</tr>{lines}</table>"


def _exercises(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[str]:
    body = []
    for ex in exercises:
        count = collections.Counter(r.get(ex.id) for r in rows)
        top = causes(rows, ex).most_common(1)
        body.append([f"{ex.id}: {tr(ex.title)}", count["pass"], count["fail"], count["not done"],
                     f"{top[0][0]} ({top[0][1]})" if top else ""])
    return [f"<h2>{tr('Exercises')}</h2>",
            _table([tr("exercise"), tr("pass"), tr("fail"), tr("not done"), tr("most common mistake")], body)]


def _items_table(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[str]:
    """Which checks work: each exercise's pass rate and discrimination, flagged where it hardly tells students apart."""
    from .items import items

    body = [[item.exercise, item.students, "-" if item.pass_rate is None else f"{100 * item.pass_rate:.0f} %",
             "-" if item.discrimination is None else f"{item.discrimination:+.2f}", item.note]
            for item in items(rows, exercises)]
    return [f"<h2>{tr('Which checks work')}</h2>",
            f"<p>{html.escape(tr(DISCRIMINATION))}</p>",
            _table([tr("exercise"), tr("students"), tr("pass rate"), tr("discrimination"), tr("note")], body)]


def _code(name: str, code: str, shared: Sequence[int]) -> str:
    """One side of a pair: the submission's exercise code, its shared lines marked."""
    e = html.escape
    marked = set(shared)
    lines = [f"<mark>{n:3d}  {e(line)}</mark>" if n in marked else f"{n:3d}  {e(line)}"
             for n, line in enumerate(code.rstrip("\n").split("\n"), 1)]
    return (f"<figure><figcaption>{e(name)}: " + e(tr("{n} shared lines marked", n=len(marked))) +
            "</figcaption><pre tabindex='0'>" + "\n".join(lines) + "</pre></figure>")


def _similar(sim: Similarity | None) -> list[str]:
    """Which submissions are too alike: the distribution, the ranked pairs, the flagged ones side by side."""
    e = html.escape
    parts = [f"<h2>{tr('Similar submissions')}</h2>",
             f"<p>{e(tr(SCORE, bound=sim.bound if sim else 0))}</p>"]
    if sim is None:
        return [*parts, f"<p>{e(tr('Not computed for this batch.'))}</p>"]
    parts += [f"<p>{e(tr(note, **fields))}</p>" for note, fields in sim.notes]
    if not sim.pairs:
        return parts
    flagged = [p for p in sim.pairs if p.flagged]
    parts.append(f"<p>{e(tr('{flagged} of {pairs} pairs flagged.', flagged=len(flagged), pairs=len(sim.scores)))}</p>")
    if sim.scores:
        fig = _histogram(sim.scores, tr("score"), tr("pairs"), [p.score for p in flagged])
        alt = tr("Scores of {n} pairs: median {median:.2f}, highest {high:.2f}; flagged pairs marked: {flagged}",
                 n=len(sim.scores), median=sim.scores[len(sim.scores) // 2], high=sim.scores[-1],
                 flagged=", ".join(f"{p.a} / {p.b} ({p.score:.2f})" for p in flagged) or "-")
        parts.append(f"<img src='data:image/png;base64,{_png(fig)}' alt='{e(alt, quote=True)}'>")
    shown = [*flagged, *[p for p in sim.pairs[:SHOWN] if not p.flagged]]
    parts.append(_table([tr("submission"), tr("submission"), tr("score"), tr("higher than"),
                         tr("distinct shared code"), tr("flagged")],
                        [[p.a, p.b, f"{p.score:.2f}", tr("{p:.0f} % of pairs", p=percentile(sim, p.score)),
                          p.distinct, tr("yes") if p.flagged else ""] for p in shown]))
    parts += [_side_by_side(sim, p) for p in shown if p.distinct][:max(len(flagged), 3)]
    if sim.identical:
        parts.append(f"<p>{e(tr('Identical exercise code beyond the canonical answer:'))} " +
                     "; ".join(e(", ".join(group)) for group in sim.identical) + "</p>")
    return parts


def _side_by_side(sim: Similarity, pair: Pair) -> str:
    title = tr("{a} and {b}: {chars} characters of distinct shared code", a=pair.a, b=pair.b, chars=pair.distinct)
    return (f"<section><h3>{html.escape(title)}</h3><div class='side'>"
            f"{_code(pair.a, sim.code[pair.a], pair.a_lines)}{_code(pair.b, sim.code[pair.b], pair.b_lines)}"
            "</div></section>")


def _flagged_rows(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    flagged = [r for r in rows if r.get("flags") or r.get("status") != "graded"]
    parts = [f"<h2>{tr('Flagged and failed rows')}</h2>"]
    if not flagged:
        return [*parts, f"<p>{tr('None.')}</p>"]
    return [*parts, _table([tr("submission"), tr("status"), tr("flags"), tr("error")],
                           [[r["submission"], r.get("status"), r.get("flags") or "", r.get("error") or ""]
                            for r in flagged])]


def page(notebook: str, exercises: Sequence[Exercise], rows: Sequence[Mapping[str, Any]],
         similar: Similarity | None = None) -> str:
    """The report's HTML in the language spoken now."""
    from ...i18n import language

    e = html.escape
    graded = [r for r in rows if r.get("status") == "graded"]
    title = e(tr("Grades: {notebook}", notebook=notebook))
    parts = [f"<!DOCTYPE html><html lang='{language()}'><head><meta charset='utf-8'><title>{title}</title>",
             f"<style>{STYLE}</style></head><body><main><h1>{title}</h1>",
             f"<p>{e(tr('{n} submissions, {graded} graded to the end.', n=len(rows), graded=len(graded)))}</p>",
             *_exercises(rows, exercises), *_items_table(rows, exercises)]
    parts += [f"<h2>{e(title)}</h2><img src='data:image/png;base64,{png}' alt='{e(alt, quote=True)}'>"
              for title, alt, png in figures(rows, exercises)]
    parts += [*_similar(similar), *_flagged_rows(rows), "</main></body></html>\n"]
    return "\n".join(parts)


def write_report(path: Path, notebook: str, exercises: Sequence[Exercise], rows: Sequence[Mapping[str, Any]],
                 similar: Similarity | None = None, language: str = "en") -> None:
    """Write the batch's report page (atomically), in `language` (a Korean edition's batch: ko)."""
    with speaking(language):
        text = page(notebook, exercises, rows, similar)
    atomic_write(path, text)
