"""Text from data and scans on screen: plain, visible control characters, cut at word boundaries."""

from __future__ import annotations

from wms_terminal.scanning.text import cut_words
from wms_terminal.tui.text import message, one_line, plain, wrap_words


def test_markup_and_control_characters_are_shown_not_obeyed() -> None:
    shown = plain("[@click=app.quit]Widget\x1b[31m\x11")
    assert shown.plain == "[@click=app.quit]Widget<ESC>[31m\\x11"
    assert shown.spans == []


def test_messages_wrap_and_cut_at_word_boundaries() -> None:
    text = "Short 2: count task made, 2 re-allocated from A07-12-2 at the end of the route today"
    lines = wrap_words(text, 20, max_lines=3)
    assert len(lines) == 3 and all(len(ln) <= 20 for ln in lines)
    words = set(text.split())
    for ln in lines:  # every piece is a whole word of the message (the last may end in …)
        assert all(w.rstrip("…") in words or w == "…" for w in ln.split())
    assert lines[-1].endswith("…")
    assert message("one two", width=40).plain == "one two"
    assert one_line("alpha beta gamma", 12).plain == "alpha beta…"


def test_cut_words_keeps_whole_words_and_cuts_only_long_codes() -> None:
    assert cut_words("Wrong item: pick SKU-00001 Extra strong garden hose", 40) == (
        "Wrong item: pick SKU-00001 Extra strong…"
    )
    assert cut_words("fits", 40) == "fits"
    long_code = cut_words("Go to " + "X" * 60, 20)
    assert len(long_code) == 20 and long_code.startswith("Go to XXX")
