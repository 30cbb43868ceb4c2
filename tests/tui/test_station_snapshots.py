"""The packing station's screens at 80x24 (SVG snapshots, see tests/tui/snapshot.py): the packer
waiting for a tote, an order being verified, and the returns screen (F10) before and after an RMA
is scanned. Fixed data: the station's floor, one order picked into one tote, one return."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.returns.conftest import ship
from tests.tui.helpers import shown, type_slowly, wait_for
from tests.tui.picker_helpers import scan, settle
from tests.tui.snapshot import check_snapshot

from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import User
from wms_terminal.returns.rma import open_return
from wms_terminal.tui.app import WmsApp

SIZE = (80, 24)


@pytest.fixture
def station(sqlite_path: Path) -> Iterator[Station]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_station(db)
    db.dispose()


async def _packer(pilot, app: WmsApp, station: Station) -> None:  # type: ignore[no-untyped-def]
    with station.db.reading() as s:
        user = s.get(User, station.packer.user_id)
        assert user is not None
        badge = user.badge_code
    await type_slowly(pilot, badge)
    await type_slowly(pilot, f.CLI_PIN)
    assert await wait_for(pilot, lambda: app.screen.id == "mode-packer")
    await settle(pilot, app)


async def test_packer_screens(station: Station) -> None:
    fl = station.floor
    order = fl.order([(1, 2), (2, 1)], flags=("GIFT",))
    (tote,) = station.pick_all()
    app = WmsApp(station.db, terminal="PACK-1")
    async with app.run_test(size=SIZE) as pilot:
        await _packer(pilot, app, station)
        await check_snapshot(pilot, app, "packer_idle_80x24")
        await scan(pilot, app, tote)
        assert order in shown(app, "#pack-head")
        await scan(pilot, app, fl.gtin(1))
        await check_snapshot(pilot, app, "packer_order_80x24")


async def test_returns_screens(station: Station) -> None:
    fl = station.floor
    (order,) = ship(station, [(1, 2)])
    rma = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 2)],
        reason="damaged",
        resolution="refund",
    ).rma
    app = WmsApp(station.db, terminal="RET-1")
    async with app.run_test(size=SIZE) as pilot:
        await _packer(pilot, app, station)
        await pilot.press("f10")
        assert await wait_for(pilot, lambda: app.screen.id == "mode-returns")
        await check_snapshot(pilot, app, "returns_idle_80x24")
        await scan(pilot, app, rma)
        assert rma in shown(app, "#ret-head")
        await scan(pilot, app, fl.gtin(1))
        await check_snapshot(pilot, app, "returns_grade_80x24")
