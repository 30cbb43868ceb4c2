"""A credit note (the money a return gave back) as one A4 page (ReportLab): the number, the
return and order it belongs to, the customer, each line (units, price paid, restocking fees),
goods, shipping, fees and the amount in the order's currency. Data text is escaped (`para`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from wms_terminal.documents.money_doc import build_a4, item_table, totals_table
from wms_terminal.documents.text import para


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
    data: list[list[object]] = [["SKU", "Units", f"Price ({c.currency})", "Goods", "Fees"]]
    for ln in c.lines:
        data.append([para(ln.sku, 9), str(ln.units), ln.unit_price, ln.goods, ln.fees])
    widths = [60 * mm, 18 * mm, 32 * mm, 32 * mm, 32 * mm]
    totals = (
        ("Goods", c.goods),
        ("Shipping refunded", c.shipping),
        ("Restocking fees", f"-{c.fees}"),
        (f"Refunded ({c.currency})", c.amount),
    )
    story: list[object] = [
        para(f"Credit note {c.number}", 16, bold=True),
        para(f"Issued {c.issued:%Y-%m-%d}  -  return {c.rma}  -  order {c.order}", 9),
        Spacer(1, 6 * mm),
        para("\n".join((c.customer, *c.address)), 10, multiline=True),
        Spacer(1, 8 * mm),
        item_table(data, widths, size=9, numbers_from=1),
        Spacer(1, 6 * mm),
        totals_table(totals),
    ]
    return build_a4(f"Credit note {c.number}", story)
