"""The pack flow end to end on both backends: tote scan, every unit verified, box, weight,
close (SSCC, carrier, tracking, print jobs), label scan; wrong items and over-scans refused;
hold and resume, short, a weight beyond the tolerance confirmed by a supervisor."""

from __future__ import annotations

import pytest
from stdnum import ean

from tests import factories as f
from tests.picking.helpers import rows, scalar
from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.errors import PermissionDenied
from wms_terminal.core.invariants import check
from wms_terminal.core.models import ProductBarcode
from wms_terminal.packing.flow import PackFlow
from wms_terminal.scanning import gs1

from .conftest import Station


def _expected_g(station: Station, order: str) -> int:
    return int(
        scalar(
            station.db,
            "SELECT SUM(ol.qty_picked * p.weight_g) FROM order_line ol "
            "JOIN product p ON p.id = ol.product_id "
            "JOIN sales_order so ON so.id = ol.order_id WHERE so.number = :n",
            n=order,
        )
    )


def test_a_packer_packs_an_order_from_its_tote_to_the_label(station: Station):
    fl = station.floor
    order = fl.order([(1, 2), (3, 1)], flags=("GIFT",))
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    assert flow.view().expect == "tote"

    v = flow.scan(tote)
    assert v.expect == "product" and v.order == order, v.error
    assert v.special == ("GIFT: slip without prices, gift message enclosed",)
    assert [(x.sku, x.ready, x.remaining) for x in v.lines] == [
        (fl.sku(1), 2, 2),
        (fl.sku(3), 1, 1),
    ]
    # Three 100 x 80 x 50 mm units lie side by side in the padded mailer (330 x 250 x 50).
    assert v.suggestion is not None and v.suggestion.box_codes == ("MAILER",)

    # A product not on the order, then one unit too many: refused, nothing changes.
    v = flow.scan(fl.gtin(5))
    assert v.expect == "product" and "wrong item" in v.error
    flow.scan(fl.gtin(3))
    v = flow.scan(fl.gtin(3))
    assert "too many" in v.error and v.expect == "product"
    flow.scan(fl.gtin(1))
    v = flow.scan(fl.gtin(1))
    assert v.expect == "box" and v.barcode == "MAILER", v
    v = flow.scan("MAILER")
    expected = _expected_g(station, order) + 40
    assert v.expect == "weight" and v.expected_kg == expected / 1000
    v = flow.key_weight(expected + 10)
    assert v.expect == "label", v.error
    sscc = v.barcode
    assert sscc and len(sscc) == 18 and gs1.check_digit_ok(sscc) and sscc.startswith("08712345")
    assert v.tracking and v.data["carrier"] in ("DHL", "UPS")

    # Everything of the close is there: package, order packed, tote free, two print jobs.
    got = rows(
        station.db,
        "SELECT p.status, p.sscc, p.weight_g, p.tracking_number, so.status, p.shipping_cost "
        "FROM package p JOIN sales_order so ON so.id = p.order_id",
    )
    assert got[0][:5] == ("closed", sscc, expected + 10, v.tracking, "packed")
    assert scalar(station.db, "SELECT status FROM tote WHERE code = :c", c=tote) == "free"
    jobs = rows(station.db, "SELECT kind, status FROM print_job ORDER BY kind")
    assert jobs == [("packing_slip", "queued"), ("shipping_label", "queued")]
    assert scalar(station.db, "SELECT SUM(qty_packed) FROM order_line") == 3

    # The wrong label is refused; the right one ends the order.
    other = "08712345000009999" + ean.calc_check_digit("08712345000009999")
    v = flow.scan(other)
    assert v.expect == "label" and "wrong label" in v.error
    v = flow.scan(sscc)
    assert v.expect == "tote" and "packed" in v.message
    assert check(station.db) == []


