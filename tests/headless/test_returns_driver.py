"""`wms-terminal returns --headless`: a parcel received and graded by lines on stdin, JSON lines
on stdout (prompts rma, product, grade with its choices), on both backends, through the
subprocess; junk and hostile lines are refused one by one and nothing is applied for them."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import scalar
from tests.returns.conftest import ship
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import check
from wms_terminal.core.models import User
from wms_terminal.returns.rma import open_return, show_return

from .robot import Process, Robot


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)


def test_a_parcel_is_received_and_graded_through_the_subprocess(
    station: Station, db_url: str
) -> None:
    fl = station.floor
    (order,) = ship(station, [(1, 2)])
    rma = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 2)],
        reason="not_as_described",
        resolution="refund",
    ).rma
    with station.db.reading() as s:
        user = s.get(User, station.packer.user_id)
        assert user is not None
        badge = user.badge_code
    robot = Robot(Process(db_url, badge, f.CLI_PIN, command="returns"))
    first = robot.until_prompt()
    assert first["expect"] == "rma"
    for junk in (b"\x00\x1b[2J\x07", b"[@click=app.quit]x", b"SO-9999999"):
        assert robot.send(junk)["expect"] == "rma"
        assert robot.events[-2]["event"] == "error"
    got = robot.send(rma)
    assert got["expect"] == "product" and got["rma"] == rma and got["order"] == order
    assert got["lines"] == [{"sku": fl.sku(1), "qty": 2, "received": 0, "remaining": 2}]
    got = robot.send(fl.gtin(1))
    assert got["expect"] == "grade"
    assert got["choices"] == ["resell", "refurbish", "quarantine", "scrap"]
    assert robot.send("sideways")["expect"] == "grade"
    assert robot.events[-2]["event"] == "error"
    assert robot.send("resell")["expect"] == "product"
    robot.send(fl.gtin(1))
    got = robot.send("2")
    assert got["expect"] == "rma" and f"{rma} received" in robot.events[-2]["message"]
    assert robot.io.close() == 0
    shown = show_return(station.db, rma)
    assert shown["status"] == "received"
    assert shown["lines"][0]["grades"] == {"resell": 1, "refurbish": 1}
    assert scalar(station.db, "SELECT COUNT(*) FROM return_unit") == 2
    assert check(station.db) == []
