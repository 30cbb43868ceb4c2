"""The 4x6 in shipping label, as PDF (laser or PDF printers) and as ZPL (thermal printers).

Both are drawn from one frozen `ShippingLabel`, so they carry the same data:

    +-------------------------------------------+
    | FROM warehouse address        CARRIER     |
    |                               service     |
    | TO   name                                 |
    |      street / postcode city / country     |
    | order  package n of N  weight  ship date  |
    | ||||||||| tracking number (Code 128)      |
    | ||||||||| SSCC (00)... (GS1-128, FNC1)    |
    +-------------------------------------------+

The SSCC is validated (18 digits, GS1 check digit) before anything is drawn; a label with a
wrong SSCC is refused, never printed. Text comes from data: PDF text is drawn with `drawString`
(no markup) after `text.clean`; ZPL text fields use ^FH hex escapes for every character outside
letters, digits and space, so a name containing ^ or ~ cannot inject printer commands.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from . import barcodes
from .text import clean, put

PAGE = (4 * inch, 6 * inch)
MARGIN = 4 * mm
ZPL_DPI = 203  # 8 dots/mm, the common thermal print head
ZPL_WIDTH, ZPL_HEIGHT = 812, 1218


@dataclass(frozen=True)
class Address:
    name: str
    lines: tuple[str, ...] = ()

    def all_lines(self) -> list[str]:
        return [line for line in (self.name, *self.lines) if clean(line)]


@dataclass(frozen=True)
class ShippingLabel:
    sscc: str  # 18 digits with its check digit
    tracking: str
    carrier: str  # carrier code, printed large (DHL)
    service: str  # service name (Parcel Express)
    ship_from: Address
    ship_to: Address
    order: str
    package_no: int = 1
    package_count: int | None = 1  # None while the order still has units to pack
    weight_g: int = 0
    ship_date: date | None = None
    notes: tuple[str, ...] = field(default=())  # GIFT, VIP, REPLACEMENT R-...

    @property
    def package_text(self) -> str:
        if self.package_count is None:
            return f"Package {self.package_no}"
        return f"Package {self.package_no} of {self.package_count}"

    @property
    def weight_text(self) -> str:
        return f"{self.weight_g / 1000:.2f} kg" if self.weight_g else ""


def _symbols(label: ShippingLabel) -> tuple[barcodes.Symbol, barcodes.Symbol]:
    """(tracking Code 128, SSCC GS1-128); BarcodeDataError when either must not print."""
    sscc = barcodes.gs1_128([("00", label.sscc)])
    if not all(c.isascii() and (c.isalnum() or c == "-") for c in label.tracking):
        raise barcodes.BarcodeDataError(
            f"tracking number {clean(label.tracking)!r}: letters, digits and '-' only"
        )
    return barcodes.code128(label.tracking), sscc


def _draw(canvas: Any, label: ShippingLabel) -> None:
    tracking, sscc = _symbols(label)
    width, height = PAGE
    inner = width - 2 * MARGIN
    top = height - MARGIN
    right = width - MARGIN
    # From (small, left) and carrier (large, right).
    put(canvas, MARGIN, top - 7, "FROM", 7)
    y = top - 15
    for line in label.ship_from.all_lines()[:4]:
        put(canvas, MARGIN, y, line, 7, width=inner * 0.55)
        y -= 8.5
    put(canvas, right, top - 24, label.carrier, 26, bold=True, width=inner * 0.42, right=True)
    put(canvas, right, top - 38, label.service, 9, bold=True, width=inner * 0.42, right=True)
    rule = top - 58
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, rule, right, rule)
    # To (large).
    put(canvas, MARGIN, rule - 11, "TO", 8)
    y = rule - 28
    for i, line in enumerate(label.ship_to.all_lines()[:6]):
        size = 15 if i == 0 else 12
        put(canvas, MARGIN + 4 * mm, y, line, size, bold=i == 0, width=inner - 4 * mm)
        y -= size + 3
    rule = y - 2
    canvas.line(MARGIN, rule, right, rule)
    # Package n of N, then order, weight, date; special flags on the right.
    put(canvas, MARGIN, rule - 16, label.package_text, 13, bold=True)
    facts = [f"Order {label.order}", label.weight_text]
    if label.ship_date:
        facts.append(label.ship_date.isoformat())
    put(canvas, MARGIN, rule - 30, " · ".join(f for f in facts if f), 9, width=inner * 0.72)
    if label.notes:
        notes = "  ".join(label.notes)
        put(canvas, right, rule - 30, notes, 10, bold=True, width=inner * 0.26, right=True)
    # Barcodes at the bottom: SSCC lowest (the logistics standard puts it there), tracking above.
    _barcode(canvas, sscc, MARGIN, MARGIN, inner, 30 * mm, "SSCC")
    _barcode(canvas, tracking, MARGIN, MARGIN + 37 * mm, inner, 22 * mm, "TRACKING")


def _barcode(
    canvas: Any, symbol: barcodes.Symbol, x: float, y: float, w: float, height: float, title: str
) -> None:
    module = barcodes.module_width(symbol, w, preferred=0.5 * mm)
    total = symbol.width_modules * module
    text_h = 12.0
    barcodes.draw(canvas, symbol, x + (w - total) / 2, y + text_h, module, height - text_h)
    put(canvas, x + w / 2, y + 2, symbol.human, 9, bold=True, centre=True)
    put(canvas, x, y + height + 1.5, title, 6)


def labels_pdf(labels: Sequence[ShippingLabel]) -> bytes:
    """One 4x6 in page per label (reproducible bytes). BarcodeDataError on a bad SSCC."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=True, pageCompression=0)
    canvas.setTitle("Shipping labels" if len(labels) != 1 else f"Shipping label {labels[0].sscc}")
    for label in labels:
        _draw(canvas, label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def label_pdf(label: ShippingLabel) -> bytes:
    return labels_pdf([label])


# -- ZPL -------------------------------------------------------------------------------------


def zpl_field(text: str) -> str:
    """^FH-escaped field data: letters, digits and space as they are, the rest as _XX UTF-8."""
    out: list[str] = []
    for ch in clean(text):
        if ch == " " or (ch.isascii() and ch.isalnum()):
            out.append(ch)
        else:
            out.extend(f"_{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def _zpl_text(x: int, y: int, size: int, text: str, width: int = 0) -> str:
    block = f"^FB{width},1,0,L,0" if width else ""
    return f"^FO{x},{y}^A0N,{size},{size}{block}^FH_^FD{zpl_field(text)}^FS"


def _zpl_bar(symbol: barcodes.Symbol, y: int) -> str:
    """^FO and ^BY for a symbol: the widest whole-dot module (2 to 4 dots) that fits, centred
    (the quiet zones are inside the computed width)."""
    modules = symbol.width_modules
    dots = max(2, min(4, ZPL_WIDTH // modules))
    x = max(0, (ZPL_WIDTH - modules * dots) // 2) + barcodes.QUIET_MODULES * dots
    return f"^FO{x},{y}^BY{dots}"


def label_zpl(label: ShippingLabel) -> str:
    """The same label for a 203 dpi thermal printer (UTF-8, ^CI28)."""
    tracking, sscc = _symbols(label)  # the same validation as the PDF: printed nowhere if bad
    parts = ["^XA", "^CI28", f"^PW{ZPL_WIDTH}", f"^LL{ZPL_HEIGHT}", "^LH0,0"]
    parts.append(_zpl_text(30, 30, 22, "FROM"))
    y = 58
    for line in label.ship_from.all_lines()[:4]:
        parts.append(_zpl_text(30, y, 22, line, 440))
        y += 26
    parts.append(_zpl_text(480, 30, 80, label.carrier, 300))
    parts.append(_zpl_text(480, 120, 28, label.service, 300))
    parts.append("^FO30,170^GB752,4,4^FS")
    parts.append(_zpl_text(30, 185, 24, "TO"))
    y = 220
    for i, line in enumerate(label.ship_to.all_lines()[:6]):
        size = 44 if i == 0 else 36
        parts.append(_zpl_text(60, y, size, line, 720))
        y += size + 8
    parts.append(f"^FO30,{y + 4}^GB752,4,4^FS")
    y += 20
    parts.append(_zpl_text(30, y, 40, label.package_text))
    facts = [f"Order {label.order}", label.weight_text]
    if label.ship_date:
        facts.append(label.ship_date.isoformat())
    parts.append(_zpl_text(400, y + 6, 26, "   ".join(f for f in facts if f), 380))
    if label.notes:
        parts.append(_zpl_text(30, y + 50, 30, "  ".join(label.notes), 750))
    # Tracking: Code 128 subset B (">:"); SSCC: subset C (">;") with FNC1 (">8") first.
    parts.append(_zpl_text(30, 770, 20, "TRACKING"))
    parts.append(f"{_zpl_bar(tracking, 795)}^BCN,130,Y,N,N^FD>:{label.tracking}^FS")
    parts.append(_zpl_text(30, 960, 20, "SSCC"))
    parts.append(f"{_zpl_bar(sscc, 985)}^BCN,170,N,N,N^FD>;>800{label.sscc}^FS")
    parts.append(_zpl_text(30, 1170, 30, f"(00){label.sscc}", 752))
    parts.append("^XZ")
    return "\n".join(parts) + "\n"
