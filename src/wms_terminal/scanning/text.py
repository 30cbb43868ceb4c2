"""Making untrusted scan text safe to show: no control bytes, no bidi tricks, bounded length.

The screens render scan text as plain `Text` (never markup); this is the second line of defence for
logs, JSON and operator messages: every character that could move the cursor, change colours,
reorder the line or hide itself is shown as a visible escape instead.
"""

from __future__ import annotations

import unicodedata

# Bidi controls and invisible format characters that can disguise what is on screen.
_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_NAMED = {"\x1d": "<GS>", "\t": "<TAB>", "\r": "<CR>", "\n": "<LF>", "\x1b": "<ESC>"}


def is_unsafe_char(ch: str) -> bool:
    """Control (C0, DEL, C1), format, surrogate, private-use or unassigned characters."""
    if ch in _INVISIBLE:
        return True
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def safe_text(text: str, *, limit: int = 80) -> str:
    """`text` with unsafe characters shown as <GS>, <ESC> or \\xNN / \\uNNNN, cut at `limit`."""
    out: list[str] = []
    size = 0
    for ch in text:
        if is_unsafe_char(ch):
            piece = _NAMED.get(ch) or (
                f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
            )
        else:
            piece = ch
        if size + len(piece) > limit:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def preview(text: str, *, limit: int = 24) -> str:
    """A short, conservative echo of a scan for an operator message.

    Only letters, digits and a few punctuation marks survive; anything else becomes '?', so the
    echo can carry neither markup ('[', ']') nor escapes, whatever renders it.
    """
    allowed = set("-_./:+ ")
    chars = [ch if (ch.isascii() and ch.isalnum()) or ch in allowed else "?" for ch in text[:limit]]
    return "".join(chars) + ("…" if len(text) > limit else "")


def cut_words(text: str, width: int) -> str:
    """`text` cut to `width` characters at a word boundary, with "…" when anything was cut.

    Only a "word" longer than half the width (a long code, which could never be shown whole) is
    cut inside, so that the line still shows most of it."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    space = head.rfind(" ")
    if text[width - 1] != " " and space >= 0:  # else head ends with a whole word
        end = text.find(" ", space + 1)
        word = text[space + 1 : end if end >= 0 else len(text)]
        if len(word) <= width // 2:
            head = head[:space].rstrip()
    return head.rstrip() + "…"
