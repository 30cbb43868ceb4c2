"""The packing slip: what is in the box, for the customer (A4 or Letter).

Order number (with its Code 128 barcode for returns), order date, ship-to address, the lines
(SKU, product, quantity; prices and totals unless it is a gift), the gift message, flags such as
VIP or a replacement's code, and the return instructions. Every text from the order is escaped
before it reaches Paragraph markup (`text.para`) and printed in the shipped DejaVu Sans, so
non-Latin names print as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import barcodes
from .shipping_label import Address
from .text import clean, para, register_fonts

PAGE_SIZES = {"A4": A4, "LETTER": LETTER}

RETURN_INSTRUCTIONS = (
    "Returns: within 30 days of delivery, unused and in the original packaging. Keep this slip, "
    "put it in the parcel and quote the order number; the barcode above identifies your order."
)


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    qty: int
    unit_price: Decimal = Decimal("0")


@dataclass(frozen=True)
class PackingSlip:
    order: str
    ship_to: Address
    lines: tuple[SlipLine, ...]
    currency: str = "EUR"
    order_date: date | None = None
    ship_from: Address = field(default_factory=lambda: Address(""))
    gift: bool = False
    gift_message: str = ""
    flags: tuple[str, ...] = ()  # "VIP", "Replacement R-000123"
    shipping: Decimal = Decimal("0")
    total: Decimal | None = None
    return_instructions: str = RETURN_INSTRUCTIONS
    package_note: str = ""  # "2 packages"


def page_size(name: str) -> tuple[float, float]:
    """A4 or Letter (any case); ValueError naming the choices for anything else."""
    try:
        return PAGE_SIZES[name.strip().upper()]
    except KeyError:
        raise ValueError(f"paper size {name!r}: choose A4 or Letter") from None


def _money(amount: Decimal, currency: str) -> str:
    try:
        return str(format_currency(amount, currency, locale="en"))
    except Exception:  # an unknown currency code still prints, as the bare amount and code
        return f"{amount} {currency}"


class _Barcode(Flowable):
    def __init__(self, symbol: barcodes.Symbol, width: float, height: float) -> None:
        super().__init__()
        self.symbol, self.width, self.height = symbol, width, height

    def draw(self) -> None:
        module = barcodes.module_width(self.symbol, self.width, preferred=0.3 * mm)
        total = self.symbol.width_modules * module
        x = self.width - total
        barcodes.draw(self.canv, self.symbol, x, 10, module, self.height - 10)
        regular, _bold = register_fonts()
        self.canv.setFont(regular, 8)
        self.canv.drawCentredString(x + total / 2, 0, clean(self.symbol.human))


def _head(slip: PackingSlip, width: float) -> Table:
    left: list[Any] = [para("Packing slip", 20, bold=True), para(f"Order {slip.order}", 12)]
    if slip.order_date:
        left.append(para(f"Ordered {slip.order_date.isoformat()}", 9))
    if slip.package_note:
        left.append(para(slip.package_note, 9))
    code = _Barcode(barcodes.code128(slip.order), width * 0.4, 16 * mm)
    table = Table([[left, code]], colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _addresses(slip: PackingSlip, width: float) -> Table:
    def block(title: str, address: Address) -> list[Any]:
        return [para(title, 8, bold=True), *(para(line, 10) for line in address.all_lines())]

    cells = [[block("Ship to", slip.ship_to), block("From", slip.ship_from)]]
    table = Table(cells, colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines(slip: PackingSlip, width: float) -> Table:
    priced = not slip.gift
    head = ["SKU", "Product", "Qty"] + (["Price", "Amount"] if priced else [])
    rows: list[list[Any]] = [[para(h, 9, bold=True) for h in head]]
    for line in slip.lines:
        row: list[Any] = [para(line.sku, 9), para(line.name, 9), para(str(line.qty), 9, align=2)]
        if priced:
            amount = line.unit_price * line.qty
            row += [
                para(_money(line.unit_price, slip.currency), 9, align=2),
                para(_money(amount, slip.currency), 9, align=2),
            ]
        rows.append(row)
    if priced:
        if slip.shipping:
            shipping = para(_money(slip.shipping, slip.currency), 9, align=2)
            rows.append(["", para("Shipping", 9), "", "", shipping])
        if slip.total is not None:
            total = para(_money(slip.total, slip.currency), 9, bold=True, align=2)
            rows.append(["", para("Total", 9, bold=True), "", "", total])
        widths = [0.18, 0.44, 0.08, 0.15, 0.15]
    else:
        widths = [0.22, 0.66, 0.12]
    table = Table(rows, colWidths=[width * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def packing_slip_pdf(slip: PackingSlip, paper: str = "A4") -> bytes:
    """The slip as PDF bytes. BarcodeDataError when the order number cannot be a Code 128."""
    register_fonts()
    size = page_size(paper)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Packing slip {clean(slip.order)}",
        invariant=True,
    )
    width = size[0] - 36 * mm
    story: list[Any] = [_head(slip, width), Spacer(1, 6 * mm), _addresses(slip, width)]
    if slip.gift or slip.flags:
        notes = (["Gift"] if slip.gift else []) + list(slip.flags)
        story += [Spacer(1, 4 * mm), para("  ·  ".join(notes), 11, bold=True)]
    story += [Spacer(1, 6 * mm), _lines(slip, width)]
    if slip.gift and clean(slip.gift_message):
        box = Table(
            [[para("Gift message", 9, bold=True)], [para(slip.gift_message, 12, multiline=True)]],
            colWidths=[width],
        )
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black)]))
        story += [Spacer(1, 8 * mm), KeepTogether(box)]
    if clean(slip.return_instructions):
        story += [Spacer(1, 8 * mm), para("Returns", 9, bold=True)]
        story.append(para(slip.return_instructions, 9, multiline=True))
    doc.build(story)
    return buffer.getvalue()
