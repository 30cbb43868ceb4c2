"""The A4 layout that money documents share (quotes, invoices, credit notes): the page and its
margins, the item table (a bold head row ruled off, amounts right-aligned) and the totals block
(the last total in bold above a rule), in the shipped fonts."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from wms_terminal.documents.text import register_fonts


def build_a4(title: str, story: list[object]) -> bytes:
    """The PDF of `story` on A4 with 18 mm margins."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
    )
    doc.build(story)
    return out.getvalue()


def item_table(
    rows: list[list[object]], widths: Sequence[float], *, size: int, numbers_from: int
) -> Table:
    """`rows` (the head first) with columns from `numbers_from` on right-aligned."""
    regular, bold = register_fonts()
    table = Table(rows, repeatRows=1, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, size),
                ("FONT", (0, 0), (-1, 0), bold, size),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (numbers_from, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def totals_table(totals: Sequence[tuple[str, str]]) -> Table:
    """(label, amount) rows at the right, the last one in bold."""
    regular, bold = register_fonts()
    table = Table([list(t) for t in totals], colWidths=[60 * mm, 32 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 10),
                ("FONT", (0, -1), (-1, -1), bold, 10),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    return table
