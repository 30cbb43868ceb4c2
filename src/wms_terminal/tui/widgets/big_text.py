"""Three-row letters for the location a picker walks to: readable at arm's length on a handheld.

"03-17-2L" is 8 characters, 31 columns in this font: it fits a 40-column screen. Text with a
character the font lacks, or too wide for the space, is not drawn big (`big` returns None) and the
caller shows it as one bold line.
"""

from __future__ import annotations

from rich.text import Text

_GLYPHS: dict[str, tuple[str, str, str]] = {
    "0": ("╭─╮", "│╱│", "╰─╯"),
    "1": ("╶┐ ", " │ ", "╶┴╴"),
    "2": ("╶─╮", "┌─┘", "└─╴"),
    "3": ("╶─╮", " ─┤", "╶─╯"),
    "4": ("╷ ╷", "╰─┤", "  ╵"),
    "5": ("┌─╴", "╰─╮", "╶─╯"),
    "6": ("╭─╴", "├─╮", "╰─╯"),
    "7": ("╶─┐", "  │", "  ╵"),
    "8": ("╭─╮", "├─┤", "╰─╯"),
    "9": ("╭─╮", "╰─┤", "╶─╯"),
    "-": ("   ", "╶─╴", "   "),
    " ": ("   ", "   ", "   "),
    "A": ("╭─╮", "├─┤", "╵ ╵"),
    "B": ("┌─╮", "├─┤", "└─╯"),
    "C": ("╭─╴", "│  ", "╰─╴"),
    "D": ("┌─╮", "│ │", "└─╯"),
    "E": ("┌─╴", "├─ ", "└─╴"),
    "F": ("┌─╴", "├─ ", "╵  "),
    "G": ("╭─╴", "│╶┐", "╰─╯"),
    "H": ("╷ ╷", "├─┤", "╵ ╵"),
    "I": ("╶┬╴", " │ ", "╶┴╴"),
    "J": ("  ╷", "  │", "╰─╯"),
    "K": ("╷ ╱", "├┤ ", "╵ ╲"),
    "L": ("╷  ", "│  ", "└─╴"),
    "M": ("┌┬┐", "│││", "╵ ╵"),
    "N": ("┌╮╷", "│╲│", "╵╰┘"),
    "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("┌─╮", "├─╯", "╵  "),
    "Q": ("╭─╮", "│ │", "╰─╲"),
    "R": ("┌─╮", "├┬╯", "╵╰╴"),
    "S": ("╭─╴", "╰─╮", "╶─╯"),
    "T": ("╶┬╴", " │ ", " ╵ "),
    "U": ("╷ ╷", "│ │", "╰─╯"),
    "V": ("╷ ╷", "╲ ╱", " ╵ "),
    "W": ("╷ ╷", "│││", "└┴┘"),
    "X": ("╲ ╱", " ╳ ", "╱ ╲"),
    "Y": ("╲ ╱", " │ ", " ╵ "),
    "Z": ("╶─┐", " ╱ ", "└─╴"),
}


def big(text: str, width: int) -> Text | None:
    """`text` in three-row letters centred in `width` columns, or None when it cannot be."""
    if not text or any(ch not in _GLYPHS for ch in text):
        return None
    rows = [" ".join(_GLYPHS[ch][r] for ch in text) for r in range(3)]
    size = len(rows[0])
    if size > width:
        return None
    pad = (width - size) // 2
    return Text("\n".join(" " * pad + row for row in rows))
