"""Fonts and text for every document: the shipped DejaVu Sans with a CJK fallback, control
characters out, markup escaped.

ReportLab's standard fonts (Helvetica) cover Latin-1 only: a customer called Дмитрий or Ελένη
would print as black boxes. DejaVu Sans (assets/fonts, with its licence) covers Latin, Greek,
Cyrillic, Armenian, Georgian and Hebrew, but no Chinese, Japanese or Korean: for those
characters, and only those, the text falls back per character to a subset of Droid Sans Fallback
(assets/fonts/DroidSansFallback-CJK.ttf, Apache 2.0): 王小明 or 山田太郎 in a Latin address is
drawn in runs, each in the first font that has its glyph (`runs`). Fonts are registered once per
process (the CJK one only when a text needs it) and embedded as subsets in each PDF.

Text from the database (names, addresses, gift messages, product names) is data: `clean` turns
control characters into spaces, and `para` escapes it before it reaches Paragraph's mini-markup
(a gift message "<b>love</b> & kisses" prints as written). Canvas `drawString` does not parse
markup, so `clean` alone is enough there; `put` draws one such line in a font that holds it
(`font_for`: the viewer's Helvetica for Latin text, nothing embedded; DejaVu Sans otherwise,
with the CJK runs in the fallback font), shortened by `fit` with an ellipsis when a width is
given; `para` wraps the CJK runs in <font> tags after escaping.
"""

from __future__ import annotations

import functools
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
CJK = "DroidSansFallbackCJK"  # one weight: bold CJK text is drawn regular


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


@cache
def _glyphs(font: str) -> frozenset[int]:
    """The code points a registered TrueType font has glyphs for."""
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


@cache
def _cjk() -> str:
    pdfmetrics.registerFont(TTFont(CJK, str(asset("fonts", "DroidSansFallback-CJK.ttf"))))
    return CJK


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """`text` as (font, piece) runs: the whole text in `font_for`'s font, except characters
    DejaVu Sans lacks and the CJK font has, which fall back to the CJK font. In a line with such
    characters the Latin-1 ones go to Helvetica (as in a Latin line): a Chinese address embeds
    the CJK subset alone, not DejaVu Sans as well (labels render a third faster)."""
    font = font_for(text, bold=bold)
    if font.startswith("Helvetica"):
        return [(font, text)]
    mine = _glyphs(font)
    cjk = _glyphs(_cjk())
    if all(ord(ch) in mine or ord(ch) not in cjk for ch in text):
        return [(font, text)]
    latin = "Helvetica-Bold" if bold else "Helvetica"
    out: list[tuple[str, str]] = []
    for ch in text:
        if _winansi(ch):
            use = latin
        elif ord(ch) not in mine and ord(ch) in cjk:
            use = CJK
        else:
            use = font
        if out and out[-1][0] == use:
            out[-1] = (use, out[-1][1] + ch)
        else:
            out.append((use, ch))
    return out


@functools.lru_cache(maxsize=4096)
def _winansi(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def width_of(pieces: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in pieces)


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
    """One line of data text on a canvas: cleaned, in fonts that hold it, fitted to `width`."""
    line = clean(text)
    pieces = runs(line, bold=bold)
    if len(pieces) == 1 and pieces[0][0] != CJK:  # the common case: one font
        font = pieces[0][0]
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
        return
    if width is not None:
        pieces = fit_runs(pieces, size, width)
    total = width_of(pieces, size)
    x = x - total if right else x - total / 2 if centre else x
    # One text object, the font switched between runs: the text reads back as one line.
    line_out = canvas.beginText(x, y)
    for font, piece in pieces:
        line_out.setFont(font, size)
        line_out.textOut(piece)
    canvas.drawText(line_out)


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


def fit_runs(pieces: list[tuple[str, str]], size: float, width: float) -> list[tuple[str, str]]:
    """Runs shortened from the end, with an ellipsis in the text's own font (the CJK subset has
    none), to fit `width`."""
    if width_of(pieces, size) <= width:
        return pieces
    base = next((font for font, _ in pieces if font != CJK), "Helvetica")
    out = list(pieces)
    while out and width_of([*out, (base, "…")], size) > width:
        font, piece = out[-1]
        out[-1] = (font, piece[:-1])
        if not out[-1][1]:
            out.pop()
    return [*out, (base, "…")]


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
    """A Paragraph of data text, escaped (CJK runs in the fallback font); with `multiline`, the
    text's own line breaks are kept."""
    lines = [clean(line) for line in text.splitlines()] if multiline else [clean(text)]
    markup = "<br/>".join(_markup(line, bold) for line in lines)
    return Paragraph(markup, _style(size, bold, align, 0.0))


def _markup(line: str, bold: bool) -> str:
    if line.isascii():
        return escape(line)
    out = []
    for font, piece in runs(line, bold=bold):
        # Only the CJK runs need a tag: the paragraph's own font is DejaVu Sans.
        out.append(f'<font name="{CJK}">{escape(piece)}</font>' if font == CJK else escape(piece))
    return "".join(out)
