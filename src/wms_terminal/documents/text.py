"""Fonts and text for every document: the shipped DejaVu Sans, control characters out, markup
escaped.

ReportLab's standard fonts (Helvetica) cover Latin-1 only: a customer called Дмитрий or Ελένη
would print as black boxes. DejaVu Sans (assets/fonts, with its licence) covers Latin, Greek,
Cyrillic, Armenian, Georgian and Hebrew; it is registered once per process and embedded as a
subset in each PDF.

Text from the database (names, addresses, gift messages, product names) is data: `clean` turns
control characters into spaces, and `para` escapes it before it reaches Paragraph's mini-markup
(a gift message "<b>love</b> & kisses" prints as written). Canvas `drawString` does not parse
markup, so `clean` alone is enough there; `put` draws one such line in a font that holds it
(`font_for`: the viewer's Helvetica for Latin text, nothing embedded; DejaVu Sans otherwise),
shortened by `fit` with an ellipsis when a width is given.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from wms_terminal.resources import asset
from wms_terminal.scanning.text import is_unsafe_char

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the shipped fonts (once); returns (regular, bold) font names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(asset("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(asset("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return REGULAR, BOLD


def font_for(text: str, *, bold: bool = False) -> str:
    """Helvetica when the PDF viewer's own Latin font holds every character of `text` (nothing
    embedded: small, fast PDFs); the shipped DejaVu Sans otherwise (embedded as a subset)."""
    try:
        text.encode("cp1252")  # WinAnsiEncoding, what the standard fonts cover
    except UnicodeEncodeError:
        regular, bold_font = register_fonts()
        return bold_font if bold else regular
    return "Helvetica-Bold" if bold else "Helvetica"


def put(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    width: float | None = None,
    right: bool = False,
    centre: bool = False,
) -> None:
    """One line of data text on a canvas: cleaned, in a font that holds it, fitted to `width`."""
    line = clean(text)
    font = font_for(line, bold=bold)
    if width is not None:
        line = fit(line, font, size, width)
    if canvas._fontname != font or canvas._fontsize != size:
        canvas.setFont(font, size)
    if right:
        canvas.drawRightString(x, y, line)
    elif centre:
        canvas.drawCentredString(x, y, line)
    else:
        canvas.drawString(x, y, line)


def clean(text: str) -> str:
    """One line of data text: control and other unsafe characters become spaces."""
    if text.isascii() and text.isprintable():  # the common case, without a look per character
        return " ".join(text.split())
    return " ".join("".join(" " if is_unsafe_char(c) else c for c in text).split())


def fit(line: str, font: str, size: float, width: float) -> str:
    """A cleaned line shortened with an ellipsis so that it fits `width` points."""
    if pdfmetrics.stringWidth(line, font, size) <= width:
        return line
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line + "…"


@cache
def _style(size: float, bold: bool, align: int, leading: float) -> ParagraphStyle:
    regular, bold_font = register_fonts()
    return ParagraphStyle(
        f"doc-{size}-{bold}-{align}",
        fontName=bold_font if bold else regular,
        fontSize=size,
        leading=leading or size * 1.2,
        alignment=align,
    )


def para(
    text: str, size: float, *, bold: bool = False, align: int = 0, multiline: bool = False
) -> Paragraph:
    """A Paragraph of data text, escaped; with `multiline`, the text's own line breaks are kept."""
    if multiline:
        lines = [clean(line) for line in text.splitlines()]
        markup = "<br/>".join(escape(line) for line in lines)
    else:
        markup = escape(clean(text))
    return Paragraph(markup, _style(size, bold, align, 0.0))
