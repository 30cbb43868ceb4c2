"""The pick flow driven by scans, as a terminal would: prompts in route order, confirmations,
rejections that change nothing."""

from __future__ import annotations

from datetime import date, timedelta

from stdnum import ean

from wms_terminal.core.codes import Command
from wms_terminal.core.models import ProductBarcode
from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow, Step
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import route
from wms_terminal.scanning.scan import GS, Scan, Source
from wms_terminal.scanning.symbology import Msg

from .conftest import Floor
from .helpers import rows, scalar, snapshot, stock


def _flow(floor: Floor, who: str = "pat") -> PickFlow:
    return PickFlow(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)


def test_right_location_and_item_confirm_the_pick_in_route_order(floor: Floor):
    floor.order([(1, 2), (3, 1), (6, 1)])
    floor.release()
    flow = _flow(floor)
    view = flow.start()
    assert view.step == "location" and view.total == 3
    seen = []
    while flow.step is not Step.DONE:
        task = flow.task
        assert task is not None
        seen.append((task.location_code, task.seq))
        view = flow.scan(Scan(task.location_barcode, Source.WEDGE, symbology="]A0"))
        assert view.step == "item", view
        view = flow.scan(floor.gtin(task.product_id))
        if task.qty > 1:
            assert view.step == "qty"
            view = flow.key_qty(task.qty)
        if view.step == "tote":
            assert view.prompt.startswith("Scan an empty tote")
            view = flow.scan("T-MAIN-0007")
        assert not view.error, view
    assert view.prompt == M.PROMPT_DONE
    assert view.message.endswith(M.fmt(M.TOTE_TO_PACKING, tote="T-MAIN-0007")), view
    # The visiting order is the optimal route over the picks' aisles and bays.
    layout = Layout.from_dict(
        {
            "aisles": 4,
            "bays": 10,
            "aisle_pitch_m": 3.0,
            "bay_width_m": 1.2,
            "cross_aisles": 2,
            "depot_aisle": 1,
        }
    )
    locs = rows(
        floor.db,
        "SELECT l.aisle, l.bay, l.code FROM pick_task pt JOIN location l ON l.id = pt.location_id "
        "ORDER BY pt.seq",
    )
    best = route(layout, [PickPoint(a, b) for a, b, _ in locs], "optimal")
    stored = scalar(floor.db, "SELECT route_length_m FROM pick_list")
    assert abs(stored - best.length_m) < 1e-6
    assert [c for c, _ in seen] == [c for _, _, c in locs]
    assert scalar(floor.db, "SELECT status FROM sales_order") == "picked"
    assert scalar(floor.db, "SELECT status FROM pick_list") == "done"
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (48, 0)
    # Every pick went into the tote scanned first.
    assert rows(floor.db, "SELECT DISTINCT tote_id FROM pick_task") == [(1,)]


def test_wrong_location_and_wrong_item_are_rejected_and_change_nothing(floor: Floor):
    floor.order([(1, 2)])
    floor.release()
    flow = _flow(floor)
    flow.start()
    before = snapshot(floor.db)
    view = flow.scan("L-MAIN-04-04-1L")
    assert view.step == "location"
    assert view.error == M.fmt(M.WRONG_LOCATION, expected="01-01-1L")
    view = flow.scan(floor.face[1].barcode)
    assert view.step == "item" and not view.error
    view = flow.scan(floor.gtin(2))
    assert view.step == "item" and view.error == M.fmt(M.WRONG_ITEM, expected="SKU-00001")
    view = flow.scan("9999999999994")
    assert view.error == M.UNKNOWN_ITEM
    after = snapshot(floor.db)
    # Only the scan outcomes were stored, rejections included.
    assert after["scan_record"] == before["scan_record"] + 4
    assert {k: v for k, v in after.items() if k != "scan_record"} == {
        k: v for k, v in before.items() if k != "scan_record"
    }
    assert rows(floor.db, "SELECT accepted FROM scan_record ORDER BY created_at") == [
        (False,),
        (True,),
        (False,),
        (False,),
    ]


