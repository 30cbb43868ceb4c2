"""The pick list on paper, for picking without a terminal: the lines in route order, a check box
per line, and the route drawn on a small floor plan.

The plan is the warehouse's `Layout`: aisles as racks either side of a walkway, cross-aisles
between blocks, the depot (D) at the front. The route is `floor_map.walk` (the same shortest legs
that `Layout.distance` measures and the terminal map draws) through the list's pick points in the
order of the lines, each stop numbered with the first line picked there. Lines whose location has
no pick point (no layout, or a location outside it) are still listed, just not drawn.

Drawn on the canvas directly (no Platypus tables): a page of 40 lines renders in a few ms.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from wms_terminal.core.codes import pick_list_code
from wms_terminal.picking.floor_map import walk
from wms_terminal.picking.layout import Layout, PickPoint

from . import barcodes
from .slips import page_size
from .text import clean, put

MARGIN = 14 * mm
ROW_H = 6.2 * mm
PLAN_H = 62 * mm


@dataclass(frozen=True)
class PickSheetLine:
    seq: int
    location: str
    sku: str
    name: str
    qty: int
    order: str
    tote_slot: int | None = None
    point: PickPoint | None = None


@dataclass(frozen=True)
class PickSheet:
    list_id: int
    warehouse: str
    lines: tuple[PickSheetLine, ...]
    wave: str = ""
    strategy: str = ""
    zone: str = ""
    route_length_m: float = 0.0
    layout: Layout | None = None
    printed_at: datetime | None = None


# (title, x offset in mm from the left margin, width in mm, right-aligned)
COLUMNS = (
    ("", 0, 6, False),
    ("#", 7, 9, True),
    ("Location", 18, 34, False),
    ("SKU", 53, 30, False),
    ("Product", 84, 56, False),
    ("Qty", 141, 12, True),
    ("Tote", 155, 10, True),
    ("Order", 167, 0, False),
)


def _header(
    canvas: Any, sheet: PickSheet, page: int, pages: int, width: float, top: float
) -> float:
    put(canvas, MARGIN, top - 14, f"Pick list {sheet.list_id}", 16, bold=True)
    facts = [clean(sheet.warehouse)]
    if sheet.wave:
        facts.append(f"wave {clean(sheet.wave)}")
    if sheet.zone:
        facts.append(f"zone {clean(sheet.zone)}")
    if sheet.strategy:
        facts.append(clean(sheet.strategy))
    facts.append(f"{len(sheet.lines)} lines, {sum(line.qty for line in sheet.lines)} units")
    if sheet.route_length_m:
        facts.append(f"route {sheet.route_length_m:.0f} m")
    put(canvas, MARGIN, top - 26, " · ".join(facts), 8.5, width=width * 0.62)
    printed = sheet.printed_at.strftime("%Y-%m-%d %H:%M") if sheet.printed_at else ""
    put(canvas, MARGIN + width, top - 26, f"{printed}  page {page} of {pages}", 8.5, right=True)
    symbol = barcodes.code128(pick_list_code(sheet.list_id))
    module = barcodes.module_width(symbol, 50 * mm, preferred=0.3 * mm)
    barcodes.draw(canvas, symbol, MARGIN + width - symbol.width_modules * module, top - 18,
                  module, 14)  # fmt: skip
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top - 31, MARGIN + width, top - 31)
    return top - 31


def _plan(canvas: Any, sheet: PickSheet, x: float, y: float, w: float, h: float) -> None:
    """The floor plan with the route in the box (x, y, w, h)."""
    layout = sheet.layout
    if layout is None:
        return
    stops: list[PickPoint] = []
    labels: dict[PickPoint, int] = {}
    for line in sheet.lines:
        if line.point is not None and layout.contains(line.point):
            if not stops or stops[-1] != line.point:
                stops.append(line.point)
            labels.setdefault(line.point, line.seq)
    span_x = max(layout.aisles - 1, 1) * layout.aisle_pitch_m
    span_y = layout.aisle_length_m
    pad = 6.0
    sx = (w - 2 * pad) / (span_x + layout.aisle_pitch_m)
    sy = (h - 2 * pad - 8) / span_y

    def px(aisle: int) -> float:
        return x + pad + (layout.aisle_pitch_m / 2 + layout.aisle_x(aisle)) * sx

    def py(metres: float) -> float:
        return y + pad + 8 + metres * sy

    canvas.saveState()
    canvas.setStrokeGray(0.75)
    canvas.setFillGray(0.88)
    rack = max(min(layout.aisle_pitch_m * sx * 0.28, 6.0), 1.0)
    step = layout.block_length_m
    for aisle in range(1, layout.aisles + 1):
        for block in range(layout.blocks):
            lo, hi = py(block * step) + 2, py((block + 1) * step) - 2
            for side in (-1, 1):
                left = px(aisle) + side * (rack * 0.6) - (rack if side < 0 else 0)
                canvas.rect(left, lo, rack, hi - lo, stroke=0, fill=1)
    canvas.setFillGray(0)
    for aisle in range(1, layout.aisles + 1):
        put(canvas, px(aisle), y + pad, str(aisle), 5.5, centre=True)
    if stops:
        path = canvas.beginPath()
        first, *rest = walk(layout, stops)
        path.moveTo(px(first[0]), py(first[1]))
        for aisle, metres in rest:
            path.lineTo(px(aisle), py(metres))
        canvas.setStrokeColorRGB(0.8, 0.1, 0.1)
        canvas.setLineWidth(1.1)
        canvas.drawPath(path, stroke=1, fill=0)
        for point, seq in labels.items():
            cx, cy = px(point.aisle), py(layout.bay_y(point.bay))
            canvas.setFillColorRGB(0.8, 0.1, 0.1)
            canvas.circle(cx, cy, 4.2, stroke=0, fill=1)
            canvas.setFillGray(1)
            put(canvas, cx, cy - 2, str(seq), 5.5, bold=True, centre=True)
    canvas.setFillGray(0)
    put(canvas, px(layout.depot_aisle), py(0) - 7.5, "D", 7, bold=True, centre=True)
    canvas.setStrokeGray(0.3)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()


def _row(canvas: Any, line: PickSheetLine, top: float) -> None:
    base = top - ROW_H + 5
    canvas.rect(MARGIN, base - 1, 4 * mm, 4 * mm, stroke=1, fill=0)
    values = (
        "", str(line.seq), line.location, line.sku, line.name, str(line.qty),
        str(line.tote_slot or ""), line.order,
    )  # fmt: skip
    for (title, at, width, right), value in zip(COLUMNS, values, strict=True):
        if not title:
            continue
        big = title in ("Location", "Qty")
        left, room = MARGIN + at * mm, (width or 24) * mm
        if right:
            put(canvas, left + room, base, value, 10.5 if big else 8.5, bold=big, right=True)
        else:
            put(canvas, left, base, value, 10.5 if big else 8.5, bold=big, width=room)
    canvas.setStrokeGray(0.8)
    canvas.line(MARGIN, top - ROW_H, MARGIN + 190 * mm, top - ROW_H)
    canvas.setStrokeGray(0)


def _column_titles(canvas: Any, top: float) -> float:
    for title, at, width, right in COLUMNS:
        x = MARGIN + (at + width if right else at) * mm
        put(canvas, x, top - 10, title, 8, bold=True, right=right)
    return top - 13


def _pages(sheet: PickSheet, height: float) -> list[Sequence[PickSheetLine]]:
    body = height - 2 * MARGIN - 31 - 13
    first = int((body - (PLAN_H + 4 * mm if sheet.layout else 0)) // ROW_H)
    rest = int(body // ROW_H)
    lines = list(sheet.lines)
    pages: list[Sequence[PickSheetLine]] = [lines[:first]]
    for start in range(first, len(lines), rest):
        pages.append(lines[start : start + rest])
    return pages


def pick_sheet_pdf(sheet: PickSheet, paper: str = "A4") -> bytes:
    """The sheet as PDF bytes (one or more pages, reproducible)."""
    size = page_size(paper)
    width, height = size[0] - 2 * MARGIN, size[1]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=True, pageCompression=0)
    canvas.setTitle(f"Pick list {sheet.list_id}")
    pages = _pages(sheet, height)
    for number, rows in enumerate(pages, 1):
        top = _header(canvas, sheet, number, len(pages), width, height - MARGIN)
        if number == 1 and sheet.layout is not None:
            _plan(canvas, sheet, MARGIN, top - 3 * mm - PLAN_H, width, PLAN_H)
            top -= PLAN_H + 4 * mm
        top = _column_titles(canvas, top)
        canvas.setLineWidth(0.4)
        for line in rows:
            _row(canvas, line, top)
            top -= ROW_H
        if not sheet.lines:
            put(canvas, MARGIN, top - 14, "This list has no lines.", 11)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
