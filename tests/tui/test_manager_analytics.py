"""Manager analytics on the desk (ctrl+g) with Pilot on a real floor (SQLite): the report as a
table with its bar chart drawn in the terminal, the next report, the period."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests import factories as f
from tests.picking.conftest import Floor
from tests.tui.desk_helpers import manager_floor, sign_in_manager
from tests.tui.helpers import wait_for

from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.intake import import_orders
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.analytics_pane import AnalyticsPane, AnalyticsTable


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    floor = manager_floor(sqlite_template, tmp_path / "analytics.sqlite3")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    orders = [
        f.order("W-1", [("SKU-00001", 2)]),
        f.order("W-2", [("SKU-00002", 1)]),
        f.order("M-1", [("SKU-00003", 3)], channel="marketplace", currency="USD"),
    ]
    import_orders(floor.db, [replace(o, ordered_at=yesterday) for o in orders], actor=SYSTEM)
    yield floor
    floor.db.dispose()


def _cells(table: AnalyticsTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_desk_shows_each_report_as_a_table_and_a_chart(floor: Floor):
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in_manager(pilot, app, floor.badges["mia"])
        await pilot.press("ctrl+g")
        pane = app.screen.query_one(AnalyticsPane)
        table = app.screen.query_one(AnalyticsTable)
        assert await wait_for(pilot, lambda: table.row_count == 2, tries=200)
        assert _cells(table) == [
            ["marketplace", "USD", "1", "30.00", "30.00", "27.60"],
            ["web", "EUR", "2", "30.00", "15.00", "30.00"],
        ]
        assert pane.plot is not None
        await pilot.pause()
        chart = str(pane.plot.render())
        assert "marketplace USD" in chart and "web EUR" in chart
        assert "order value in EUR per channel and currency" in chart

        table.focus()
        await pilot.press("n")  # on-time shipping: nothing shipped yet
        assert await wait_for(
            pilot, lambda: pane.shown is not None and pane.shown.name == "on-time"
        )
        assert table.row_count == 0
        assert "nothing in this period" in str(pane.query_one("#an-say").render())
        await pilot.press("p", "d")  # back to sales, over 90 days
        assert await wait_for(pilot, lambda: pane.days == 90 and pane.shown is not None
                              and pane.shown.name == "sales")  # fmt: skip
        assert "last 90 days" in str(pane.query_one("#an-say").render())