def test_the_weight_beyond_the_tolerance_needs_a_supervisor(station: Station):
    fl = station.floor
    order = fl.order([(2, 1)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    v = flow.scan(fl.gtin(2))
    assert v.expect == "box"
    flow.scan("BOX-S")
    v = flow.key_weight(900)
    assert v.expect == "badge" and "expected" in v.error
    assert scalar(station.db, "SELECT status FROM package") == "open"
    # A picker's badge may not accept it; a wrong PIN neither.
    flow.scan(station.picker_badge)
    v = flow.approve("2580")
    assert v.expect == "badge" and "may not" in v.error
    flow.scan(station.sup_badge)
    v = flow.approve("0000")
    assert v.expect == "badge" and "wrong PIN" in v.error
    flow.scan(station.sup_badge)
    v = flow.approve("2580")
    assert v.expect == "label", v.error
    got = rows(station.db, "SELECT weight_g, weight_approved_by FROM package")
    assert got[0][0] == 900 and got[0][1] is not None
    assert scalar(station.db, "SELECT status FROM sales_order WHERE number = :n", n=order) == (
        "packed"
    )


def test_hold_then_resume_then_ship_short(station: Station):
    fl = station.floor
    order = fl.order([(1, 3)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    v = flow.command(Command.SKIP)
    assert v.expect == "tote" and "hold" in v.message
    assert rows(station.db, "SELECT status, hold_reason FROM package") == [("held", "MISSING")]
    v = flow.scan(order)
    assert v.expect == "order" and v.barcode == order and "on hold" in v.message
    v = flow.scan(order)
    assert v.expect == "product", v.error
    assert scalar(station.db, "SELECT status FROM package") == "open"
    flow.scan(fl.gtin(1))
    v = flow.command(Command.SHORT)
    assert v.expect == "box", v
    assert scalar(station.db, "SELECT qty_pack_short FROM order_line") == 1
    # Missing at packing: perhaps never taken off the shelf: the pick face is counted.
    assert rows(station.db, "SELECT location_id, reason FROM count_task") == [
        (fl.face[1].id, "pack_missing")
    ]
    assert scalar(station.db, "SELECT blocked FROM location WHERE id = :i", i=fl.face[1].id)
    flow.scan("MAILER")
    v = flow.key_weight(2 * 101 + 40)
    assert v.expect == "label", v.error
    assert scalar(station.db, "SELECT status FROM sales_order") == "packed"
    assert scalar(station.db, "SELECT status FROM tote WHERE code = :c", c=tote) == "free"
    assert check(station.db) == []


def test_a_full_box_closes_and_the_rest_goes_into_package_two(station: Station):
    fl = station.floor
    fl.order([(1, 2)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    v = flow.command(Command.DONE)
    assert v.expect == "box"
    flow.scan("BOX-S")
    v = flow.key_weight(101 + 150)
    assert v.expect == "label" and v.package == 1
    assert scalar(station.db, "SELECT status FROM sales_order") == "packing"
    assert scalar(station.db, "SELECT status FROM tote") == "at_packing"
    v = flow.scan(v.barcode or "")
    assert v.expect == "product" and "next package" in v.message
    v = flow.scan(fl.gtin(1))
    assert v.expect == "box"
    flow.scan("BOX-S")
    v = flow.key_weight(101 + 150)
    assert v.package == 2
    ssccs = rows(station.db, "SELECT seq, sscc FROM package ORDER BY seq")
    assert [s for s, _ in ssccs] == [1, 2] and ssccs[0][1] != ssccs[1][1]
    assert scalar(station.db, "SELECT status FROM sales_order") == "packed"
    assert scalar(station.db, "SELECT status FROM tote") == "free"


def test_only_a_packer_or_above_packs(station: Station):
    with pytest.raises(PermissionDenied):
        PackFlow(station.db, station.floor.actors["pat"])
    assert isinstance(station.packer, Actor)


def test_the_view_as_plain_data(station: Station):
    fl = station.floor
    order = fl.order([(1, 1)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    data = flow.scan(tote).to_json()
    assert data["expect"] == "product" and data["order"] == order
    assert data["lines"] == [{"sku": fl.sku(1), "ready": 1, "verified": 0, "left": 1}]
    (box,) = data["boxes"]
    assert box["box"] == "MAILER" and box["placed"][0]["sku"] == fl.sku(1)
    data = flow.scan(fl.gtin(1)).to_json()
    assert data["expect"] == "box" and data["barcode"] == "MAILER"
    assert flow.scan("MAILER").to_json()["expected_kg"] == (101 + 40) / 1000


def test_a_pick_list_sheet_opens_its_orders(station: Station):
    fl = station.floor
    first = fl.order([(1, 1)])
    second = fl.order([(2, 1)])
    fl.release("batch")
    station.pick()
    lid = int(scalar(station.db, "SELECT MIN(id) FROM pick_list"))
    flow = PackFlow(station.db, station.packer)
    assert scalar(station.db, "SELECT COUNT(*) FROM pick_list") == 1  # both on one list
    v = flow.scan(f"PL-{lid}")
    assert v.expect == "order" and v.barcode == first and "2 orders" in v.message
    v = flow.scan(second)
    assert v.expect == "product" and v.order == second, v.error
    assert "nothing to pack" in PackFlow(station.db, station.packer).open(pick_list=999).error


def test_a_case_counts_its_pack_quantity_and_other_codes_are_refused(station: Station):
    fl = station.floor
    fl.order([(1, 3)])
    (tote,) = station.pick_all()
    case = "1" + f.gtin13(1)[:-1]
    case += ean.calc_check_digit(case)  # GTIN-14 of a case of 2
    with station.db.transaction() as s:
        s.add(ProductBarcode(product_id=fl.products[1].id, barcode=case, kind="gtin14", pack_qty=2))
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    v = flow.scan(case)
    assert [x.verified for x in v.lines] == [2] and not v.error
    v = flow.scan(case)  # 2 more than the 1 left
    assert "too many" in v.error and [x.verified for x in v.lines] == [2]
    v = flow.scan(fl.face[1].barcode)
    assert "scan a product" in v.error
    v = flow.scan(f.gtin13(999))  # a valid GTIN of no product here
    assert "wrong item" in v.error
    v = flow.scan("4006381333932x")
    assert v.error and v.expect == "product"
    v = flow.scan(fl.gtin(1))
    assert v.expect == "box"
