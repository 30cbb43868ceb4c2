"""An empty report moves every reservation off the shelf and writes nothing off; stock is written
off only by a count or by a supervisor's adjustment with a reason code."""

from __future__ import annotations

import pytest

from wms_terminal.core.errors import PermissionDenied, ValidationError
from wms_terminal.picking import counts, service
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.stock_change import adjust_stock

from .conftest import Floor
from .helpers import rows, scalar, stock


def test_empty_report_moves_every_reservation_and_writes_nothing_off(floor: Floor):
    # Face 1 holds 50 units of product 1: three orders reserve 10 + 15 + 20 of them.
    mine = floor.order([(1, 10)])
    floor.release(max_orders=1)
    waiting = floor.order([(1, 15)])
    big = floor.order([(1, 20)])
    lid = service.claim_next(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert lid is not None
    task = get_list(floor.db, lid).next_task
    assert task is not None and task.location_id == floor.face[1].id
    r = exc.report_empty(floor.db, floor.actors["pat"], scan_id="e1", task_id=task.task_id)
    assert r.accepted and r.code == "empty", r
    # Nothing written off: the shelf keeps its 50 on the books until the count says otherwise,
    # and holds no reservation any more.
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50, 0)
    assert scalar(floor.db, "SELECT COUNT(*) FROM stock_ledger WHERE kind = 'adjustment'") == 0
    # The reporter's 10 came from the second face (20 there); of the others (newest first) the
    # big order took the last 10 of the second face and 10 from reserve... everything found
    # room: second face 20 + reserve 100.
    assert r.data["reallocated"] == [{"location": "02-09-1L", "qty": 10}]
    moved = {m["order"]: m for m in r.data["moved_orders"]}
    assert set(moved) == {waiting, big}
    assert all(m["backordered"] == 0 for m in moved.values())
    assert (
        scalar(
            floor.db,
            "SELECT COUNT(*) FROM reservation WHERE location_id = :l AND status = 'active'",
            l=floor.face[1].id,
        )
        == 0
    )
    assert stock(floor.db, floor.reserve[1].id, floor.products[1].id)[1] == 25
    assert "Other orders: 35 moved, 0 b/o" in r.message
    assert all(len(line) <= 40 for line in r.message.splitlines())
    assert mine
    # A count by another user then decides what is written off: the face really is empty.
    cid = r.data["count_task_id"]
    done = counts.record_count(
        floor.db,
        floor.actors["quinn"],
        scan_id="c1",
        count_id=cid,
        qty=0,
        location=floor.face[1].barcode,
        recount_threshold=100,
    )
    assert done.accepted and done.data["diff"] == -50, done
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (0, 0)


def test_empty_report_backorders_what_cannot_move_and_says_who_holds_the_rest(floor: Floor):
    # Product 3 lives on one face only.
    first = floor.order([(3, 30)])
    floor.release(max_orders=1)
    other = floor.order([(3, 15)])
    lid = service.claim_next(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert lid is not None
    task = get_list(floor.db, lid).next_task
    assert task is not None
    r = exc.report_empty(floor.db, floor.actors["pat"], scan_id="e1", task_id=task.task_id)
    assert r.accepted, r
    assert r.data["backordered"] == 30 and r.data["reallocated"] == []
    assert r.data["moved_orders"] == [
        {"order": other, "qty": 15, "moved_to": [], "backordered": 15}
    ]
    assert "30 back-ordered" in r.message and "Other orders: 0 moved, 15 b/o" in r.message
    assert rows(
        floor.db,
        "SELECT so.number, ol.qty_reserved, ol.qty_backordered, so.status FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id ORDER BY so.number",
    ) == [(first, 0, 30, "backordered"), (other, 0, 15, "backordered")]
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (50, 0)
    assert get_list(floor.db, lid).status == "done"


def test_supervisor_adjustment_is_audited_and_moves_reservations(floor: Floor):
    order = floor.order([(3, 40)])
    boss = floor.actors["boss"]
    done = adjust_stock(
        floor.db,
        boss,
        location=floor.face[3].barcode,
        sku=floor.sku(3),
        qty=30,
        reason_code="damaged",
        note="forklift",
    )
    assert (done.change.before, done.change.after) == (50, 30)
    # 10 free units went first; 10 of the order's 40 reserved units are gone: back-ordered.
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (30, 30)
    assert [m.as_data() for m in done.change.moved] == [
        {"order": order, "qty": 10, "moved_to": [], "backordered": 10}
    ]
    assert rows(
        floor.db,
        "SELECT kind, on_hand_delta, reason FROM stock_ledger WHERE kind = 'adjustment'",
    ) == [("adjustment", -20, "adjust damaged: forklift")]
    audit = rows(
        floor.db,
        "SELECT action, user_id, reason_code FROM audit_log WHERE action = 'stock_adjusted'",
    )
    assert audit == [("stock_adjusted", boss.user_id, "damaged")]
    assert scalar(floor.db, "SELECT status FROM sales_order") == "partially_reserved"
    # A gain by delta.
    up = adjust_stock(
        floor.db, boss, location="03-03-1L", sku=floor.sku(3), delta=5, reason_code="found"
    )
    assert up.change.after == 35


def test_a_picker_cannot_adjust_and_bad_input_changes_nothing(floor: Floor):
    with pytest.raises(PermissionDenied):
        adjust_stock(
            floor.db,
            floor.actors["pat"],
            location=floor.face[3].barcode,
            sku=floor.sku(3),
            qty=0,
            reason_code="lost",
        )
    boss = floor.actors["boss"]
    for kw in (
        {"qty": 1, "reason_code": "because"},
        {"qty": 1, "delta": 1, "reason_code": "lost"},
        {"delta": -51, "reason_code": "lost"},
        {"qty": -1, "reason_code": "lost"},
        {"qty": 1, "reason_code": "lost", "note": "bad\x1bnote"},
    ):
        with pytest.raises(ValidationError):
            adjust_stock(floor.db, boss, location="03-03-1L", sku=floor.sku(3), **kw)  # type: ignore[arg-type]
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (50, 0)
    assert scalar(floor.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'stock_adjusted'") == 0
