"""The orders at the pack stations (ctrl+o on the supervisor's and manager's desks: every
F-key is taken): open at a station, its claim lapsed, set aside with a box open on a packer's
bench, or on hold. `f` frees the selected order (`packing.claim.free`, after a y/n question): a
station that went away, or a packer who went home with a box open, no longer keeps it from every
other station's queue. An order on hold waits for its missing unit: scanning its number at a
station resumes it or ships it short, so it is shown, not freed."""

from __future__ import annotations

import uuid
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models._base import utcnow
from wms_terminal.packing import claim
from wms_terminal.packing.stations import AtStation, at_stations
from wms_terminal.picking.views import ScanResult
from wms_terminal.tui.supervisor.dialogs import Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain

HINT = "Orders at the pack stations · f frees the selected order for every station"


class StationsTable(DataTable[Any]):
    BINDINGS = [Binding("f", "free", "Free", id="stations-free")]

    def action_free(self) -> None:
        self.screen.query_one(PackingPane).ask_free()


class PackingPane(Vertical, DeskPane):
    ACT = "free an order at a pack station"
    SAY = "pk-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.rows: list[AtStation] = []

    def compose(self) -> ComposeResult:
        yield Static(HINT, id="pk-say")
        yield StationsTable(id="pk-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(StationsTable)
        table.add_columns("Order", "WH", "State", "Where", "Since", "Units")

    def reload(self) -> None:
        submit(
            self,
            lambda: at_stations(self.db, now=utcnow()),
            self._show,
            what="list the orders at the pack stations",
            failed=self.failed,
        )

    def _show(self, rows: list[AtStation]) -> None:
        self.rows = rows
        table = self.query_one(StationsTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            state = f"on hold ({r.hold_reason})" if r.hold_reason else r.state
            table.add_row(
                plain(r.order, limit=20),
                plain(r.warehouse, limit=8),
                plain(state, limit=24),
                plain(r.where, limit=30),
                r.since.strftime("%H:%M") if r.since else "",
                str(r.units),
                key=r.order,
            )
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        else:
            self.say("No order is open or set aside at a pack station")

    def selected(self) -> AtStation | None:
        table = self.query_one(StationsTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def ask_free(self) -> None:
        row = self.selected()
        if row is None:
            self.failed("Select an order first")
            return
        if not row.can_free:
            self.failed(
                f"{row.order} is on hold: scan its number at a station to resume it or ship "
                "it short"
            )
            return

        def yes(answer: bool | None) -> None:
            if answer:
                self.free(row.order)

        self.app.push_screen(Confirm(f"Free {row.order} ({row.state}, {row.where})?"), yes)

    def free(self, number: str) -> None:
        def done(r: ScanResult) -> None:
            self.say(r.message, error=not r.accepted)
            self.reload()

        submit(
            self,
            lambda: claim.free(self.db, self.actor, scan_id=uuid.uuid4().hex, number=number),
            done,
            what=self.ACT,
            failed=self.failed,
        )
