"""The base of every role's mode screen: scans in, database work out, status and messages.

A mode screen has the Textual id `mode-<role>`. Scans reach it as `ScanInput.Scanned` messages,
from its own scan field (the wedge) or from `WmsApp.deliver_scan` (a camera, the browser); both
end in `handle_scan`. Database work goes through `self.db_runner` (tui/db_worker.py), whose
"busy, retrying" / "connection lost, retrying" lands in the `#status` line.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.screen import Screen
from textual.widgets import Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.scanning.scan import Scan
from wms_terminal.tui.db_worker import DbRunner
from wms_terminal.tui.text import message
from wms_terminal.tui.widgets.scan_input import ScanInput

FLASH_S = 0.4


class ModeScreen(Screen[None]):
    """Subclasses compose a `Static(id="status")`, a `Static(id="message")` and usually a
    `ScanInput`, and override `handle_scan`."""

    def __init__(self, db: Database, actor: Actor, *, role: str | None = None) -> None:
        self.role = role or actor.role
        super().__init__(id=f"mode-{self.role}")
        self.db = db
        self.actor = actor
        self.db_runner = DbRunner(self, self.show_status)

    # -- scans ----------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.handle_scan(event.scan)

    @on(ScanInput.Notice)
    def _notice(self, event: ScanInput.Notice) -> None:
        # In turn with the scans before it (their answers would otherwise overwrite it).
        event.stop()
        notice = event.message
        self.db_runner.submit(lambda: notice, self.say, what="notice")

    def handle_scan(self, scan: Scan) -> None:
        """One scan, from any source. The base screen has nothing to scan for."""
        self.say("Nothing to scan here", error=True)

    # -- showing things -------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        """The database's state ("busy, retrying", "connection lost, retrying") or ""."""
        for box in self.query("#status").results(Static):
            box.set_class(bool(text), "warn")
            box.update(message(text, width=self._width(), max_lines=1), layout=_grows(box))

    def say(self, text: str, *, error: bool = False, max_lines: int = 3) -> None:
        """A message for the operator, wrapped at word boundaries; errors ring and flash."""
        for box in self.query("#message").results(Static):
            box.set_class(error, "error")
            content = message(text, width=self._width(), max_lines=max_lines)
            box.update(content, layout=_grows(box))
        if error:
            self.app.bell()
            self.add_class("flash")
            self.set_timer(FLASH_S, lambda: self.remove_class("flash"))

    def _width(self) -> int:
        return max(20, self.size.width - 2) if self.size.width else 38

    # -- leaving --------------------------------------------------------------------------

    def action_logout(self) -> None:
        log_out: Any = getattr(self.app, "log_out", None)
        if log_out is not None:
            log_out()
        else:  # pragma: no cover - every mode screen runs in WmsApp
            self.dismiss(None)

    def on_unmount(self) -> None:
        self.db_runner.stop()


def _grows(box: Static) -> bool:
    """The box's height follows its text: a new text needs the screen laid out again."""
    height = box.styles.height
    return height is None or height.is_auto
