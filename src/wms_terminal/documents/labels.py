"""Label sheets as PDF: locations, totes, badges and the command cheat sheet.

Rendering only: frozen data in, PDF bytes out (the CLI does the querying). Every text that comes
from the database goes through `text.para`, which strips control characters and escapes it for
ReportLab's Paragraph mini-markup (a user called "<b>Ann" or "A & B" prints as written), in the
shipped DejaVu Sans (a badge for Дмитрий prints his name).
Sheets are A4 grids sized like common label stock; PDFs are reproducible (invariant mode).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from wms_terminal.core.codes import Command

from . import barcodes
from .text import clean, para, register_fonts

T = TypeVar("T")


@dataclass(frozen=True)
class LocationLabel:
    barcode: str  # L-MAIN-03-17-2L
    code: str  # 03-17-2L, printed large
    warehouse: str
    zone: str = ""


@dataclass(frozen=True)
class ToteLabel:
    code: str  # T-MAIN-0042
    warehouse: str


@dataclass(frozen=True)
class BadgeLabel:
    code: str  # B-7Q4K9X2M
    name: str
    role: str


@dataclass(frozen=True)
class CommandLabel:
    barcode: str  # CMD-SHORT
    title: str
    hint: str


COMMAND_TEXTS: dict[Command, tuple[str, str]] = {
    Command.SHORT: ("Short", "Fewer items in the location than asked: report a short pick."),
    Command.SKIP: ("Skip", "Leave this line for later; it comes back at the end of the list."),
    Command.DAMAGED: ("Damaged", "The item is damaged: set it aside and report it."),
    Command.FULL_TOTE: ("Full tote", "The tote is full: close it and scan a new tote."),
    Command.EMPTY: ("Empty location", "The location is empty: report it for a count."),
    Command.DONE: ("Done", "Finish the current task or package."),
    Command.HELP: ("Help", "Show what the screen expects and call a supervisor."),
    Command.CANCEL: ("Cancel", "Cancel the current step and go back."),
    Command.GIVE_BACK: ("Give back", "Give the whole list back: another picker takes it."),
    Command.LOGOUT: ("Log out", "Sign out of this terminal."),
    Command.PICK: ("Pick", "Take the next pick list."),
    Command.REPLENISH: ("Replenish", "Take the next replenishment task."),
    Command.COUNT: ("Count", "Take the next stock count."),
    Command.REPRINT: ("Reprint", "Print the last package's shipping label again."),
    Command.RETRY: ("Retry print", "Send this station's failed print jobs again."),
}


def command_labels() -> list[CommandLabel]:
    return [
        CommandLabel(command.barcode, *COMMAND_TEXTS.get(command, (command.value.title(), "")))
        for command in Command
    ]


@dataclass(frozen=True)
class Grid:
    columns: int
    rows: int
    margin_x: float = 0.0
    margin_y: float = 0.0
    padding: float = 3 * mm

    @property
    def cell(self) -> tuple[float, float]:
        width, height = A4
        return (
            (width - 2 * self.margin_x) / self.columns,
            (height - 2 * self.margin_y) / self.rows,
        )

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LOCATION_GRID = Grid(3, 8)  # 70 x 37 mm, 24 per A4 sheet
TOTE_GRID = Grid(2, 4)  # 105 x 74 mm, 8 per sheet
BADGE_GRID = Grid(2, 5, margin_x=19 * mm, margin_y=13.5 * mm)  # 86 x 54 mm, card size
COMMAND_GRID = Grid(1, 8, margin_x=15 * mm, margin_y=15 * mm)


def _put(canvas: Any, para: Paragraph, x: float, top: float, width: float) -> float:
    """Draw `para` with its top at `top`; returns the height used."""
    _w, h = para.wrap(width, 1000)
    para.drawOn(canvas, x, top - h)
    return float(h)


def _barcode_block(
    canvas: Any,
    symbol: barcodes.Symbol,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    preferred_module: float = 0.33 * mm,
    human: bool = True,
) -> None:
    """Barcode centred in the box, with its text under it when `human`."""
    text_h = 9.0 if human else 0.0
    module = barcodes.module_width(symbol, width, preferred=preferred_module)
    total = symbol.width_modules * module
    left = x + (width - total) / 2
    barcodes.draw(canvas, symbol, left, y + text_h, module, height - text_h)
    if human:
        canvas.setFont(register_fonts()[0], 8)
        canvas.drawCentredString(x + width / 2, y + 1, clean(symbol.human))


def _sheet(
    items: Sequence[T], grid: Grid, draw_one: Callable[[Any, T, float, float], None]
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle("wms-terminal labels")
    cell_w, cell_h = grid.cell
    _page_w, page_h = A4
    if not items:
        canvas.setFont(register_fonts()[0], 12)
        canvas.drawString(20 * mm, page_h - 30 * mm, "No labels matched the filters.")
    for i, item in enumerate(items):
        slot = i % grid.per_page
        if i and slot == 0:
            canvas.showPage()
        col, row = slot % grid.columns, slot // grid.columns
        x = grid.margin_x + col * cell_w
        y = page_h - grid.margin_y - (row + 1) * cell_h
        canvas.saveState()
        draw_one(canvas, item, x, y)
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def location_sheet(labels: Sequence[LocationLabel]) -> bytes:
    grid = LOCATION_GRID
    cell_w, cell_h = grid.cell
    pad = grid.padding
    inner = cell_w - 2 * pad

    def draw_one(canvas: Any, label: LocationLabel, x: float, y: float) -> None:
        top = y + cell_h - pad
        top -= _put(canvas, para(label.code, 20, bold=True), x + pad, top, inner)
        where = f"{label.warehouse}  zone {label.zone}" if label.zone else label.warehouse
        top -= _put(canvas, para(where, 7), x + pad, top, inner)
        symbol = barcodes.code128(label.barcode)
        _barcode_block(canvas, symbol, x + pad, y + pad, inner, top - y - pad - 1 * mm)

    return _sheet(labels, grid, draw_one)


def tote_sheet(labels: Sequence[ToteLabel]) -> bytes:
    grid = TOTE_GRID
    cell_w, cell_h = grid.cell
    pad = grid.padding * 2
    inner = cell_w - 2 * pad

    def draw_one(canvas: Any, label: ToteLabel, x: float, y: float) -> None:
        top = y + cell_h - pad
        number = label.code.rsplit("-", 1)[-1]
        top -= _put(canvas, para(f"TOTE {number}", 28, bold=True, align=1), x + pad, top, inner)
        top -= _put(canvas, para(label.warehouse, 9, align=1), x + pad, top, inner)
        symbol = barcodes.code128(label.code)
        _barcode_block(
            canvas, symbol, x + pad, y + pad, inner, top - y - pad - 2 * mm,
            preferred_module=0.5 * mm,
        )  # fmt: skip

    return _sheet(labels, grid, draw_one)


def badge_sheet(labels: Sequence[BadgeLabel]) -> bytes:
    grid = BADGE_GRID
    cell_w, cell_h = grid.cell
    pad = grid.padding * 1.5
    inner = cell_w - 2 * pad

    def draw_one(canvas: Any, label: BadgeLabel, x: float, y: float) -> None:
        canvas.setLineWidth(0.3)
        canvas.setStrokeGray(0.6)
        canvas.roundRect(x + 1 * mm, y + 1 * mm, cell_w - 2 * mm, cell_h - 2 * mm, 3 * mm)
        top = y + cell_h - pad
        top -= _put(canvas, para(label.name, 13, bold=True), x + pad, top, inner)
        top -= _put(canvas, para(label.role.title(), 9), x + pad, top, inner)
        symbol = barcodes.code128(label.code)
        _barcode_block(canvas, symbol, x + pad, y + pad, inner, top - y - pad - 2 * mm)

    return _sheet(labels, grid, draw_one)


def command_sheet(labels: Sequence[CommandLabel] | None = None) -> bytes:
    """The cheat sheet kept beside the scanner: one command barcode per row."""
    items = list(labels) if labels is not None else command_labels()
    grid = COMMAND_GRID
    cell_w, cell_h = grid.cell
    pad = grid.padding
    text_w = cell_w * 0.45

    def draw_one(canvas: Any, label: CommandLabel, x: float, y: float) -> None:
        canvas.setLineWidth(0.3)
        canvas.setStrokeGray(0.7)
        canvas.line(x, y, x + cell_w, y)
        top = y + cell_h - pad
        top -= _put(canvas, para(label.title, 16, bold=True), x + pad, top, text_w)
        _put(canvas, para(label.hint, 9), x + pad, top - 1 * mm, text_w)
        symbol = barcodes.code128(label.barcode)
        bx = x + text_w + 2 * pad
        _barcode_block(canvas, symbol, bx, y + pad, cell_w - text_w - 3 * pad, cell_h - 2 * pad)

    return _sheet(items, grid, draw_one)