def test_cluster_list_names_the_tote_slot_and_refuses_the_wrong_tote(floor: Floor):
    floor.order([(1, 1)])
    floor.order([(3, 1)])
    floor.release("cluster")
    assert scalar(floor.db, "SELECT COUNT(*) FROM pick_list") == 1
    flow = _flow(floor)
    flow.start()
    totes = {1: "T-MAIN-0001", 2: "T-MAIN-0002"}
    while flow.step is not Step.DONE:
        task = flow.task
        assert task is not None and task.tote_slot in (1, 2)
        flow.scan(task.location_barcode)
        view = flow.scan(floor.gtin(task.product_id))
        assert view.step == "tote" and view.tote_slot == task.tote_slot
        if task.tote_slot == 2 and flow.pick_list and 1 in flow.pick_list.totes:
            bad = flow.scan(totes[1])
            assert bad.error and bad.step == "tote"
        view = flow.scan(totes[task.tote_slot])
        assert not view.error, view
    got = rows(
        floor.db,
        "SELECT so.number, t.code FROM pick_task pt JOIN tote t ON t.id = pt.tote_id "
        "JOIN sales_order so ON so.id = pt.order_id ORDER BY so.number",
    )
    assert [c for _, c in got] == ["T-MAIN-0001", "T-MAIN-0002"]


def test_commands_need_a_pick_and_help_is_short(floor: Floor):
    flow = _flow(floor)
    assert flow.start().message == M.PROMPT_NO_WORK
    assert flow.scan("CMD-SHORT").error == M.UNKNOWN_COMMAND
    assert flow.command(Command.HELP).message == M.HELP
    assert flow.scan("CMD-NOPE").error == M.UNKNOWN_COMMAND


def test_every_operator_message_fits_a_40_column_screen():
    for name, value in vars(M).items():
        if name.isupper() and isinstance(value, str) and name != "WIDTH":
            assert len(value) <= M.WIDTH, name
    assert len(M.fmt(M.WRONG_LOCATION, expected="X" * 80)) == M.WIDTH
    # Cut at a word boundary, never inside a word that fits.
    long = M.fmt(M.WRONG_ITEM, expected="SKU-00001 Extra strong garden hose reel")
    assert long == "Wrong item: pick SKU-00001 Extra strong…"


def _add_barcode(floor: Floor, n: int, barcode: str, kind: str, pack_qty: int = 1) -> None:
    with floor.db.transaction() as s:
        s.add(
            ProductBarcode(
                product_id=floor.products[n].id, barcode=barcode, kind=kind, pack_qty=pack_qty
            )
        )


def _at_item(floor: Floor, lines: list[tuple[int, int]]) -> PickFlow:
    """A claimed one-order list, its first location scanned."""
    floor.order(lines)
    floor.release()
    flow = _flow(floor)
    flow.start()
    assert flow.task is not None
    assert flow.scan(flow.task.location_barcode).step == "item"
    return flow


def test_a_caps_lock_location_label_is_the_location(floor: Floor):
    floor.order([(3, 1)])
    floor.release()
    flow = _flow(floor)
    flow.start()
    view = flow.scan("l-main-03-03-1l")  # Caps Lock on: letters arrive in lower case
    assert view.step == "item" and not view.error, view
    # With an AIM id the scanning layer recognises Caps Lock and says so.
    flow.command(Command.CANCEL)
    view = flow.scan(Scan("l-main-03-03-1l", Source.WEDGE, symbology="]a0"))
    assert view.step == "location" and view.error == Msg.CAPS_LOCK


