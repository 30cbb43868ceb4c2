"""The database goes away or is busy under a headless picker: "connection lost, retrying" or
"busy, retrying", then the same scan is applied once; an unexpected error ends the driver with a
short message, a log entry and exit status 1."""

from __future__ import annotations

import logging
import sqlite3
import threading

import pytest
from sqlalchemy.engine import make_url

from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.picking.helpers import rows
from wms_terminal.core.db import Database
from wms_terminal.headless.picker import BUSY, CONNECTION_LOST, Options
from wms_terminal.picking.flow import PickFlow

from .robot import InThread, Robot

PG_ONLY = [pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def floor(db: Database) -> Floor:
    return build_floor(db)


@pytest.mark.parametrize("db_url", PG_ONLY, indirect=True)
def test_a_lost_connection_is_retried_and_the_pick_applied_once(
    floor: Floor, access: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    floor.order([(1, 2)])
    floor.release()
    waits: list[float] = []

    def database_returns(seconds: float) -> None:  # the driver's wait between retries
        waits.append(seconds)
        if len(waits) == 2:
            access["start"]()  # type: ignore[operator]

    options = Options(terminal="hl-outage", badge=floor.badges["pat"], pin=f.CLI_PIN)
    robot = Robot(InThread(floor.db, options, on_sleep=database_returns))
    event = robot.until_prompt()
    event = robot.send(event["barcode"])  # the location
    event = robot.send(event["barcode"])  # one unit counted
    event = robot.send("2")  # both picked: the (first) tote is asked
    assert event["expect"] == "tote"
    access["stop"]()  # type: ignore[operator]
    mark = len(robot.events)
    with caplog.at_level(logging.WARNING, logger="wms_terminal"):
        event = robot.send("T-MAIN-0042")
    lost = {"event": "error", "message": CONNECTION_LOST, "retrying": True}
    assert robot.events[mark : mark + 2] == [lost, lost]
    assert robot.events[-2]["event"] == "ok"
    assert robot.events[-2]["message"].startswith("Picked 2 x SKU-00001")
    assert event["event"] == "done"
    assert robot.io.close() == 0
    assert any("connection lost to" in r.getMessage() for r in caplog.records)
    # Applied once: one pick line in the ledger, two units, in the tote scanned.
    picks = rows(floor.db, "SELECT on_hand_delta FROM stock_ledger WHERE kind = 'pick'")
    assert picks == [(-2,)]
    assert rows(floor.db, "SELECT qty_picked, status FROM pick_task") == [(2, "picked")]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_busy_database_says_busy_retrying_and_the_scan_goes_through(
    floor: Floor, db_url: str
) -> None:
    floor.order([(1, 1)])
    floor.release()
    options = Options(terminal="hl-busy", badge=floor.badges["pat"], pin=f.CLI_PIN)
    robot = Robot(InThread(floor.db, options))
    event = robot.until_prompt()
    # Another program holds SQLite's write lock for a second while the location is scanned.
    path = make_url(db_url).database or ""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    mark = len(robot.events)
    event = robot.send(event["barcode"])
    release.join()
    holder.close()
    busy = [e for e in robot.events[mark:] if e.get("retrying")]
    assert busy and all(e == {"event": "error", "message": BUSY, "retrying": True} for e in busy)
    assert robot.events[-2] == {"event": "ok", "message": "Location OK"}
    assert event["expect"] == "product"
    assert robot.io.close() == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_unexpected_error_ends_with_a_short_message_a_log_entry_and_exit_1(
    floor: Floor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    floor.order([(1, 1)])
    floor.release()
    secret = "local-value-never-shown"

    def broken(self: PickFlow, scan: object) -> None:
        raise RuntimeError(f"bug near {secret[:5]}")

    monkeypatch.setattr(PickFlow, "scan", broken)
    options = Options(terminal="hl-bug", badge=floor.badges["pat"], pin=f.CLI_PIN)
    robot = Robot(InThread(floor.db, options))
    event = robot.until_prompt()
    with caplog.at_level(logging.ERROR, logger="wms_terminal"):
        robot.io.write(event["barcode"].encode() + b"\n")
        last = robot.next_event()
        assert robot.io.close() == 1
    assert last == {"event": "error", "message": "internal error (RuntimeError): see the log"}
    assert any("RuntimeError: bug near local" in r.getMessage() for r in caplog.records)
    assert secret not in caplog.text
