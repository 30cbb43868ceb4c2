"""A credit note (the money a return gave back) as one A4 page (ReportLab): the number, the
return and order it belongs to, the customer, each line (units, price paid, restocking fees),
goods, shipping, fees and the amount in the order's currency. Data text is escaped (`para`)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from wms_terminal.documents.text import para, register_fonts


@dataclass(frozen=True)
class CreditLine:
    sku: str
    units: int
    unit_price: str
    goods: str
    fees: str


@dataclass(frozen=True)
class CreditNoteDoc:
    number: str
    rma: str
    order: str
    issued: datetime
    customer: str
    address: tuple[str, ...]
    currency: str
    lines: tuple[CreditLine, ...]
    goods: str
    shipping: str
    fees: str
    amount: str


def credit_note_pdf(c: CreditNoteDoc) -> bytes:
    regular, bold = register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Credit note {c.number}",
    )
    data: list[list[object]] = [["SKU", "Units", f"Price ({c.currency})", "Goods", "Fees"]]
    for ln in c.lines:
        data.append([para(ln.sku, 9), str(ln.units), ln.unit_price, ln.goods, ln.fees])
    table = Table(data, repeatRows=1, colWidths=[60 * mm, 18 * mm, 32 * mm, 32 * mm, 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9),
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    totals = Table(
        [
            ["Goods", c.goods],
            ["Shipping refunded", c.shipping],
            ["Restocking fees", f"-{c.fees}"],
            [f"Refunded ({c.currency})", c.amount],
        ],
        colWidths=[60 * mm, 32 * mm],
        hAlign="RIGHT",
    )
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 10),
                ("FONT", (0, -1), (-1, -1), bold, 10),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story: list[object] = [
        para(f"Credit note {c.number}", 16, bold=True),
        para(f"Issued {c.issued:%Y-%m-%d}  -  return {c.rma}  -  order {c.order}", 9),
        Spacer(1, 6 * mm),
        para("\n".join((c.customer, *c.address)), 10, multiline=True),
        Spacer(1, 8 * mm),
        table,
        Spacer(1, 6 * mm),
        totals,
    ]
    doc.build(story)
    return out.getvalue()
