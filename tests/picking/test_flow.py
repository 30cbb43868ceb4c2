"""The pick flow driven by scans, as a terminal would: prompts in route order, confirmations,
rejections that change nothing."""

from __future__ import annotations

from wms_terminal.core.codes import Command
from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow, RawScan, Step, classify
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import route

from .conftest import Floor
from .helpers import rows, scalar, snapshot, stock


def _flow(floor: Floor, who: str = "pat") -> PickFlow:
    return PickFlow(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)


def test_classify_by_floor_conventions():
    assert classify("L-MAIN-01-02-1L")[0] == "location"
    assert classify("T-MAIN-0001")[0] == "tote"
    assert classify("CMD-SHORT") == ("command", "SHORT")
    assert classify("8710000000017")[0] == "product"
    assert classify("0108710000000017", "gs1") == ("product", "08710000000017")
    assert classify("hello")[0] == "other"


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
        view = flow.scan(RawScan(task.location_barcode, kind="location"))
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
