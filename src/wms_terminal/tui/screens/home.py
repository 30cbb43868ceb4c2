"""The floor at a glance: the mode of roles whose own screens are not there yet."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.floor_summary import FloorView, floor_summary
from wms_terminal.scanning.scan import Scan
from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.text import one_line, plain
from wms_terminal.tui.widgets.commands import is_logout
from wms_terminal.tui.widgets.scan_input import ScanInput


class HomeScreen(ModeScreen):
    BINDINGS = [
        Binding("f5", "refresh", "Refresh", id="home-refresh"),
        Binding("f2", "logout", "Log out", id="home-logout"),
    ]

    def __init__(self, db: Database, actor: Actor, *, role: str | None = None) -> None:
        super().__init__(db, actor, role=role)

    def compose(self) -> ComposeResult:
        yield Static(one_line(f"{self.actor.username} · {self.role}", 38), id="who")
        yield Static(Text("loading…", style="dim"), id="floor")
        yield ScanInput(placeholder="scan CMD-LOGOUT to sign out", id="entry")
        yield Static("", id="message")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.db_runner.submit(
            lambda: floor_summary(self.db, self.actor.user_id), self._show, what="read the floor"
        )

    def handle_scan(self, scan: Scan) -> None:
        if is_logout(scan):
            self.action_logout()
            return
        super().handle_scan(scan)

    def _show(self, view: FloorView) -> None:
        if view.user_name:
            who = f"{view.user_name} · {self.role}"
            self.query_one("#who", Static).update(one_line(who, 38, style="bold"))
        rows = [("Warehouses", ", ".join(view.warehouses))]
        rows += [
            (f"Orders {status.replace('_', ' ')}", str(n)) for status, n in view.orders_by_status
        ]
        rows += [
            ("Open pick lists", str(view.open_pick_lists)),
            ("Open replenishments", str(view.open_replenishments)),
        ]
        # Two columns that fit a 40-column handheld: label left, value right.
        width = max(20, min(38, self.size.width - 2))
        lines = []
        for label, value in rows:
            value = value[: width - len(label) - 1]
            lines.append(label + " " * (width - len(label) - len(value)) + value)
        self.query_one("#floor", Static).update(Text("\n").join(plain(ln) for ln in lines))
