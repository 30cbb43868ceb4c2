"""The returns station screen at 80x24, from the packer's screen (F10) and back (Escape): an RMA
scanned, units scanned and graded by keys, a hostile code shown literally and recorded as
unexpected, the parcel received. SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import scalar
from tests.returns.conftest import ship
from tests.tui.helpers import shown, type_slowly, wait_for
from tests.tui.picker_helpers import key, scan, settle

from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import User
from wms_terminal.returns.rma import open_return, show_return
from wms_terminal.tui.app import WmsApp

SIZE = (80, 24)


@pytest.fixture
def station(sqlite_path: Path) -> Iterator[Station]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_station(db)
    db.dispose()


async def test_a_parcel_received_and_graded_at_the_returns_screen(station: Station) -> None:
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
    with station.db.reading() as s:
        user = s.get(User, station.packer.user_id)
        assert user is not None
        badge = user.badge_code
    app = WmsApp(station.db, terminal="RET-1")
    async with app.run_test(size=SIZE) as pilot:
        await type_slowly(pilot, badge)
        await type_slowly(pilot, f.CLI_PIN)
        await wait_for(pilot, lambda: app.screen.id == "mode-packer")
        await settle(pilot, app)
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen.id == "mode-returns")
        assert "Scan the RMA code" in shown(app, "#ret-prompt")
        await scan(pilot, app, rma)
        assert rma in shown(app, "#ret-head") and order in shown(app, "#ret-head")
        assert f"{fl.sku(1)}" in shown(app, "#ret-lines") and "0/2" in shown(app, "#ret-lines")
        await scan(pilot, app, fl.gtin(1))
        assert "Grade" in shown(app, "#ret-prompt")
        await key(pilot, app, "1")
        assert "resell" in shown(app, "#message") and "1/2" in shown(app, "#ret-lines")
        # A hostile code: shown as typed, recorded as unexpected.
        await key(pilot, app, "[b]X[/b]")
        assert "Unit: [b]X[/b]" in shown(app, "#ret-lines")
        await key(pilot, app, "3")
        assert "unexpected" in shown(app, "#message")
        await scan(pilot, app, fl.gtin(1))
        await key(pilot, app, "1")
        assert f"{rma} received: 2 of 2" in shown(app, "#message")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.id == "mode-packer")
    assert show_return(station.db, rma)["status"] == "received"
    assert scalar(station.db, "SELECT COUNT(*) FROM return_unit WHERE unexpected <> ''") == 1
