"""Orders over a credit limit on the manager's desk (Inbox, F8) with Pilot on a real floor
(SQLite): a approves the selected order after y, x rejects it with a reason (cancelled)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from tests import factories as f
from tests.picking.conftest import Floor
from tests.tui.desk_helpers import manager_floor, sign_in_manager
from tests.tui.helpers import type_slowly, wait_for

from wms_terminal.core.approval_queue import ApprovalQueue
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.credit import set_credit_limit
from wms_terminal.core.intake import import_orders
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.approvals_pane import ApprovalsPane, ApprovalsTable


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    floor = manager_floor(sqlite_template, tmp_path / "approvals.sqlite3")
    yield floor
    floor.db.dispose()


def _orders(floor: Floor) -> list[str]:
    """Three orders of 20.00 EUR by one customer on account with 25 EUR: the second and third
    wait for a manager."""
    email = "buyer@acme.example"
    spec = f.order("A1", [(floor.sku(3), 2)], email=email)
    numbers = import_orders(floor.db, [spec], actor=SYSTEM).order_numbers
    set_credit_limit(floor.db, floor.actors["mia"], customer=email, limit=Decimal("25"))
    for n in (2, 3):
        spec = f.order(f"A{n}", [(floor.sku(3), 2)], email=email)
        numbers.append(import_orders(floor.db, [spec], actor=SYSTEM).order_numbers[0])
    return numbers


def _state(floor: Floor, number: str) -> tuple[str, str]:
    with floor.db.reading() as s:
        row = s.execute(
            text("SELECT status, release_hold FROM sales_order WHERE number = :n"), {"n": number}
        ).one()
    return str(row[0]), str(row[1])


def test_the_queue_without_a_screen(floor: Floor) -> None:
    _first, second, third = _orders(floor)
    queue = ApprovalQueue(floor.db, floor.actors["mia"])
    assert [a.number for a in queue.load()] == [second, third]
    assert ApprovalQueue.line(queue.rows[0])[2:] == ("20.00 EUR", "20.00", "20.00", "25.00")
    assert queue.approve(second) == f"{second} approved: it may go on a wave"
    assert "2 unit(s) back to stock" in queue.reject(third, "over limit")
    assert queue.load() == []


async def test_the_manager_approves_and_rejects_on_the_desk(floor: Floor) -> None:
    _first, second, third = _orders(floor)
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in_manager(pilot, app, floor.badges["mia"])
        await pilot.press("f8")
        table = app.screen.query_one(ApprovalsTable)
        assert await wait_for(pilot, lambda: table.row_count == 2)
        assert [str(c) for c in table.get_row_at(0)][:3] == [second, "Customer A1", "20.00 EUR"]
        table.focus()
        await pilot.press("a")
        await pilot.press("n")  # not yet
        await pilot.pause()
        assert _state(floor, second) == ("reserved", "credit")
        await pilot.press("a")
        await pilot.press("y")
        assert await wait_for(pilot, lambda: _state(floor, second) == ("reserved", ""))
        assert await wait_for(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("x")
        await type_slowly(pilot, "unpaid invoices")
        assert await wait_for(pilot, lambda: _state(floor, third)[0] == "cancelled")
        assert await wait_for(pilot, lambda: table.row_count == 0)
        pane = app.screen.query_one(ApprovalsPane)
        assert await wait_for(
            pilot, lambda: "No order waits" in str(pane.query_one("#approvals-say").render())
        )
