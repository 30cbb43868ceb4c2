"""Each pick exception from start to end: reason code, audit entry and what follows."""

from __future__ import annotations

from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.views import PickListView

from .conftest import Floor
from .helpers import rows, scalar, stock


def _claimed(floor: Floor, who: str = "pat") -> PickListView:
    lid = service.claim_next(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)
    assert lid is not None
    return get_list(floor.db, lid)


def _pick_rest(floor: Floor, lid: int, who: str = "pat") -> PickListView:
    n = 0
    while (task := (pl := get_list(floor.db, lid)).next_task) is not None:
        n += 1
        r = service.confirm_pick(
            floor.db,
            floor.actors[who],
            scan_id=f"rest-{lid}-{n}",
            task_id=task.task_id,
            qty=task.remaining,
            tote=None if task.slot in pl.totes else "T-MAIN-0100",
        )
        assert r.accepted, r
    return get_list(floor.db, lid)


def _audit(floor: Floor, reason: str) -> list[tuple[object, ...]]:
    return rows(
        floor.db,
        "SELECT action, entity, reason_code FROM audit_log WHERE reason_code = :r",
        r=reason,
    )


def test_short_pick_reallocates_from_another_location(floor: Floor):
    floor.order([(1, 5)])
    floor.release()
    pl = _claimed(floor)
    task = pl.next_task
    assert task is not None and task.location_id == floor.face[1].id
    r = exc.report_short(
        floor.db,
        floor.actors["pat"],
        scan_id="short-1",
        task_id=task.task_id,
        found=2,
        tote="T-MAIN-0100",
    )
    assert r.accepted and r.code == "short", r
    assert r.data["missing"] == 3 and r.data["backordered"] == 0
    assert r.data["reallocated"] == [{"location": "02-09-1L", "qty": 3}]
    # Found units picked; the shortage is not written off by the picker's scan: the face is
    # blocked and a count task made, and the count decides.
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50 - 2, 0)
    assert rows(floor.db, "SELECT reason, location_id, expected_qty FROM count_task") == [
        ("short_pick", floor.face[1].id, 48)
    ]
    assert scalar(floor.db, "SELECT blocked FROM location WHERE id = :l", l=floor.face[1].id)
    assert _audit(floor, "SHORT") == [("pick_exception", "pick_task", "SHORT")]
    pl = get_list(floor.db, pl.pick_list_id)
    assert [t.status for t in pl.tasks] == ["short", "open"]
    assert pl.tasks[1].location_code == "02-09-1L" and pl.tasks[1].qty == 3
    pl = _pick_rest(floor, pl.pick_list_id)
    assert pl.status == "done"
    assert scalar(floor.db, "SELECT qty_picked FROM order_line") == 5
    assert scalar(floor.db, "SELECT status FROM sales_order") == "picked"


def test_short_pick_backorders_and_says_who_holds_the_rest(floor: Floor):
    floor.order([(3, 30)])  # reserves 30 of the 50 on product 3's only location
    other = floor.order([(3, 15)])
    floor.release(max_orders=1)
    pl = _claimed(floor)
    task = pl.next_task
    assert task is not None and task.qty == 30
    r = exc.report_short(
        floor.db, floor.actors["pat"], scan_id="short-2", task_id=task.task_id, found=0
    )
    assert r.accepted, r
    assert r.data["backordered"] == 30 and r.data["reallocated"] == []
    assert r.data["held_by"] == [{"order": other, "location": "03-03-1L", "qty": 15}]
    assert other in r.message
    assert all(len(line) <= 40 for line in r.message.splitlines())
    line = rows(
        floor.db,
        "SELECT qty_reserved, qty_backordered, qty_picked FROM order_line WHERE order_id = 1",
    )
    assert line == [(0, 30, 0)]
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (50, 15)
    assert get_list(floor.db, pl.pick_list_id).status == "done"
    assert scalar(floor.db, "SELECT status FROM sales_order WHERE id = 1") == "backordered"