def test_a_gs1_128_product_label_is_the_item_and_an_expired_lot_is_refused(floor: Floor):
    flow = _at_item(floor, [(3, 1)])
    gtin14 = "0" + floor.gtin(3)
    old = (date.today() - timedelta(days=1)).strftime("%y%m%d")
    expired = Scan(f"01{gtin14}17{old}10LOT-OLD", Source.WEDGE, symbology="]C1")
    view = flow.scan(expired)
    assert view.step == "item" and view.error.startswith("Expired"), view
    good = (date.today() + timedelta(days=90)).strftime("%y%m%d")
    view = flow.scan(Scan(f"01{gtin14}10LOT-7{GS}17{good}", Source.WEDGE, symbology="]C1"))
    assert not view.error and view.step == "tote", view
    view = flow.scan("T-MAIN-0031")
    assert not view.error and view.step == "done", view
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (49, 0)
    assert rows(floor.db, "SELECT lot, serial FROM pick_task") == [("LOT-7", None)]


def test_a_case_code_counts_its_pack_quantity(floor: Floor):
    body = "1" + floor.gtin(1)[:-1]
    case = body + ean.calc_check_digit(body)  # GTIN-14 of a case of 12
    _add_barcode(floor, 1, case, "gtin14", pack_qty=12)
    flow = _at_item(floor, [(1, 24)])
    view = flow.scan(case)
    assert view.step == "qty" and view.prompt == M.fmt(M.PROMPT_QTY, n=12, qty=24), view
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50, 24)  # nothing yet
    view = flow.scan(case)
    assert view.step == "tote" and not view.error, view
    view = flow.scan("T-MAIN-0032")
    assert view.step == "done" and not view.error, view
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (26, 0)
    assert rows(floor.db, "SELECT on_hand_delta FROM stock_ledger WHERE kind = 'pick'") == [(-24,)]


def test_a_case_is_refused_where_fewer_units_are_needed(floor: Floor):
    body = "1" + floor.gtin(1)[:-1]
    case = body + ean.calc_check_digit(body)
    _add_barcode(floor, 1, case, "gtin14", pack_qty=12)
    flow = _at_item(floor, [(1, 5)])
    view = flow.scan(case)
    assert view.step == "item" and view.error == M.fmt(M.PACK_TOO_BIG, units=12, qty=5), view
    for n in range(1, 5):  # single units count one each
        view = flow.scan(floor.gtin(1))
        assert view.step == "qty" and view.prompt == M.fmt(M.PROMPT_QTY, n=n, qty=5), view
    assert flow.scan(case).error  # 12 more than the one left
    view = flow.scan("T-MAIN-0033")
    assert view.error == M.KEY_QTY and view.step == "qty"
    view = flow.scan(floor.gtin(1))
    assert view.step == "tote", view
    view = flow.scan("T-MAIN-0033")
    assert view.step == "done" and not view.error, view
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (45, 0)


def test_an_8_digit_code_matches_as_ean8_or_upce(floor: Floor):
    # 10000007 is a valid EAN-8 and a valid UPC-E (= UPC-A 100000000007): ambiguous without
    # an AIM id; the product is found under either form, with the scanning layer's warning.
    _add_barcode(floor, 3, "100000000007", "gtin12")
    _add_barcode(floor, 6, "10000007", "gtin8")
    floor.order([(3, 1), (6, 1)])
    floor.release()
    flow = _flow(floor)
    flow.start()
    picked = []
    while flow.step is not Step.DONE:
        task = flow.task
        assert task is not None
        flow.scan(task.location_barcode)
        view = flow.scan("10000007")
        assert not view.error and Msg.AMBIGUOUS_8 in view.message, view
        if view.step == "tote":
            view = flow.scan("T-MAIN-0034")
        assert not view.error, view
        picked.append(task.product_id)
    assert sorted(picked) == sorted([floor.products[3].id, floor.products[6].id])
    # With its AIM id the code is one symbology only: ]E4 (EAN-8) is product 6, not product 3.
    floor.order([(3, 1)])
    floor.release()
    flow.command(Command.DONE)
    assert flow.task is not None and flow.task.product_id == floor.products[3].id
    flow.scan(flow.task.location_barcode)
    view = flow.scan(Scan("10000007", Source.WEDGE, symbology="]E4"))
    assert view.error == M.fmt(M.WRONG_ITEM, expected=floor.sku(3)), view
    view = flow.scan(Scan("10000007", Source.WEDGE, symbology="]E0"))
    assert not view.error, view
