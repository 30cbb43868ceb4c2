"""Stock health on the manager's desk (F12) with Pilot on a real floor (SQLite): the forecast's
warnings, stockouts first, filtered by kind; r runs the forecast from the desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from tests.picking.conftest import Floor
from tests.tui.desk_helpers import manager_floor, sign_in_manager
from tests.tui.helpers import wait_for

from wms_terminal.core.models import DemandForecast, Notification
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.stock_pane import StockPane, StockTable


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    floor = manager_floor(sqlite_template, tmp_path / "stock.sqlite3")
    with floor.db.transaction() as s:
        # 50 units free each: product 3 sells 20 a day (2.5 days of cover, 7 days lead time),
        # product 4 one in ten days (500 days), product 5 five a day (10 days: healthy).
        for n, daily in ((3, 20.0), (4, 0.1), (5, 5.0)):
            s.add(
                DemandForecast(
                    warehouse_id=floor.warehouse_id,
                    product_id=floor.products[n].id,
                    daily=daily,
                    sigma=1.0,
                    method="ses",
                    lead_time_days=7,
                    service_level=0.95,
                    reorder_point=round(daily * 7 + 4),
                )
            )
    yield floor
    floor.db.dispose()


def _cells(table: StockTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_desk_shows_stock_warnings_filters_them_and_runs_the_forecast(floor: Floor):
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(120, 30)) as pilot:
        await sign_in_manager(pilot, app, floor.badges["mia"])
        await pilot.press("f12")
        pane = app.screen.query_one(StockPane)
        table = app.screen.query_one(StockTable)
        assert await wait_for(pilot, lambda: table.row_count == 2)
        rows = _cells(table)
        assert rows[0][:3] == ["stockout", "MAIN", "SKU-00003"]
        assert rows[0][4:8] == ["50", "20.00", "2.5", "7"]
        assert rows[1][:3] == ["overstock", "MAIN", "SKU-00004"] and rows[1][6] == "500.0"

        table.focus()
        await pilot.press("f")  # stockouts only
        assert await wait_for(pilot, lambda: [r[2] for r in _cells(table)] == ["SKU-00003"])
        await pilot.press("f")  # overstock only
        assert await wait_for(pilot, lambda: [r[2] for r in _cells(table)] == ["SKU-00004"])

        await pilot.press("r")  # the floor has no demand history: every stocked product idle
        assert await wait_for(
            pilot, lambda: {w.kind for w in pane.rows} == {"no demand"}, tries=600
        )
        assert len(pane.rows) == 8
        assert "Forecast of 8 series" in str(pane.query_one("#stock-say").render())
    with floor.db.reading() as s:
        (note,) = s.exec(select(Notification).where(Notification.kind == "stock_health")).all()
        assert "8 no demand" in note.subject
