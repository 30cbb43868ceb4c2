"""Quotes and invoices to business customers as A4 PDFs (ReportLab), in the fonts of the
packing slip and credit note (the shipped DejaVu Sans); every text from data is escaped
(`para`), so a customer called "<b>Acme</b> & Co" prints as written."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from wms_terminal.documents.text import para, register_fonts


@dataclass(frozen=True)
class DocLine:
    sku: str
    name: str
    qty: int
    unit_price: str
    amount: str
    list_price: str = ""  # quotes: before the line discount
    discount: str = ""  # quotes: the line discount, "5%"


@dataclass(frozen=True)
class BusinessDoc:
    """A quote or an invoice as printed: `kind` is "Quote" or "Invoice"."""

    kind: str
    number: str
    issued: str  # YYYY-MM-DD
    customer: str
    address: tuple[str, ...]
    vat_id: str
    currency: str
    lines: tuple[DocLine, ...]
    totals: tuple[tuple[str, str], ...]  # (label, amount), the last one in bold
    facts: tuple[tuple[str, str], ...] = ()  # valid until, due date, order, terms ...
    note: str = ""


def business_pdf(d: BusinessDoc) -> bytes:
    regular, bold = register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{d.kind} {d.number}",
    )
    quote = any(ln.list_price for ln in d.lines)
    head: list[object] = ["SKU", "Product", "Qty"]
    head += ["List", "Disc."] if quote else []
    head += [f"Price ({d.currency})", "Amount"]
    data: list[list[object]] = [head]
    for ln in d.lines:
        row: list[object] = [para(ln.sku, 8), para(ln.name, 8), str(ln.qty)]
        row += [ln.list_price, ln.discount] if quote else []
        data.append([*row, ln.unit_price, ln.amount])
    widths = (
        [30 * mm, 52 * mm, 12 * mm, 20 * mm, 14 * mm, 22 * mm, 24 * mm]
        if quote
        else [34 * mm, 70 * mm, 14 * mm, 28 * mm, 28 * mm]
    )
    table = Table(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8),
                ("FONT", (0, 0), (-1, 0), bold, 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    totals = Table([list(t) for t in d.totals], colWidths=[60 * mm, 32 * mm], hAlign="RIGHT")
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
    facts = "  -  ".join(f"{k} {v}" for k, v in (("Date", d.issued), *d.facts))
    customer = [d.customer, *d.address] + ([f"VAT {d.vat_id}"] if d.vat_id else [])
    story: list[object] = [
        para(f"{d.kind} {d.number}", 16, bold=True),
        para(facts, 9),
        Spacer(1, 6 * mm),
        para("\n".join(customer), 10, multiline=True),
        Spacer(1, 8 * mm),
        table,
        Spacer(1, 6 * mm),
        totals,
    ]
    if d.note:
        story += [Spacer(1, 6 * mm), para(d.note, 9, multiline=True)]
    doc.build(story)
    return out.getvalue()
