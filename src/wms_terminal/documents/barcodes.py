"""Barcode symbols as bar patterns, drawn as vectors on a ReportLab canvas.

python-barcode computes the module pattern ("1" = bar module, "0" = space); we draw the bars
ourselves so a PDF holds exact rectangles at any print resolution. Data is validated here first:
python-barcode silently replaces a wrong EAN check digit with the right one, which would print a
label for a different product than the one asked for.

GS1-128 is built from the element string, never from the parenthesised human-readable form: the
code starts with FNC1 and every variable-length field but the last ends with FNC1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from barcode.codex import Code128, Gs1_128
from barcode.ean import EuropeanArticleNumber13

from wms_terminal.scanning import gs1
from wms_terminal.scanning.scan import GS

QUIET_MODULES = 10  # Code 128 and GS1-128 need at least 10 modules of space on each side
MIN_MODULE_MM = 0.19  # narrower bars do not scan reliably from a thermal or laser print
MAX_CODE128_LENGTH = 48


class BarcodeDataError(ValueError):
    """Data that must not be printed; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Symbol:
    """A barcode ready to draw: its modules, and the text printed under it."""

    modules: str
    human: str

    @property
    def width_modules(self) -> int:
        return len(self.modules) + 2 * QUIET_MODULES


def code128(text: str) -> Symbol:
    if not text:
        raise BarcodeDataError("nothing to encode")
    if len(text) > MAX_CODE128_LENGTH:
        raise BarcodeDataError(f"too long for a label barcode ({len(text)} characters)")
    if any(not (" " <= c <= "~") for c in text):
        raise BarcodeDataError("Code 128 labels hold printable ASCII only")
    return Symbol(Code128(text).build()[0], text)


def gs1_128(elements: Sequence[tuple[str, str]]) -> Symbol:
    """GS1-128 from (AI, value) pairs, validated (AIs, lengths, check digits, dates)."""
    try:
        element_string = gs1.element_string(elements)
    except gs1.Gs1Error as exc:
        raise BarcodeDataError(exc.message) from None
    data = element_string.replace(GS, Gs1_128.FNC1_CHAR)
    human = "".join(f"({ai}){value}" for ai, value in elements)
    return Symbol(Gs1_128(data).build()[0], human)


def ean13(digits: str) -> Symbol:
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise BarcodeDataError("EAN-13 needs exactly 13 digits")
    if not gs1.check_digit_ok(digits):
        raise BarcodeDataError("EAN-13 check digit is wrong: refusing to print another product")
    return Symbol(EuropeanArticleNumber13(digits).build()[0], digits)


def module_width(symbol: Symbol, available: float, *, preferred: float) -> float:
    """Module width (points) that fits `available` points, at most `preferred`.

    Raises BarcodeDataError when the symbol would need bars narrower than MIN_MODULE_MM.
    """
    width = min(preferred, available / symbol.width_modules)
    if width < MIN_MODULE_MM * 72 / 25.4:
        raise BarcodeDataError(f"barcode {symbol.human!r} is too long for this label size")
    return width


def draw(canvas: Any, symbol: Symbol, x: float, y: float, module: float, height: float) -> float:
    """Draw bars with the left quiet zone starting at x; returns the total width drawn."""
    left = x + QUIET_MODULES * module
    modules = symbol.modules
    i = 0
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    while i < len(modules):
        if modules[i] == "1":
            j = i
            while j < len(modules) and modules[j] == "1":
                j += 1
            canvas.rect(left + i * module, y, (j - i) * module, height, stroke=0, fill=1)
            i = j
        else:
            i += 1
    canvas.restoreState()
    return symbol.width_modules * module
