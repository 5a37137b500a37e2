"""Run records as table rows, and those rows as aligned text or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .grid import params_id

# Characters that steer a terminal or reorder text rather than show: C0/C1 controls (ESC starts the sequences that
# clear a screen, set a window title or move the cursor) and the bidirectional overrides.
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def inert(text: str) -> str:
    """`text` with every control character except the newline shown as an escape (\\x1b, \\u202e): student text
    shown in a terminal, a CSV, a feedback file or a report can only be read, never act."""
    return "".join(c if c == "\n" or (c.isprintable() and c not in _BIDI) or c == " " else
                   c.encode("unicode_escape").decode("ascii") for c in text)


def spreadsheet_cell(value: Any) -> Any:
    """A table cell that a spreadsheet will not run as a formula (text from a submission can start with =), and in
    which no control character reaches a terminal or an editor."""
    value = inert(value) if isinstance(value, str) else value
    return "'" + value if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """One table row: params, status, seconds, scalar results, error."""
    row = {"run": params_id(record["params"]), **record["params"], "status": record["status"],
           "seconds": record["seconds"]}
    for k, v in record.get("results", {}).items():
        if k not in row:
            row[k] = json.dumps(v) if isinstance(v, (list, dict)) else v
    row["error"] = record.get("error", "")
    return row


def table_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A plain aligned text table."""
    if not rows:
        return "(no runs)"
    columns = list(columns or _columns(rows))
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return "" if v is None else str(v)
    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)) for b in body]
    return "\n".join(lines)


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    # the error column last, so the table stays readable
    return [c for c in cols if c != "error"] + (["error"] if "error" in cols else [])


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as CSV text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
