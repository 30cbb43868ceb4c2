"""How a CLI command shows what it read or did: JSON with `--json`, else lines of text.

`emit(as_json, data, text)` prints `data` as one line of JSON, or the text (a string or lines);
`table(rows, ...)` lays rows out in aligned columns. Every cell and line is text from data
(names, SKUs, subjects, reasons, server errors), so each is shown through `safe_text`: a control
character or bidi trick in a product name is printed as a visible escape, never obeyed by the
terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from wms_terminal.scanning.text import safe_text

#: The longest cell `table` prints (longer ones end in "…").
CELL_LIMIT = 60
#: The longest line `emit` prints.
LINE_LIMIT = 400

Text = str | Iterable[str] | Callable[[], str | Iterable[str]]


def emit(as_json: bool, data: Any, text: Text) -> None:
    """`data` as JSON when `as_json`, else `text`: a string, lines, or a function giving them
    (called only for text output, so the JSON path does not format what it does not print)."""
    if as_json:
        json.dump(data, sys.stdout)
        sys.stdout.write("\n")
        return
    body = text() if callable(text) else text
    lines = body.split("\n") if isinstance(body, str) else body
    for line in lines:
        print(safe_text(line, limit=LINE_LIMIT))


def cell(value: object, limit: int = CELL_LIMIT) -> str:
    """One value from data as a table cell: white space folded to single spaces (one line),
    other unsafe characters escaped, at most `limit` characters."""
    return safe_text(" ".join(("" if value is None else str(value)).split()), limit=limit)


def table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[str] = (),
    right: Collection[int] = (),
    empty: str = "",
    indent: str = "",
) -> list[str]:
    """Rows in aligned columns (`right`: the indexes of right-aligned columns, numbers). No rows:
    the `empty` line alone (nothing when it is empty)."""
    body = [[cell(v) for v in row] for row in rows]
    if not body:
        return [empty] if empty else []
    cells = ([list(header)] if header else []) + body
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(max(map(len, cells)))]
    return [
        indent
        + "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)
        ).rstrip()
        for r in cells
    ]
