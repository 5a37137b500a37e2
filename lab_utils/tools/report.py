"""The instructor's report of a grading batch: one offline HTML page (PNG figures inlined) with each exercise's pass
rate, the named mistakes per exercise, the time per submission, and the flagged rows."""

from __future__ import annotations

import base64
import collections
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..exercises.core import Exercise
from ..nbfile import atomic_write


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def causes(rows: Sequence[Mapping[str, Any]], exercise: Exercise) -> collections.Counter:
    """How often each named cause failed this exercise."""
    return collections.Counter(r.get(f"{exercise.id} cause") for r in rows if r.get(f"{exercise.id} cause"))


def figures(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[tuple[str, str, str]]:
    """(title, alt text, PNG as base64) for each figure of the report."""
    from matplotlib.figure import Figure

    out = []
    rates = [100 * sum(r.get(ex.id) == "pass" for r in rows) / max(1, len(rows)) for ex in exercises]
    fig = Figure(figsize=(6, 0.5 + 0.45 * len(exercises)))
    ax = fig.subplots()
    ax.barh([ex.id for ex in exercises][::-1], rates[::-1], color="#4c72b0")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions that pass")
    out.append(("Pass rate per exercise", "; ".join(f"{ex.id}: {r:.0f} % pass" for ex, r in zip(exercises, rates)),
                _png(fig)))
    for ex in exercises:
        counted = causes(rows, ex).most_common(12)
        if not counted:
            continue
        fig = Figure(figsize=(6, 0.5 + 0.4 * len(counted)))
        ax = fig.subplots()
        ax.barh([c for c, _ in counted][::-1], [n for _, n in counted][::-1], color="#dd8452")
        ax.set_xlabel("submissions")
        out.append((f"Named mistakes in {ex.id}", "; ".join(f"{c}: {n}" for c, n in counted), _png(fig)))
    seconds = [float(r.get("seconds") or 0) for r in rows if r.get("status") == "graded"]
    if seconds:
        fig = Figure(figsize=(6, 2.5))
        ax = fig.subplots()
        ax.hist(seconds, bins=min(20, max(3, len(seconds))), color="#55a868")
        ax.set_xlabel("seconds per submission")
        ax.set_ylabel("submissions")
        out.append(("Time per submission", f"{len(seconds)} runs, {min(seconds):.1f} to {max(seconds):.1f} s",
                    _png(fig)))
    return out


def _items_table(rows: Sequence[Mapping[str, Any]], exercises: Sequence[Exercise]) -> list[str]:
    """Which checks work: each exercise's pass rate and discrimination, flagged where it hardly tells students apart."""
    from .items import items

    e = html.escape
    parts = ["<h2>Which checks work</h2><p>Discrimination: the correlation between passing an exercise and the rest of "
             "the score (point-biserial). Near zero or negative, the check tells students who understood the lab from "
             "those who did not hardly at all, or the wrong way round.</p>",
             "<table><tr><th scope='col'>exercise</th><th scope='col'>students</th><th scope='col'>pass rate</th>"
             "<th scope='col'>discrimination</th><th scope='col'>note</th></tr>"]
    for item in items(rows, exercises):
        rate = "-" if item.pass_rate is None else f"{100 * item.pass_rate:.0f} %"
        r = "-" if item.discrimination is None else f"{item.discrimination:+.2f}"
        parts.append(f"<tr><td>{e(item.exercise)}</td><td>{item.students}</td><td>{rate}</td><td>{r}</td>"
                     f"<td>{e(item.note)}</td></tr>")
    parts.append("</table>")
    return parts


def write_report(path: Path, notebook: str, exercises: Sequence[Exercise], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write the batch's report page (atomically)."""
    e = html.escape
    graded = [r for r in rows if r.get("status") == "graded"]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Grades: {e(notebook)}</title>",
             "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}table{border-collapse:"
             "collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}img{max-width:100%}</style>",
             f"</head><body><main><h1>Grades: {e(notebook)}</h1>",
             f"<p>{len(rows)} submissions, {len(graded)} graded to the end.</p>",
             "<h2>Exercises</h2><table><tr><th scope='col'>exercise</th><th scope='col'>pass</th>"
             "<th scope='col'>fail</th><th scope='col'>not done</th><th scope='col'>most common mistake</th></tr>"]
    for ex in exercises:
        count = collections.Counter(r.get(ex.id) for r in rows)
        top = causes(rows, ex).most_common(1)
        parts.append(f"<tr><td>{e(ex.id)}: {e(ex.title)}</td><td>{count['pass']}</td><td>{count['fail']}</td>"
                     f"<td>{count['not done']}</td><td>{e(top[0][0]) + f' ({top[0][1]})' if top else ''}</td></tr>")
    parts.append("</table>")
    parts += _items_table(rows, exercises)
    for title, alt, png in figures(rows, exercises):
        parts.append(f"<h2>{e(title)}</h2><img src='data:image/png;base64,{png}' alt='{e(alt, quote=True)}'>")
    flagged = [r for r in rows if r.get("flags") or r.get("status") != "graded"]
    parts.append("<h2>Flagged and failed rows</h2>")
    if flagged:
        parts.append("<table><tr><th scope='col'>submission</th><th scope='col'>status</th><th scope='col'>flags"
                     "</th><th scope='col'>error</th></tr>")
        parts += [f"<tr><td>{e(str(r['submission']))}</td><td>{e(str(r.get('status')))}</td>"
                  f"<td>{e(str(r.get('flags') or ''))}</td><td>{e(str(r.get('error') or ''))}</td></tr>"
                  for r in flagged]
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    parts.append("</main></body></html>\n")
    atomic_write(path, "\n".join(parts))