def test_skip_moves_the_pick_to_the_end_of_the_route(floor: Floor):
    floor.order([(1, 1), (4, 1)])
    floor.release()
    pl = _claimed(floor)
    first = pl.tasks[0]
    r = exc.skip_task(floor.db, floor.actors["pat"], scan_id="skip-1", task_id=first.task_id)
    assert r.accepted, r
    pl = get_list(floor.db, pl.pick_list_id)
    assert [t.task_id for t in pl.tasks][-1] == first.task_id
    assert pl.next_task is not None and pl.next_task.task_id != first.task_id
    assert _audit(floor, "SKIP") == [("pick_exception", "pick_task", "SKIP")]
    assert _pick_rest(floor, pl.pick_list_id).status == "done"


def test_full_tote_starts_another_tote(floor: Floor):
    floor.order([(1, 1), (4, 1), (6, 1)])
    floor.release()
    pl = _claimed(floor)
    pat = floor.actors["pat"]
    t1 = pl.tasks[0]
    assert service.confirm_pick(
        floor.db, pat, scan_id="a", task_id=t1.task_id, qty=1, tote="T-MAIN-0001"
    ).accepted
    t2 = get_list(floor.db, pl.pick_list_id).next_task
    assert t2 is not None
    r = exc.full_tote(floor.db, pat, scan_id="full", task_id=t2.task_id)
    assert r.accepted and r.data["tote"] == "T-MAIN-0001", r
    assert get_list(floor.db, pl.pick_list_id).totes == {}
    # The full tote is refused; a new one is taken.
    refused = service.confirm_pick(
        floor.db, pat, scan_id="b", task_id=t2.task_id, qty=1, tote="T-MAIN-0001"
    )
    assert not refused.accepted and refused.code == "tote_full"
    assert service.confirm_pick(
        floor.db, pat, scan_id="c", task_id=t2.task_id, qty=1, tote="T-MAIN-0002"
    ).accepted
    pl = _pick_rest(floor, pl.pick_list_id)
    assert pl.status == "done" and pl.tote_count == 2
    assert [t.tote_code for t in pl.tasks] == ["T-MAIN-0001", "T-MAIN-0002", "T-MAIN-0002"]
    assert _audit(floor, "FULLTOTE") == [("pick_exception", "pick_task", "FULLTOTE")]


def test_empty_location_blocks_counts_and_writes_nothing_off(floor: Floor):
    floor.order([(1, 4)])
    floor.release()
    pl = _claimed(floor)
    task = pl.next_task
    assert task is not None
    ledger = scalar(floor.db, "SELECT COUNT(*) FROM stock_ledger WHERE kind = 'adjustment'")
    r = exc.report_empty(floor.db, floor.actors["pat"], scan_id="empty", task_id=task.task_id)
    assert r.accepted and r.code == "empty", r
    assert r.data["written_off"] == 0 and r.data["missing"] == 4
    # Nothing written off by the picker's scan: the count decides.
    assert stock(floor.db, floor.face[1].id, floor.products[1].id) == (50, 0)
    assert scalar(floor.db, "SELECT COUNT(*) FROM stock_ledger WHERE kind = 'adjustment'") == (
        ledger
    )
    assert rows(floor.db, "SELECT reason, status FROM count_task") == [("zero_check", "open")]
    assert rows(
        floor.db, "SELECT blocked, blocked_reason FROM location WHERE id = :l", l=floor.face[1].id
    ) == [(True, "empty")]
    assert _audit(floor, "EMPTY") == [("pick_exception", "pick_task", "EMPTY")]
    # Re-allocated: the second pick face first, then reserve.
    pl = get_list(floor.db, pl.pick_list_id)
    assert [(t.location_code, t.qty) for t in pl.open_tasks] == [("02-09-1L", 4)]
    assert _pick_rest(floor, pl.pick_list_id).status == "done"


def test_exceptions_refuse_a_list_held_by_another_picker(floor: Floor):
    floor.order([(1, 2)])
    floor.release()
    pl = _claimed(floor, "pat")
    task = pl.next_task
    assert task is not None
    r = exc.report_short(
        floor.db, floor.actors["quinn"], scan_id="x", task_id=task.task_id, found=0
    )
    assert not r.accepted and r.code == "not_your_list"
    assert scalar(floor.db, "SELECT COUNT(*) FROM count_task") == 0
