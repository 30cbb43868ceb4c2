"""Untrusted text (names, scans, file contents) into renderables that are never parsed as markup.

Every string from data or a scan reaches the screen through `plain` (one line, cut) or `lines`
(wrapped at word boundaries): control and bidi characters become visible placeholders (<ESC>,
\\x11 ...), and the result is a Rich `Text`, which Textual never parses as markup, so a product
named "[@click=app.quit]Widget" shows exactly that and does nothing.
"""

from __future__ import annotations

import textwrap

from rich.text import Text

from wms_terminal.scanning.text import cut_words, safe_text

WIDTH = 40  # a handheld's screen: operator messages are laid out for it


def plain(text: str, *, style: str = "", limit: int = 200) -> Text:
    """Rich Text of `text`, control and bidi characters made visible: no markup, no escapes."""
    return Text(safe_text(text, limit=limit), style=style)


def one_line(text: str, width: int, *, style: str = "") -> Text:
    """`text` made safe and cut to `width` columns at a word boundary."""
    return Text(cut_words(safe_text(text, limit=max(width * 4, 80)), max(width, 2)), style=style)


def wrap_words(text: str, width: int = WIDTH, max_lines: int = 3) -> list[str]:
    """`text` made safe and wrapped at word boundaries into at most `max_lines` lines of `width`.

    Words longer than a line are split only when there is no other way; a cut last line ends
    in "…" at a word boundary."""
    width = max(width, 8)
    out: list[str] = []
    for para in text[: width * max_lines * 2].split("\n"):
        line = safe_text(para, limit=width * max_lines * 2)
        out.extend(textwrap.wrap(line, width, break_on_hyphens=False) or [""])
    if len(out) > max_lines:
        last = " ".join(out[max_lines - 1 :])
        out = [*out[: max_lines - 1], cut_words(last, width)]
        if not out[-1].endswith("…"):
            out[-1] = cut_words(out[-1] + " …", width)
    return out


def message(text: str, *, width: int = WIDTH, max_lines: int = 3, style: str = "") -> Text:
    """An operator message as plain Text, wrapped at word boundaries (never mid-word)."""
    return Text("\n".join(wrap_words(text, width, max_lines)), style=style)


def lines(*rows: str, style: str = "", limit: int = 200) -> Text:
    """Several lines of untrusted text, each made safe like `plain` (a newline inside a row
    stays visible as a placeholder)."""
    return Text("\n", style=style).join(plain(r, style=style, limit=limit) for r in rows)
