"""A PostgreSQL database that goes away under the screens: "connection lost, retrying", the
work resumes when it returns, and the password is neither on screen nor in the log. A busy SQLite
database: "busy, retrying", and the scan goes through when the lock goes."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.picking.helpers import rows
from tests.tui.helpers import burst_keys, in_mode, screen_text, shown, type_slowly, wait_for
from tests.tui.picker_helpers import key, message, scan, settle, sign_in

from wms_terminal.core.db import Database, make_engine
from wms_terminal.picking.flow import Step
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.db_worker import BUSY, LOST

PG_ONLY = [pytest.param("postgresql", marks=pytest.mark.postgres)]
PASSWORD = "s3cret-Pw"  # trust authentication ignores it; the URL still carries it


@pytest.fixture
def app_db(db_url: str, db: Database) -> Iterator[tuple[Database, Floor]]:
    """The floor, and the app's own engine on a URL with a password in it."""
    floor = build_floor(db)
    url = make_url(db_url).set(password=PASSWORD).render_as_string(hide_password=False)
    app_db = Database(make_engine(url))
    yield app_db, floor
    app_db.dispose()


@pytest.mark.parametrize("db_url", PG_ONLY, indirect=True)
async def test_sign_in_and_picking_ride_out_a_lost_database(
    app_db: tuple[Database, Floor],
    access: dict[str, object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    db, floor = app_db
    floor.order([(1, 2)])
    floor.release()
    caplog.set_level(logging.INFO)
    app = WmsApp(db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        access["stop"]()  # type: ignore[operator]
        await type_slowly(pilot, floor.badges["pat"])
        await wait_for(pilot, lambda: LOST in shown(app, "#status"))
        assert LOST in shown(app, "#status") and app.screen.id == "sign-in"
        assert PASSWORD not in screen_text(app)
        access["start"]()  # type: ignore[operator]
        await wait_for(pilot, lambda: "PIN" in shown(app, "#prompt"), tries=200)
        assert shown(app, "#status").strip() == ""
        await type_slowly(pilot, f.CLI_PIN)
        await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        await settle(pilot, app)
        await key(pilot, app, "")
        screen = app.screen
        flow = getattr(screen, "pick", None)
        assert flow is not None and flow.task is not None
        task = flow.task
        await scan(pilot, app, task.location_barcode)
        await scan(pilot, app, floor.gtin(1))
        await key(pilot, app, "2")
        assert flow.step is Step.TOTE

        # The database goes away as the tote is scanned: the scan waits, then goes through.
        access["stop"]()  # type: ignore[operator]
        burst_keys(app, "T-MAIN-0042")
        await wait_for(pilot, lambda: LOST in shown(app, "#status"))
        assert LOST in shown(app, "#status") and PASSWORD not in screen_text(app)
        access["start"]()  # type: ignore[operator]
        await wait_for(pilot, lambda: "Picked 2 x SKU-00001" in message(app), tries=200)
        assert "Picked 2 x SKU-00001" in message(app)
        assert shown(app, "#status").strip() == ""
        assert app.is_running
    # Applied once; the log says what happened, never the password.
    assert rows(floor.db, "SELECT on_hand_delta FROM stock_ledger WHERE kind = 'pick'") == [(-2,)]
    assert "connection lost to" in caplog.text and PASSWORD not in caplog.text


async def test_a_busy_sqlite_database_says_busy_retrying_and_the_scan_goes_through(
    floor: Floor, sqlite_path: Path
) -> None:
    floor.order([(1, 1)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        await key(pilot, app, "")
        assert screen.pick is not None and screen.pick.task is not None
        location = screen.pick.task.location_barcode
        other = sqlite3.connect(sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another terminal holds the write lock
        try:
            burst_keys(app, location)
            await wait_for(pilot, lambda: BUSY in shown(app, "#status"))
            assert BUSY in shown(app, "#status") and screen.pick.step is Step.LOCATION
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_for(pilot, lambda: screen.pick is not None and screen.pick.step is Step.ITEM)
        assert screen.pick.step is Step.ITEM and "Location OK" in message(app)
        await wait_for(pilot, lambda: shown(app, "#status").strip() == "")
        assert shown(app, "#status").strip() == ""
