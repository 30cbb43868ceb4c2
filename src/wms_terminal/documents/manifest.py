"""The carrier's end-of-day manifest: one A4 table of the packages handed over (ReportLab)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from wms_terminal.documents.text import para, register_fonts


@dataclass(frozen=True)
class ManifestRow:
    order: str
    sscc: str
    tracking: str
    service: str
    weight_g: int
    country: str
    expected_delivery: str


@dataclass(frozen=True)
class Manifest:
    carrier: str  # code
    carrier_name: str
    warehouse: str
    at: datetime
    rows: tuple[ManifestRow, ...]


def manifest_pdf(m: Manifest) -> bytes:
    regular, bold = register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Manifest {m.carrier} {m.at:%Y-%m-%d %H:%M}",
    )
    head: list[object] = ["Order", "SSCC", "Tracking", "Service", "kg", "To", "Delivery"]
    data: list[list[object]] = [head]
    for r in m.rows:
        data.append(
            [
                para(r.order, 8),
                para(r.sscc, 8),
                para(r.tracking, 8),
                para(r.service, 8),
                f"{r.weight_g / 1000:.2f}",
                para(r.country, 8),
                r.expected_delivery,
            ]
        )
    total = sum(r.weight_g for r in m.rows) / 1000
    data.append([f"{len(m.rows)} package(s)", "", "", "", f"{total:.2f}", "", ""])
    table = Table(data, repeatRows=1, colWidths=[24 * mm, 40 * mm, 34 * mm, 26 * mm, 14 * mm,
                                                12 * mm, 24 * mm])  # fmt: skip
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8),
                ("FONT", (0, 0), (-1, 0), bold, 8),
                ("FONT", (0, -1), (-1, -1), bold, 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    title = para(f"Manifest - {m.carrier_name} ({m.carrier})", 14, bold=True)
    sub = para(f"Warehouse {m.warehouse}, handed over {m.at:%Y-%m-%d %H:%M} UTC", 9)
    signature = para("Received by the carrier (name, signature): ______________________", 9)
    doc.build([title, sub, table, signature])
    return out.getvalue()
