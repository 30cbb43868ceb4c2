"""The field every scan and keyed entry goes through.

Every key goes to the keyboard-wedge decoder, never to Textual's bindings: a scanner sending
byte 0x11 (ctrl+q) or 0x15 (ctrl+u) must neither quit the app nor clear the field. Function keys
and Escape reach the screen only between scans: inside a scan they are bytes of the label (ESC, or
an escape sequence the terminal turned into "f10"), and are dropped.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.wedge import WedgeConfig, WedgeDecoder

# Keys that belong to the screen, not to the field.
PASS_THROUGH = frozenset({"escape", *(f"f{n}" for n in range(1, 13))})
# Keys Textual names without giving a character; what the decoder should see for them.
KEY_CHARS = {"enter": "\r", "tab": "\t", "backspace": "\x08", "ctrl+h": "\x08"}


class ScanInput(Widget, can_focus=True):
    """Shows what is being typed (masked for PINs) and posts `ScanInput.Scanned` per scan."""

    pending: reactive[str] = reactive("")

    class Notice(Message):
        """Something the operator should know that is not a scan (a double read dropped)."""

        def __init__(self, sender: ScanInput, message: str) -> None:
            super().__init__()
            self.input = sender
            self.message = message

    class Blank(Message):
        """Enter on an empty field (between scans): "go on" (claim the next list ...)."""

        def __init__(self, sender: ScanInput) -> None:
            super().__init__()
            self.input = sender

    class Scanned(Message):
        """One scan. `input` is the field it came through (None: posted straight to a screen
        without one, e.g. a camera scan by `WmsApp.deliver_scan`)."""

        def __init__(self, sender: ScanInput | None, scan: Scan) -> None:
            super().__init__()
            self.input = sender
            self.scan = scan

    def __init__(
        self,
        *,
        placeholder: str = "",
        password: bool = False,
        config: WedgeConfig | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self.password = password
        self.decoder = WedgeDecoder(config or WedgeConfig.from_env())
        self._last_key_at = 0.0

    def on_mount(self) -> None:
        # A scanner programmed without a suffix still ends its scan after a pause.
        self.set_interval(0.1, self._flush)

    def render(self) -> Text:
        if not self.pending:
            return Text(self.placeholder, style="dim")
        shown = "•" * len(self.pending) if self.password else self.pending
        return Text(shown[-60:])

    def clear(self) -> None:
        self.decoder.reset()
        self.pending = ""

    def scanning(self, now: float) -> bool:
        """A scan is under way: keys are buffered and the last one came at scanner speed."""
        cfg = self.decoder.config
        return bool(self.decoder.pending) and now - self._last_key_at <= cfg.idle_end_s

    async def on_key(self, event: events.Key) -> None:
        # When the key arrived (stamped by the driver as it read the terminal), not when it is
        # handled: a burst handled late (a busy event loop, the database opening at start) must
        # not look like hand typing, or its first keys are dropped as stray.
        now = event.time
        if event.key in PASS_THROUGH and not self.scanning(now):
            return  # the operator's shortcut: let the screen have it
        # Everything else is ours: stop it before any binding (quit, clear line ...) sees it.
        event.stop()
        event.prevent_default()
        # Enter alone, not right after other keys (a scanner's CR LF ends one scan, not two).
        blank = (
            event.key == "enter"
            and not self.decoder.pending
            and now - self._last_key_at > self.decoder.config.idle_end_s
        )
        self._last_key_at = now
        if event.key in PASS_THROUGH:
            return  # part of a label (ESC, or an escape sequence parsed as a key): dropped
        char = KEY_CHARS.get(event.key, event.character or "")
        if not char:
            return
        self._emit(self.decoder.feed(char, now))
        if blank:
            self.post_message(self.Blank(self))

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        now = event.time
        for ch in event.text:
            self._emit(self.decoder.feed(ch, now))

    def _flush(self) -> None:
        self._emit(self.decoder.flush(time.monotonic()))

    def _emit(self, scans: list[Scan]) -> None:
        self.pending = self.decoder.pending
        for notice in self.decoder.take_notices():
            self.post_message(self.Notice(self, notice.message))
        for scan in scans:
            self.post_message(self.Scanned(self, scan))
