"""The return label the customer sticks on the parcel: A6 (ReportLab canvas), the warehouse as
addressee, the customer as sender, and the RMA code as a Code 128 barcode (what the returns
station scans first) with its text under it. With the carrier's return service, its name and
the return tracking number as a second Code 128 barcode (what the carrier scans; the station
finds the return by it too)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from wms_terminal.documents import barcodes
from wms_terminal.documents.text import put, register_fonts


@dataclass(frozen=True)
class ReturnLabel:
    rma: str
    order: str
    to_lines: tuple[str, ...]  # the warehouse's returns address
    from_lines: tuple[str, ...]  # the customer
    carrier: str = ""  # the return service's carrier and service names ("" = none)
    service: str = ""
    tracking: str = ""  # the return tracking number from the carrier's range


def return_label_pdf(label: ReturnLabel) -> bytes:
    register_fonts()
    out = io.BytesIO()
    width, height = A6
    c = Canvas(out, pagesize=A6)
    c.setTitle(f"Return label {label.rma}")
    m = 6 * mm
    inner = width - 2 * m
    put(c, m, height - m - 10, "RETURN", 14, bold=True)
    put(c, width - m, height - m - 10, f"order {label.order}", 8, right=True)
    y = height - m - 26
    put(c, m, y, "From:", 7)
    for line in label.from_lines:
        y -= 10
        put(c, m, y, line, 8, width=inner)
    y -= 18
    put(c, m, y, "To:", 7)
    for k, line in enumerate(label.to_lines):
        y -= 14
        put(c, m, y, line, 11, bold=k == 0, width=inner)
    if label.tracking:
        put(
            c,
            m,
            110 + 22 * mm,
            f"{label.service or label.carrier} - return tracking",
            7,
            width=inner,
        )
        track = barcodes.code128(label.tracking)
        t_module = barcodes.module_width(track, inner, preferred=0.4 * mm)
        tx = m + (inner - track.width_modules * t_module) / 2
        barcodes.draw(c, track, tx, 104, t_module, 18 * mm)
        put(c, width / 2, 94, label.tracking, 9, centre=True)
    symbol = barcodes.code128(label.rma)
    module = barcodes.module_width(symbol, inner, preferred=0.4 * mm)
    bar_h = (14 if label.tracking else 22) * mm
    x = m + (inner - symbol.width_modules * module) / 2
    barcodes.draw(c, symbol, x, m + 12, module, bar_h)
    put(c, width / 2, m + 2, label.rma, 10, bold=True, centre=True)
    c.showPage()
    c.save()
    return out.getvalue()
