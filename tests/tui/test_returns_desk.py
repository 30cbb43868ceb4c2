"""Returns at the manager's desk (F11) with Pilot at 100x30 on SQLite: an order looked up shows
its shipped lines, a return opened there gets an RMA that `returns show` knows, a line beyond
what shipped is refused with the reason on screen, and the customer's history shows hostile
text literally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.returns.conftest import ship
from tests.tui.helpers import in_mode, shown, type_slowly, wait_for
from textual.widgets import DataTable, Input

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.returns.rma import show_return
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.supervisor.returns_pane import ReturnsPane

HOSTILE = "[b]Eve[/b] \x1b[31m"


@pytest.fixture
def station(sqlite_path: Path) -> Iterator[Station]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_station(db)
    db.dispose()


async def _desk(app: WmsApp, pilot, badge: str, mode: str = "mode-manager") -> ReturnsPane:  # type: ignore[no-untyped-def]
    await type_slowly(pilot, badge)
    await type_slowly(pilot, f.CLI_PIN)
    assert await wait_for(pilot, lambda: in_mode(app, mode)), app.screen
    await pilot.press("f11")
    pane = app.screen.query_one(ReturnsPane)
    app.screen.query_one("#rd-find", Input).focus()
    return pane


async def _fill(pilot, app: WmsApp, box: str, value: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(box, Input).focus()
    app.screen.query_one(box, Input).value = value
    await pilot.pause()


def _manager(db: Database) -> str:
    with db.transaction() as s:
        return create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN).badge_code


async def test_a_return_opened_at_the_desk_is_the_one_returns_show_knows(station: Station):
    fl = station.floor
    (order,) = ship(station, [(1, 2), (2, 1)])
    badge = _manager(station.db)
    app = WmsApp(station.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await _desk(app, pilot, badge)
        await type_slowly(pilot, order)
        assert await wait_for(pilot, lambda: pane.order is not None)
        table = app.screen.query_one("#rd-table", DataTable)
        assert table.row_count == 2 and order in shown(app, "#rd-head")

        await _fill(pilot, app, "#rd-lines", f"{fl.sku(1)}:3")
        await _fill(pilot, app, "#rd-reason", "damaged")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "cannot be returned" in shown(app, "#rd-say"))
        assert "2 shipped" in shown(app, "#rd-say")
        with station.db.reading() as s:
            assert s.execute(text("SELECT COUNT(*) FROM return_order")).scalar_one() == 0

        await _fill(pilot, app, "#rd-lines", f"{fl.sku(1)}:2")
        await _fill(pilot, app, "#rd-reason", "damaged")
        await _fill(pilot, app, "#rd-how", "refund")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "RMA RMA-" in shown(app, "#rd-say"))
        rma = shown(app, "#rd-say").split()[1].rstrip(":")
        got = show_return(station.db, rma)
        assert got["order"] == order and got["status"] == "open"
        assert [(ln["sku"], ln["qty"]) for ln in got["lines"]] == [(fl.sku(1), 2)]
        assert await wait_for(pilot, lambda: rma in shown(app, "#rd-head"))
        left = [table.get_row_at(n) for n in range(table.row_count)]
        assert [str(c) for c in left[0]] == [fl.sku(1), "2", "2", "0"]


async def test_the_customer_history_shows_hostile_text_literally(station: Station):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    with station.db.transaction() as s:
        s.execute(
            text(
                "UPDATE customer SET name = :n WHERE id = "
                "(SELECT customer_id FROM sales_order WHERE number = :o)"
            ),
            {"n": HOSTILE, "o": order},
        )
        email = s.execute(
            text(
                "SELECT c.email FROM customer c JOIN sales_order so ON so.customer_id = c.id "
                "WHERE so.number = :o"
            ),
            {"o": order},
        ).scalar_one()
    badge = _manager(station.db)
    app = WmsApp(station.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await _desk(app, pilot, badge)
        await type_slowly(pilot, order)
        assert await wait_for(pilot, lambda: pane.order is not None)
        assert "[b]Eve[/b]" in shown(app, "#rd-head")
        await _fill(pilot, app, "#rd-lines", f"{fl.sku(1)}:1")
        await _fill(pilot, app, "#rd-reason", "changed_mind")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "RMA RMA-" in shown(app, "#rd-say"))

        await _fill(pilot, app, "#rd-find", email)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "1 return(s)" in shown(app, "#rd-head"))
        head = shown(app, "#rd-head")
        assert "[b]Eve[/b]" in head and "\x1b" not in head
        assert "1 of 1 unit(s) back (100.0%)" not in head  # nothing received yet
        assert "0 of 1 unit(s) back (0.0%)" in head and "net of refunds" in head
        table = app.screen.query_one("#rd-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        assert [r[1:4] for r in rows] == [[order, "shipped", "order"], [order, "open", "refund"]]

        await _fill(pilot, app, "#rd-find", "nobody@example.invalid")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "no customer" in shown(app, "#rd-say"))


async def test_the_supervisor_opens_a_return_at_the_desk_too(station: Station):
    fl = station.floor
    (order,) = ship(station, [(2, 1)])
    app = WmsApp(station.db, terminal="desk-2")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await _desk(app, pilot, station.sup_badge, "mode-supervisor")
        await type_slowly(pilot, order)
        assert await wait_for(pilot, lambda: pane.order is not None)
        await _fill(pilot, app, "#rd-lines", f"{fl.sku(2)}:1")
        await _fill(pilot, app, "#rd-reason", "wrong_item")
        await _fill(pilot, app, "#rd-how", "swap")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "refund or exchange" in shown(app, "#rd-say"))
        await _fill(pilot, app, "#rd-how", "exchange")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "RMA RMA-" in shown(app, "#rd-say"))
        rma = shown(app, "#rd-say").split()[1].rstrip(":")
        assert show_return(station.db, rma)["resolution"] == "exchange"
