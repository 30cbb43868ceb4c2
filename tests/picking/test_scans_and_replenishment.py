"""Scan ids: a replay returns the stored outcome and changes nothing. Replenishment and reorder."""

from __future__ import annotations

import threading

from wms_terminal.core.codes import Command
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.flow import PickFlow, Step

from .conftest import Floor
from .helpers import rows, scalar, snapshot


def test_replaying_every_scan_of_a_finished_list_changes_nothing(floor: Floor):
    floor.order([(1, 3), (2, 1), (5, 2), (7, 1)])
    floor.release()
    pat = floor.actors["pat"]
    calls = []  # every service call the flow made, to replay them
    real = {name: getattr(service, name) for name in ("check_step", "confirm_pick")} | {
        name: getattr(exc, name) for name in ("report_short", "skip_task", "report_damaged")
    }

    def recorder(fn):
        def wrapped(*args, **kwargs):
            calls.append((fn, args, kwargs))
            return fn(*args, **kwargs)

        return wrapped

    import wms_terminal.picking.flow as flow_mod

    for name, fn in real.items():
        target = (
            flow_mod.service
            if hasattr(service, name) and name in ("check_step", "confirm_pick")
            else exc
        )
        setattr(target, name, recorder(fn))
    try:
        flow = PickFlow(floor.db, pat, warehouse_id=floor.warehouse_id)
        flow.start()
        flow.scan("L-MAIN-04-04-1L")  # a wrong location: stored as rejected
        flow.command(Command.SKIP)
        first = True
        while flow.step is not Step.DONE:
            task = flow.task
            assert task is not None
            flow.scan(task.location_barcode)
            flow.scan(floor.gtin(task.product_id))
            if flow.step is Step.QTY and first:
                first = False
                flow.command(Command.SHORT)
                flow.key_qty(task.remaining - 1)
                continue
            if flow.step is Step.QTY:
                flow.key_qty(task.remaining)
            if flow.step is Step.TOTE:
                flow.scan("T-MAIN-0009")
    finally:
        for name, fn in real.items():
            setattr(service if name in ("check_step", "confirm_pick") else exc, name, fn)
    assert get_list(floor.db, flow.pick_list.pick_list_id).status == "done"
    assert len(calls) >= 10
    before = snapshot(floor.db)
    stored = rows(floor.db, "SELECT scan_id, accepted FROM scan_record ORDER BY scan_id")
    for fn, args, kwargs in calls:
        again = fn(*args, **kwargs)
        assert again.replayed
    assert snapshot(floor.db) == before
    assert rows(floor.db, "SELECT scan_id, accepted FROM scan_record ORDER BY scan_id") == stored
    assert any(not ok for _, ok in stored)


def test_the_same_scan_sent_by_two_threads_at_once_applies_once(floor: Floor, db_url):
    from wms_terminal.core.db import Database, make_engine

    floor.order([(1, 5)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    task = get_list(floor.db, lid).next_task
    assert task is not None
    results = []
    barrier = threading.Barrier(8)

    def send() -> None:
        db = Database(make_engine(db_url))
        try:
            barrier.wait()
            results.append(
                service.confirm_pick(
                    db, pat, scan_id="dup", task_id=task.task_id, qty=1, tote="T-MAIN-0001"
                )
            )
        finally:
            db.dispose()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r.accepted for r in results), [
        r for r in results if not r.accepted
    ]
    assert sum(not r.replayed for r in results) == 1
    assert scalar(floor.db, "SELECT qty_picked FROM pick_task") == 1
    assert scalar(floor.db, "SELECT COUNT(*) FROM stock_ledger WHERE kind = 'pick'") == 1


def test_pick_below_minimum_makes_a_replenishment_task_from_reserve(floor: Floor):
    floor.order([(2, 6)])  # product 2's face: 50 units, minimum 45
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    task = get_list(floor.db, lid).next_task
    assert task is not None
    r = service.confirm_pick(
        floor.db, pat, scan_id="p1", task_id=task.task_id, qty=6, tote="T-MAIN-0001"
    )
    assert r.accepted and r.data["replenishment"] == "02-02-1L", r
    assert rows(
        floor.db, "SELECT from_location_id, to_location_id, qty, status FROM replenishment_task"
    ) == [(floor.reserve[2].id, floor.face[2].id, 60 - 44, "open")]


def test_a_short_pick_that_empties_the_free_stock_raises_the_reorder(floor: Floor, db):
    from sqlalchemy import text

    with db.transaction() as s:
        s.execute(
            text("UPDATE product SET reorder_point = 10, reorder_qty = 100 WHERE id = :p"),
            {"p": floor.products[6].id},
        )
    floor.order([(6, 5)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    task = get_list(floor.db, lid).next_task
    assert task is not None
    r = exc.report_empty(floor.db, pat, scan_id="e1", task_id=task.task_id)
    assert r.accepted
    # All stock of product 6 is gone: the pick back-orders; a purchase order is raised and the
    # manager told, in the same transaction.
    assert r.data["backordered"] == 5
    assert r.data["purchase_orders"] == [scalar(floor.db, "SELECT number FROM purchase_order")]
    assert (
        scalar(
            floor.db,
            "SELECT COUNT(*) FROM notification WHERE recipient_role = 'manager' "
            "AND kind = 'purchase_order'",
        )
        == 1
    )
