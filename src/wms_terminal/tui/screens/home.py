"""After log-in: who is signed in and the state of the floor, refreshed in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from sqlalchemy import func
from sqlmodel import Session, col, select
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import MoveTask, MoveTaskKind, PickList, SalesOrder, Warehouse
from wms_terminal.tui.text import plain


@dataclass(frozen=True)
class FloorView:
    """What the home screen shows; read in one short read-only transaction."""

    warehouses: tuple[str, ...]
    orders_by_status: tuple[tuple[str, int], ...]
    open_pick_lists: int
    open_replenishments: int


def read_floor(session: Session) -> FloorView:
    codes = tuple(session.exec(select(Warehouse.code).order_by(col(Warehouse.code))).all())
    by_status = session.exec(
        select(SalesOrder.status, func.count())
        .group_by(col(SalesOrder.status))
        .order_by(col(SalesOrder.status))
    ).all()
    lists = session.exec(
        select(func.count()).select_from(PickList).where(col(PickList.status) == "open")
    ).one()
    repl = session.exec(
        select(func.count())
        .select_from(MoveTask)
        .where(col(MoveTask.status) == "open", col(MoveTask.kind) == MoveTaskKind.REPLENISH)
    ).one()
    return FloorView(codes, tuple((s, int(n)) for s, n in by_status), int(lists), int(repl))


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("f5", "refresh", "Refresh", id="home-refresh"),
        Binding("f2", "logout", "Log out", id="home-logout"),
    ]

    def __init__(self, db: Database, actor: Actor, *, name: str) -> None:
        super().__init__()
        self.db = db
        self.actor = actor
        self.user_name = name

    def compose(self) -> ComposeResult:
        who = plain(f"{self.user_name} · {self.actor.role}", limit=38)
        yield Static(who, id="who")
        yield Static(Text("loading…", style="dim"), id="floor")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    def action_logout(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        with self.db.reading() as session:
            view = read_floor(session)
        self.app.call_from_thread(self._show, view)

    def _show(self, view: FloorView) -> None:
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
