"""The supervisor's and manager's desks as text at 100x30 and 80x24 (see test_snapshots.py):
a wave preview, its floor map with the first list's route, the waves tab after the release, and
receiving a purchase order. No clock on these tabs; numbers come from a fixed floor."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.tui.helpers import in_mode, type_slowly, wait_for
from tests.tui.test_snapshots import check_snapshot
from textual.widgets import DataTable

from wms_terminal.core.auth import SYSTEM, create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import Product
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.receiving_pane import ReceivingPane
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.supervisor.pool import PoolPane
from wms_terminal.tui.supervisor.waves_pane import WavesPane

MIA = "B-M1A7K9X2"


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    floor = build_floor(db)
    with db.transaction() as s:
        create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN, badge=MIA)
        p = s.get(Product, floor.products[5].id)
        assert p is not None
        p.reorder_point, p.reorder_qty = 60, 24
        s.add(p)
    db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=floor.warehouse_id, product_ids=[floor.products[5].id], actor=SYSTEM
        )
    )
    floor.order([(1, 2), (3, 1)], flags=("VIP",))
    floor.order([(4, 1), (6, 2)])
    floor.order([(7, 1), (8, 3), (2, 1)])
    yield floor
    db.dispose()


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_desk_screens(floor: Floor, size: tuple[int, int]) -> None:
    tag = f"{size[0]}x{size[1]}"
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=size) as pilot:
        await type_slowly(pilot, MIA)
        await type_slowly(pilot, f.CLI_PIN)
        assert await wait_for(pilot, lambda: in_mode(app, "mode-manager"))
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        await pilot.pause(0.2)
        check_snapshot(app, f"desk_pool_{tag}")

        await pilot.press("f3")
        fmap = app.screen.query_one(FloorMap)
        assert await wait_for(pilot, lambda: fmap.grid is not None)
        await pilot.pause(0.2)
        check_snapshot(app, f"desk_map_{tag}")

        await pilot.press("f1")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(pilot, lambda: pool.preview is None)
        await pilot.press("f6")
        waves = app.screen.query_one(WavesPane)
        assert await wait_for(pilot, lambda: waves.detail is not None)
        app.screen.query_one("#waves-table", DataTable).focus()
        await pilot.pause(0.2)
        check_snapshot(app, f"desk_waves_{tag}")

        await pilot.press("f9")
        receiving = app.screen.query_one(ReceivingPane)
        assert await wait_for(pilot, lambda: receiving.orders != [])
        app.screen.query_one("#po-table", DataTable).focus()
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: receiving.flow.step == "item")
        await pilot.pause(0.2)
        check_snapshot(app, f"desk_receiving_{tag}")
