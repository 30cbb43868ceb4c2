"""Quotes and invoices to business customers as A4 PDFs (ReportLab), in the fonts of the
packing slip and credit note (the shipped DejaVu Sans); every text from data is escaped
(`para`), so a customer called "<b>Acme</b> & Co" prints as written."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from wms_terminal.documents.money_doc import build_a4, item_table, totals_table
from wms_terminal.documents.text import para


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
    facts = "  -  ".join(f"{k} {v}" for k, v in (("Date", d.issued), *d.facts))
    customer = [d.customer, *d.address] + ([f"VAT {d.vat_id}"] if d.vat_id else [])
    story: list[object] = [
        para(f"{d.kind} {d.number}", 16, bold=True),
        para(facts, 9),
        Spacer(1, 6 * mm),
        para("\n".join(customer), 10, multiline=True),
        Spacer(1, 8 * mm),
        item_table(data, widths, size=8, numbers_from=2),
        Spacer(1, 6 * mm),
        totals_table(d.totals),
    ]
    if d.note:
        story += [Spacer(1, 6 * mm), para(d.note, 9, multiline=True)]
    return build_a4(f"{d.kind} {d.number}", story)
