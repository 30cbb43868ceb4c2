"""`wms-terminal pack --headless`: orders packed by lines on stdin, JSON lines on stdout, on both
backends: whole orders through the subprocess, a wrong item, an over-scan, hold and short, a
weight off accepted by a supervisor's badge, and who may pack."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import rows, scalar
from wms_terminal.core.auth import authenticate
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import check
from wms_terminal.core.models import User
from wms_terminal.headless.packer import NO_WORK, PackerDriver
from wms_terminal.headless.picker import Options
from wms_terminal.packing import claim
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.keyed import weight_grams

from .robot import InThread, Process, Robot


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)


def _badge(station: Station) -> str:
    with station.db.reading() as s:
        user = s.get(User, station.packer.user_id)
        assert user is not None
        return user.badge_code


def _in_thread(station: Station, **kw: Any) -> Robot:
    opts = Options(terminal="PACK-HL", badge=_badge(station), pin=f.CLI_PIN, **kw)
    return Robot(InThread(station.db, opts, driver=PackerDriver))


def test_a_packer_packs_every_order_through_the_subprocess(station: Station, db_url: str) -> None:
    fl = station.floor
    fl.order([(1, 2), (3, 1)])
    fl.order([(5, 1)], flags=("GIFT",))
    totes = station.pick_all()
    robot = Robot(Process(db_url, _badge(station), f.CLI_PIN, command="pack"))
    first = robot.until_prompt()
    assert robot.events[0]["message"].startswith("Signed in: penny (packer)")
    assert first["expect"] == "tote" and first["barcode"] in totes
    # Junk: one error each, the prompt again.
    for junk in (b"\x00\x1b[2J\x07", b"\xff\xfe", b"", b"[@click=app.quit]x"):
        assert robot.send(junk) == first
        assert robot.events[-2]["event"] == "error"
    done = robot.work()
    assert done == {"event": "done", "message": NO_WORK}
    assert robot.io.close() == 0
    prompts = [e for e in robot.events if e["event"] == "prompt"]
    assert {p["expect"] for p in prompts} == {"tote", "product", "box", "weight", "label"}
    weights = [p for p in prompts if p["expect"] == "weight"]
    assert len(weights) == 2 and all(p["expected_kg"] > 0 for p in weights)
    gift = [p for p in prompts if p["order"] and any("GIFT" in x for x in p["special"])]
    assert gift and all(p["expect"] != "tote" for p in gift)
    labels = [p["barcode"] for p in prompts if p["expect"] == "label"]
    got = rows(station.db, "SELECT sscc, status FROM package ORDER BY sscc")
    assert sorted(labels) == [s for s, _ in got] and {st for _, st in got} == {"closed"}
    assert rows(station.db, "SELECT DISTINCT status FROM sales_order") == [("packed",)]
    tote_states = {
        scalar(station.db, "SELECT status FROM tote WHERE code = :c", c=t) for t in totes
    }
    assert tote_states == {"free"}
    assert check(station.db) == []


def test_wrong_item_over_scan_hold_short_and_a_weight_off(station: Station) -> None:
    fl = station.floor
    order = fl.order([(1, 2)])
    other = fl.order([(2, 1)])
    tote, other_tote = station.pick_all()
    robot = _in_thread(station)
    event = robot.until_prompt()
    assert (event["expect"], event["barcode"], event["next_order"]) == ("tote", tote, order)
    event = robot.send(tote)
    assert event["expect"] == "product" and event["barcode"] == fl.gtin(1)
    assert event["lines"] == [
        {
            "sku": fl.sku(1),
            "name": event["lines"][0]["name"],
            "ready": 2,
            "verified": 0,
            "remaining": 2,
        }
    ]
    event = robot.send(fl.gtin(4))  # not on the order
    assert robot.events[-2]["event"] == "error" and "wrong item" in robot.events[-2]["message"]
    assert event["expect"] == "product"
    robot.send(fl.gtin(1))
    event = robot.send("CMD-SKIP")  # the second unit is missing: hold
    assert robot.events[-2]["event"] == "ok" and "hold" in robot.events[-2]["message"]
    # A held order leaves the queue (it waits for its unit): the next order is offered.
    assert (event["expect"], event["barcode"], event["next_order"]) == ("tote", other_tote, other)
    event = robot.send(order)  # the unit turned up: the order's number opens it again
    assert (event["expect"], event["barcode"]) == ("order", order)
    event = robot.send(order)
    assert event["expect"] == "product" and event["lines"][0]["verified"] == 1
    event = robot.send(fl.gtin(1))
    assert event["expect"] == "box" and event["barcode"] and event["boxes"]
    event = robot.send(event["barcode"])
    assert event["expect"] == "weight" and event["expected_kg"] > 0
    expected_kg = event["expected_kg"]
    event = robot.send("1.5kg")
    assert robot.events[-2]["event"] == "error"
    assert event["expect"] == "supervisor_badge" and event["weight_kg"] == 1.5
    event = robot.send(station.sup_badge)
    assert event["expect"] == "supervisor_pin"
    event = robot.send("0000")
    assert "wrong PIN" in robot.events[-2]["message"] and event["expect"] == "supervisor_badge"
    robot.send(station.sup_badge)
    event = robot.send(f.CLI_PIN)
    assert event["expect"] == "label", robot.events[-2]
    assert event["barcode"] == event["sscc"]
    assert scalar(station.db, "SELECT weight_g FROM package WHERE status = 'closed'") == 1500
    assert expected_kg * 1000 != 1500
    event = robot.send(event["barcode"])
    assert (event["expect"], event["barcode"]) == ("tote", other_tote)
    done = robot.work()
    assert done == {"event": "done", "message": NO_WORK}
    assert robot.io.close() == 0
    assert check(station.db) == []


def test_over_scan_refused_and_short_ships_the_rest(station: Station) -> None:
    fl = station.floor
    fl.order([(1, 1), (2, 2)])
    (tote,) = station.pick_all()
    robot = _in_thread(station)
    robot.until_prompt()
    robot.send(tote)
    robot.send(fl.gtin(1))
    event = robot.send(fl.gtin(1))
    assert robot.events[-2]["event"] == "error" and "too many" in robot.events[-2]["message"]
    assert event["expect"] == "product" and event["barcode"] == fl.gtin(2)
    robot.send(fl.gtin(2))
    event = robot.send("CMD-SHORT")
    assert event["expect"] == "box", robot.events[-2]
    assert scalar(station.db, "SELECT SUM(qty_pack_short) FROM order_line") == 1
    assert robot.work()["event"] == "done"
    assert robot.io.close() == 0
    assert check(station.db) == []


def test_a_picker_may_not_pack_and_no_work_is_done_at_once(station: Station) -> None:
    opts = Options(terminal="PACK-HL", badge=station.picker_badge, pin=f.CLI_PIN)
    robot = Robot(InThread(station.db, opts, driver=PackerDriver))
    event = robot.until_prompt()
    assert robot.events[0] == {"event": "error", "message": "pat (picker) may not pack"}
    assert event["expect"] == "badge"
    robot.send(_badge(station))
    assert robot.send(f.CLI_PIN) == {"event": "done", "message": NO_WORK}
    assert robot.io.close() == 0


@pytest.mark.parametrize(
    ("line", "grams"),
    [
        ("850", 850),
        ("850g", 850),
        ("0.85", 850),
        ("1,2 kg", 1200),
        ("2KG", 2000),
        ("x", None),
        ("1.5g", None),
        ("", None),
    ],
)
def test_weights_keyed(line: str, grams: int | None) -> None:
    assert weight_grams(line) == grams


def test_an_order_packed_meanwhile_at_another_station_is_left(station: Station) -> None:
    fl = station.floor
    fl.order([(1, 1), (2, 1)])
    (tote,) = station.pick_all()
    robot = _in_thread(station)
    robot.until_prompt()
    event = robot.send(tote)
    assert event["expect"] == "product"
    from tests.packing.conftest import pack_tote

    with station.db.reading() as s:
        number = s.execute(text("SELECT number FROM sales_order")).scalar_one()
    # The robot's station has the order: another is refused until a supervisor frees it.
    refused = PackFlow(station.db, station.packer).scan(tote)
    assert refused.expect == "tote" and "being packed at PACK-HL" in refused.error
    sue = authenticate(station.db, badge=station.sup_badge, pin=f.CLI_PIN, terminal="SUP-1")
    assert claim.free(station.db, sue, scan_id="free-1", number=number).accepted
    pack_tote(station, tote)  # another station packs the whole order
    done = robot.send(event["barcode"])
    assert robot.events[-2]["event"] == "error" and "nothing to pack" in robot.events[-2]["message"]
    assert done == {"event": "done", "message": NO_WORK}
    assert robot.io.close() == 0


def test_following_the_box_plan_gives_every_label_the_right_n_of_n_first_time(
    station: Station,
) -> None:
    """Three units that each fill a BOX-XL and two small ones: the driver's hints follow the
    plan (which unit next, CMD-DONE when its box is complete), so every label's N, forecast at
    its close, is the real count: no package is relabelled."""
    fl = station.floor
    with station.db.transaction() as s:
        s.execute(
            text(
                "UPDATE product SET length_mm = 350, width_mm = 350, height_mm = 350 WHERE sku = :s"
            ),
            {"s": fl.sku(1)},
        )
    fl.order([(2, 2), (1, 3)])
    station.pick_all()
    robot = _in_thread(station)
    assert robot.work()["event"] == "done"
    assert robot.io.close() == 0
    assert rows(station.db, "SELECT seq, package_count FROM package ORDER BY seq") == [
        (1, 3),
        (2, 3),
        (3, 3),
    ]
    assert (
        rows(
            station.db,
            "SELECT package_id, COUNT(*) FROM print_job WHERE kind = 'shipping_label' "
            "GROUP BY package_id HAVING COUNT(*) > 1",
        )
        == []
    )
    assert check(station.db) == []
