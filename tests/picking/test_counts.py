"""Counts from start to end: claimed and done by scan, the difference adjusted with its ledger
line and audit entry, a second blind count beyond the threshold, the location blocked meanwhile."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.picking import counts, service
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.views import CountView, PickListView

from .conftest import Floor
from .helpers import count_task, rows, scalar, stock


def _do(floor: Floor, who: str, cid: int, qty: int, sid: str, **kw: object):
    view = counts.get_count(floor.db, cid)
    return counts.record_count(
        floor.db,
        floor.actors[who],
        scan_id=sid,
        count_id=cid,
        qty=qty,
        location=view.location_barcode,
        item=None if qty == 0 else floor.gtin(view.product_id),
        **kw,  # type: ignore[arg-type]
    )


def _blocked(floor: Floor, n: int = 1) -> bool:
    return bool(scalar(floor.db, "SELECT blocked FROM location WHERE id = :l", l=floor.face[n].id))


def _claimed(floor: Floor, who: str = "pat") -> PickListView:
    lid = service.claim_next(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)
    assert lid is not None
    return get_list(floor.db, lid)


def _count_moves(floor: Floor) -> list[tuple[object, ...]]:
    return rows(
        floor.db,
        "SELECT location_id, on_hand_delta, reserved_delta, reason FROM stock_ledger "
        "WHERE kind = 'count' ORDER BY id",
    )


def test_count_that_matches_changes_no_stock_and_opens_the_location(floor: Floor):
    cid = count_task(floor)
    assert _blocked(floor)
    view = counts.claim_count(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert isinstance(view, CountView) and view.count_id == cid and view.status == "claimed"
    r = _do(floor, "pat", cid, 50, "c1")
    assert r.accepted and r.code == "counted", r
    assert r.data["diff"] == 0 and r.data["unblocked"] is True
    assert r.message.splitlines()[0] == "Count matches: no change"
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50, 0)
    assert _count_moves(floor) == []
    assert not _blocked(floor)
    done = counts.get_count(floor.db, cid)
    assert (done.status, done.counted_qty, done.expected_qty, done.counted_by) == (
        "done",
        50,
        50,
        "pat",
    )
    # A replay of the scan id changes nothing and answers the same.
    again = _do(floor, "pat", cid, 50, "c1")
    assert again.replayed and again.code == "counted"


def test_small_difference_is_adjusted_with_ledger_line_and_audit(floor: Floor):
    cid = count_task(floor)
    r = _do(floor, "pat", cid, 47, "c1", recount_threshold=5)
    assert r.accepted and r.data["diff"] == -3, r
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (47, 0)
    assert _count_moves(floor) == [(floor.face[1].id, -3, 0, f"count {cid}")]
    audit = rows(
        floor.db,
        "SELECT action, entity_id FROM audit_log WHERE entity = 'count_task' ORDER BY id",
    )
    assert ("count_done", str(cid)) in audit
    # A gain the other way round.
    cid2 = count_task(floor)
    r = _do(floor, "quinn", cid2, 49, "c2", recount_threshold=5)
    assert r.accepted and r.data["diff"] == 2
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (49, 0)


def test_big_difference_asks_a_blind_second_count_by_another_user(floor: Floor):
    cid = count_task(floor)
    r = _do(floor, "pat", cid, 10, "c1", recount_threshold=5)
    assert r.accepted and r.code == "recount", r
    # Nothing changed yet, and the location stays blocked.
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50, 0)
    assert _blocked(floor)
    assert counts.get_count(floor.db, cid).status == "recount"
    # The first counter cannot do the second count, nor claim it.
    same = _do(floor, "pat", cid, 10, "c2", recount_threshold=5)
    assert not same.accepted and same.code == "same_counter"
    assert (
        counts.claim_count(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id) is None
    )
    # Another user counts 44: the second count decides (not the first).
    second = counts.claim_count(floor.db, floor.actors["quinn"], warehouse_id=floor.warehouse_id)
    assert second is not None and second.count_id == cid and second.second
    r = _do(floor, "quinn", cid, 44, "c3", recount_threshold=5)
    assert r.accepted and r.code == "counted" and r.data["diff"] == -6, r
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (44, 0)
    done = counts.get_count(floor.db, cid)
    assert (done.first_qty, done.first_by, done.counted_qty, done.counted_by) == (
        10,
        "pat",
        44,
        "quinn",
    )
    assert not _blocked(floor)


def test_count_loss_that_hits_reservations_moves_them_or_backorders(floor: Floor):
    # Product 3 has one location with 50 units: 30 + 15 reserved by two orders.
    first = floor.order([(3, 30)])
    second = floor.order([(3, 15)])
    cid = count_task(floor, 3)
    r = _do(floor, "pat", cid, 20, "c1", recount_threshold=100)
    assert r.accepted and r.data["diff"] == -30, r
    # 5 free units go first; 25 reserved units are gone: the newest reservation loses first
    # (all 15 of the second order), then 10 of the first; nowhere else to take them from.
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (20, 20)
    moved = {m["order"]: m for m in r.data["moved_orders"]}
    assert moved[second]["backordered"] == 15 and moved[first]["backordered"] == 10
    assert rows(
        floor.db,
        "SELECT so.number, ol.qty_reserved, ol.qty_backordered, so.status FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id ORDER BY so.number",
    ) == [(first, 20, 10, "partially_reserved"), (second, 0, 15, "backordered")]
    assert scalar(floor.db, "SELECT SUM(qty) FROM reservation WHERE status = 'active'") == 20
    # The ledger explains every unit: unreserve lines and the count's loss.
    for column in ("on_hand_delta", "reserved_delta"):
        total = scalar(
            floor.db,
            f"SELECT SUM({column}) FROM stock_ledger WHERE location_id = :l",
            l=floor.face[3].id,
        )
        assert total == 20


def test_count_loss_moves_a_released_pick_to_another_location(floor: Floor):
    floor.order([(1, 30)])
    floor.release()
    cid = count_task(floor, 1)  # blocks face 1 under the released pick
    r = _do(floor, "pat", cid, 5, "c1", recount_threshold=100)
    assert r.accepted, r
    # 20 of the face's 50 were free; 25 of the 30 reserved are gone: moved to the second face
    # (20) and the reserve (5); the pick list gets the new picks, the old one keeps 5.
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (5, 5)
    pl = _claimed(floor)
    assert sorted((t.location_code, t.qty) for t in pl.open_tasks) == [
        ("01-01-1L", 5),
        ("02-09-1L", 20),
        ("04-10-3L", 5),
    ]
    n = 0
    while (task := get_list(floor.db, pl.pick_list_id).next_task) is not None:
        n += 1
        got = service.confirm_pick(
            floor.db,
            floor.actors["pat"],
            scan_id=f"p{n}",
            task_id=task.task_id,
            qty=task.remaining,
            tote="T-MAIN-0001",
        )
        assert got.accepted, got
    assert scalar(floor.db, "SELECT status FROM sales_order") == "picked"
    assert scalar(floor.db, "SELECT qty_picked FROM order_line") == 30


def test_blocked_location_is_not_allocated_nor_picked_until_the_count_ends(floor: Floor):
    floor.order([(3, 5)])
    floor.release()
    cid = count_task(floor, 3)
    # Allocation skips the blocked face: product 3 has no other stock, so it back-orders.
    late = floor.order([(3, 2)])
    assert rows(
        floor.db,
        "SELECT ol.qty_reserved, ol.qty_backordered FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id WHERE so.number = :n",
        n=late,
    ) == [(0, 2)]
    # The released pick there is refused with a short message, on both backends' paths.
    pl = _claimed(floor)
    task = pl.next_task
    assert task is not None
    refused = service.confirm_pick(
        floor.db,
        floor.actors["pat"],
        scan_id="p1",
        task_id=task.task_id,
        qty=5,
        tote="T-MAIN-0001",
    )
    assert not refused.accepted and refused.code == "location_blocked", refused
    assert refused.message == "Location being counted: SKIP it"
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (50, 5)
    short = exc.report_short(
        floor.db,
        floor.actors["pat"],
        scan_id="s1",
        task_id=task.task_id,
        found=2,
        tote="T-MAIN-0001",
    )
    assert not short.accepted and short.code == "location_blocked"
    # The count ends: picking there works again.
    assert _do(floor, "quinn", cid, 50, "c1").accepted
    ok = service.confirm_pick(
        floor.db,
        floor.actors["pat"],
        scan_id="p2",
        task_id=task.task_id,
        qty=5,
        tote="T-MAIN-0001",
    )
    assert ok.accepted, ok
    # The location's free units went to the order that waited for them when the count ended.
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (45, 2)
    assert (
        scalar(
            floor.db,
            "SELECT ol.qty_reserved FROM order_line ol JOIN sales_order so ON so.id = ol.order_id "
            "WHERE so.number = :n",
            n=late,
        )
        == 2
    )


def test_database_refuses_a_pick_line_at_a_blocked_location(floor: Floor):
    count_task(floor, 4)
    with pytest.raises(DBAPIError, match="location_blocked"), floor.db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO stock_ledger (warehouse_id, product_id, location_id, kind, "
                "on_hand_delta, reserved_delta, terminal, reason, created_at) "
                "VALUES (:w, :p, :l, 'pick', -1, -1, '', '', CURRENT_TIMESTAMP)"
            ),
            {"w": floor.warehouse_id, "p": floor.products[4].id, "l": floor.face[4].id},
        )


def test_release_and_cancel_end_every_count(floor: Floor):
    cid = count_task(floor, 4)
    pat, boss = floor.actors["pat"], floor.actors["boss"]
    view = counts.claim_count(floor.db, pat, warehouse_id=floor.warehouse_id, count_id=cid)
    assert view is not None and view.claimed_by == "pat"
    taken = _do(floor, "quinn", cid, 50, "q1")
    assert not taken.accepted and taken.code == "count_taken"
    assert counts.release_count(floor.db, pat, count_id=cid).status == "open"
    with pytest.raises(PermissionDenied):
        counts.cancel_count(floor.db, pat, count_id=cid, reason="mistake")
    with pytest.raises(ValidationError):
        counts.cancel_count(floor.db, boss, count_id=cid, reason="  ")
    done = counts.cancel_count(floor.db, boss, count_id=cid, reason="raised by mistake")
    assert (done.status, done.note) == ("cancelled", "raised by mistake")
    assert not _blocked(floor, 4)
    assert counts.list_counts(floor.db) == []
    assert [c.count_id for c in counts.list_counts(floor.db, statuses=("cancelled",))] == [cid]
    with pytest.raises(ValidationError):
        counts.cancel_count(floor.db, boss, count_id=cid, reason="again")
    with pytest.raises(NotFound):
        counts.get_count(floor.db, 999)
    late = _do(floor, "pat", cid, 50, "late")
    assert not late.accepted and late.code == "count_closed"


def test_wrong_scans_are_refused_and_change_nothing(floor: Floor):
    cid = count_task(floor, 4)
    view = counts.get_count(floor.db, cid)
    pat = floor.actors["pat"]
    wrong_loc = counts.record_count(
        floor.db, pat, scan_id="w1", count_id=cid, qty=3, location=floor.face[5].barcode
    )
    assert not wrong_loc.accepted and wrong_loc.code == "wrong_location"
    wrong_item = counts.record_count(
        floor.db, pat, scan_id="w2", count_id=cid, qty=3, item=floor.gtin(5)
    )
    assert not wrong_item.accepted and wrong_item.code == "wrong_item"
    bad = counts.record_count(floor.db, pat, scan_id="w3", count_id=cid, qty=-1)
    assert not bad.accepted and bad.code == "bad_qty"
    assert counts.get_count(floor.db, cid).status == "open"
    assert (
        counts.check_count_scan(floor.db, count_id=cid, step="location", code=view.location_barcode)
        is None
    )
    assert counts.check_count_scan(floor.db, count_id=cid, step="item", code="123") == (
        "Unknown item barcode"
    )


def test_count_gain_fills_a_waiting_backorder_in_the_same_transaction(floor: Floor):
    # Product 3's only face holds 50: an order for 60 gets 50 and waits for 10.
    waiting = floor.order([(3, 60)])
    assert scalar(floor.db, "SELECT status FROM sales_order") == "partially_reserved"
    cid = count_task(floor, 3)
    r = _do(floor, "pat", cid, 58, "c1", recount_threshold=10)
    assert r.accepted and r.data["diff"] == 8, r
    # The 8 found units go to the waiting order at once (the count ends the block first).
    assert r.data["unblocked"] is True
    assert r.data["rereserved_orders"] == [1]
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (58, 58)
    assert rows(
        floor.db,
        "SELECT so.number, ol.qty_reserved, ol.qty_backordered, so.status FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id",
    ) == [(waiting, 58, 2, "partially_reserved")]
    assert _count_moves(floor) == [(floor.face[3].id, 8, 0, f"count {cid}")]
