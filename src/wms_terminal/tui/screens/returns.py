"""The returns station (80x24 and up), reached from the packer's screen with F10: scan the RMA
(or the order or tracking number), then each unit, and grade it (1 resell, 2 refurbish,
3 quarantine, 4 scrap). Drives `returns.flow.ReturnsFlow`, the flow `returns --headless` drives;
every input is one job on the screen's database queue. F5 closes a parcel with fewer units,
F8 drops the unit waiting for its grade (or leaves the parcel), Escape goes back to packing.
Text from the data (SKUs, names, codes) is shown as plain text, never as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.returns.flow import ReturnsFlow, ReturnsView
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.text import lines, one_line
from wms_terminal.tui.widgets.scan_input import ScanInput

KEYS_LINE = "1-4 grade · F5 parcel done · F8 cancel · Esc back to packing"


class ReturnsScreen(ModeScreen):
    BINDINGS = [
        Binding("f5", "command('DONE')", "Parcel done", id="returns-done"),
        Binding("f8", "command('CANCEL')", "Cancel", id="returns-cancel"),
        Binding("escape", "back", "Back", id="returns-back"),
    ]

    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__(db, actor, role="returns")
        self.flow = ReturnsFlow(db, actor)

    def compose(self) -> ComposeResult:
        yield Static("", id="ret-head")
        yield Static("", id="ret-lines")
        yield Static("", id="ret-prompt")
        yield Static("", id="message")
        yield Static("", id="status")
        yield ScanInput(placeholder="scan", id="entry")
        yield Static(KEYS_LINE, id="ret-keys")

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self._draw(self.flow.view())

    def handle_scan(self, scan: Scan) -> None:
        flow = self.flow
        self.db_runner.submit(lambda: flow.scan(scan), self._shown, what="scan")

    def action_command(self, name: str) -> None:
        self.handle_scan(Scan(text=Command(name).barcode, source=Source.KEYBOARD))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def _shown(self, view: ReturnsView) -> None:
        self._draw(view)
        if view.error or view.message:
            self.say(view.error or view.message, error=bool(view.error))

    def _draw(self, v: ReturnsView) -> None:
        width = max(20, self.size.width - 2) if self.size.width else 78
        head = f"Returns  {v.rma or ''}  {('order ' + v.order) if v.order else ''}".rstrip()
        self.query_one("#ret-head", Static).update(one_line(head, width, style="bold"))
        rows = [f"{x.sku:<16} {x.received}/{x.qty}" for x in v.lines]
        if v.unexpected:
            rows.append(f"{v.unexpected} unexpected unit(s)")
        if v.unit is not None:
            extra = "".join(
                f"  {k} {val}" for k, val in (("lot", v.unit.lot), ("serial", v.unit.serial)) if val
            )
            rows.append(f"Unit: {v.unit.code}{extra}")
        self.query_one("#ret-lines", Static).update(lines(*rows) if rows else "")
        self.query_one("#ret-prompt", Static).update(one_line(v.prompt, width, style="bold"))
