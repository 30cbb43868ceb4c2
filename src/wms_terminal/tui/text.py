"""Untrusted text (names, scans, file contents) into renderables that are never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from wms_terminal.scanning.text import safe_text


def plain(text: str, *, style: str = "", limit: int = 200) -> Text:
    """Rich Text of `text`, control and bidi characters made visible: no markup, no escapes."""
    return Text(safe_text(text, limit=limit), style=style)
