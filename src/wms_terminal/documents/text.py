"""Fonts and text for every document: the shipped DejaVu Sans, control characters out, markup
escaped.

ReportLab's standard fonts (Helvetica) cover Latin-1 only: a customer called Дмитрий or Ελένη
would print as black boxes. DejaVu Sans (assets/fonts, with its licence) covers Latin, Greek,
Cyrillic, Armenian, Georgian and Hebrew; it is registered once per process and embedded as a
subset in each PDF.

Text from the database (names, addresses, gift messages, product names) is data: `clean` turns
control characters into spaces, and `para` escapes it before it reaches Paragraph's mini-markup
(a gift message "<b>love</b> & kisses" prints as written). Canvas `drawString` does not parse
markup, so `clean` alone is enough there; `fit` shortens a line to a width with an ellipsis.
"""

from __future__ import annotations

from functools import cache
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


def clean(text: str) -> str:
    """One line of data text: control and other unsafe characters become spaces."""
    return " ".join("".join(" " if is_unsafe_char(c) else c for c in text).split())


def fit(text: str, font: str, size: float, width: float) -> str:
    """`clean(text)` shortened with an ellipsis so that it fits `width` points."""
    line = clean(text)
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
