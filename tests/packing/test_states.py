"""Every state the packing station adds can be left by a user action: a package open, held,
closed, shipped; an order packing, packed, shipped. Zone-picked orders wait at the station until
their last tote arrives, then pack from all their totes, which are freed as sorted. A scan sent
twice is applied once."""

from __future__ import annotations

from tests.picking.helpers import rows, scalar
from wms_terminal.core.codes import Command
from wms_terminal.core.invariants import check
from wms_terminal.core.states import PACKAGE_TRANSITIONS, PackageStatus
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.reopen import reopen
from wms_terminal.scanning.scan import Scan, Source

from .conftest import Station, pack_tote


def test_every_package_state_but_the_ends_can_be_left():
    ends = {PackageStatus.SHIPPED, PackageStatus.CANCELLED}
    for status, targets in PACKAGE_TRANSITIONS.items():
        assert bool(targets) != (status in ends), status


def test_an_open_package_is_emptied_and_packed_again(station: Station):
    fl = station.floor
    fl.order([(1, 2)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    v = flow.restart()
    assert v.expect == "product" and [x.remaining for x in v.lines] == [2], v.error
    assert rows(station.db, "SELECT status FROM package") == [("cancelled",)]
    assert scalar(station.db, "SELECT COUNT(*) FROM package_line") == 0
    flow.scan(fl.gtin(1))
    v = flow.scan(fl.gtin(1))
    assert v.expect == "box" and v.package == 1  # a new package 1 (the dropped one is no more)
    # A held package can be emptied too.
    v = flow.command(Command.SKIP)
    assert "hold" in v.message
    flow.scan(tote)
    v = flow.restart()
    assert v.expect == "product", v.error
    assert rows(station.db, "SELECT status FROM package ORDER BY id") == [
        ("cancelled",),
        ("cancelled",),
    ]


def test_a_closed_package_is_reopened_with_its_sscc_and_closed_again(station: Station):
    fl = station.floor
    order = fl.order([(1, 1)])
    (tote,) = station.pick_all()
    first = pack_tote(station, tote)
    assert scalar(station.db, "SELECT status FROM sales_order") == "packed"
    flow = PackFlow(station.db, station.packer)
    v = flow.reopen(str(first["sscc"]))
    assert v.expect == "box" and v.order == order, v.error  # its unit is in it: box again
    assert scalar(station.db, "SELECT status FROM sales_order") == "packing"
    assert scalar(station.db, "SELECT qty_packed FROM order_line") == 0
    flow.scan("BOX-S")
    v = flow.key_weight(101 + 150)
    assert v.expect == "label" and v.sscc == first["sscc"] and v.tracking == first["tracking"]
    assert scalar(station.db, "SELECT status FROM sales_order") == "packed"
    assert scalar(station.db, "SELECT COUNT(*) FROM print_job") == 4  # a reprint of both
    assert check(station.db) == []
    # A package not closed cannot be reopened.
    assert not reopen(station.db, station.packer, scan_id="x", sscc="1" * 18).accepted


def test_a_zone_picked_order_waits_for_its_last_tote_then_packs_from_both(station: Station):
    fl = station.floor
    order = fl.order([(1, 1), (3, 2)])  # product 1 in zone A, product 3 in zone B
    fl.release("zone")
    (tote_a,) = station.pick(zone="A")
    flow = PackFlow(station.db, station.packer)
    v = flow.scan(tote_a)
    assert v.expect == "tote" and "still being picked" in v.error
    assert v.totes_arrived == (tote_a,) and "arrived: " + tote_a in v.error
    (tote_b,) = station.pick(zone="B")
    v = flow.scan(tote_a)
    assert v.expect == "product" and v.order == order, v.error
    assert set(v.totes_arrived) == {tote_a, tote_b} and "consolidate" in v.message
    v = flow.scan(tote_b)  # the other tote of the order: acknowledged, nothing verified
    assert v.expect == "product" and not v.error
    for n in (1, 3, 3):
        v = flow.scan(fl.gtin(n))
    assert v.expect == "box"
    v = flow.scan(v.barcode or "")
    assert v.expected_kg is not None
    v = flow.key_weight(round(v.expected_kg * 1000))
    assert v.expect == "label" and sorted(v.data["totes_freed"]) == sorted([tote_a, tote_b])
    got = rows(
        station.db,
        "SELECT entity_id, reason_code FROM audit_log WHERE action = 'tote_emptied' "
        "ORDER BY entity_id",
    )
    assert got == sorted([(tote_a, "SORTED"), (tote_b, "SORTED")])
    assert check(station.db) == []


def test_a_scan_sent_twice_is_applied_once(station: Station):
    fl = station.floor
    fl.order([(1, 2)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    scan = Scan(text=fl.gtin(1), source=Source.WEDGE, symbology="]E0", id="unit-1")
    flow.scan(scan)
    v = flow.scan(scan)
    assert [x.verified for x in v.lines] == [1] and v.expect == "product"
    assert scalar(station.db, "SELECT qty FROM package_line") == 1


def test_a_reopened_package_emptied_takes_the_order_back_to_picked(station: Station):
    fl = station.floor
    fl.order([(1, 1)])
    (tote,) = station.pick_all()
    first = pack_tote(station, tote)
    flow = PackFlow(station.db, station.packer)
    flow.reopen(str(first["sscc"]))
    assert scalar(station.db, "SELECT status FROM sales_order") == "packing"
    v = flow.restart()
    assert v.expect == "product" and [x.remaining for x in v.lines] == [1], v.error
    assert scalar(station.db, "SELECT status FROM sales_order") == "picked"
    # Packed again: a new SSCC; the dropped package keeps its own, never handed out again.
    flow.scan(fl.gtin(1))
    flow.scan("MAILER")
    v = flow.key_weight(101 + 40)
    assert v.expect == "label" and v.sscc != first["sscc"]
    assert rows(station.db, "SELECT status, sscc FROM package ORDER BY id") == [
        ("cancelled", first["sscc"]),
        ("closed", v.sscc),
    ]
    assert check(station.db) == []
