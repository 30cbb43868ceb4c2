"""DAMAGED writes nothing off: the units leave pickable stock for the damaged location, the rest of
the pick is re-allocated, and a supervisor writes them off (with a reason, audited) or sends
them back to the shelves by a put-away, which serves the back-orders waiting for them."""

from __future__ import annotations

import pytest

from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.invariants import check
from wms_terminal.core.move_tasks import claim_next, do_task
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import messages as M
from wms_terminal.picking.damaged import list_damaged, settle_damaged

from .conftest import Floor
from .helpers import rows, scalar, stock
from .test_exceptions import _claimed


def _order_status(floor: Floor, number: str) -> str:
    return str(scalar(floor.db, "SELECT status FROM sales_order WHERE number = :n", n=number))


def test_damaged_units_wait_aside_until_a_supervisor_scraps_or_restocks_them(floor: Floor):
    face, pid, sku = floor.face[3], floor.products[3].id, floor.sku(3)
    floor.order([(3, 50)])  # every unit of product 3, on its one shelf
    floor.release()
    task = _claimed(floor).next_task
    assert task is not None
    r = exc.report_damaged(
        floor.db, floor.actors["pat"], scan_id="d1", task_id=task.task_id, damaged=2
    )
    assert r.accepted, r
    cage = r.data["damaged_location"]
    assert r.message.splitlines()[0] == M.fmt(M.DAMAGED_DONE, qty=2, location=cage)
    assert r.data["backordered"] == 2  # no other stock: nothing written off, nothing reserved
    (cage_id,) = rows(floor.db, "SELECT id FROM location WHERE code = :c", c=cage)[0]
    assert stock(floor.db, face.id, pid) == (48, 48)
    assert stock(floor.db, cage_id, pid) == (2, 0)  # in the books, not pickable
    assert check(floor.db) == []
    assert [(d.sku, d.location, d.units) for d in list_damaged(floor.db)] == [(sku, cage, 2)]

    # The damaged units are not reserved by a new order.
    later = floor.order([(3, 1)])
    assert _order_status(floor, later) == "backordered"
    assert stock(floor.db, cage_id, pid) == (2, 0)

    boss = floor.actors["boss"]
    with pytest.raises(PermissionDenied):
        settle_damaged(floor.db, floor.actors["pat"], warehouse="MAIN", sku=sku, scrap=1, note="x")
    with pytest.raises(ValidationError, match="say why"):
        settle_damaged(floor.db, boss, warehouse="MAIN", sku=sku, scrap=1)
    with pytest.raises(ValidationError, match="2 damaged SKU-00003 wait in MAIN, not 3"):
        settle_damaged(floor.db, boss, warehouse="MAIN", sku=sku, scrap=2, restock=1, note="x")
    with pytest.raises(NotFound):
        settle_damaged(floor.db, boss, warehouse="MAIN", sku=floor.sku(4), scrap=1, note="x")
    done = settle_damaged(
        floor.db, boss, warehouse="MAIN", sku=sku, scrap=1, restock=1, note="box crushed"
    )
    assert (done.scrapped, done.restocked, done.left, len(done.putaway_task_ids)) == (1, 1, 0, 1)
    assert stock(floor.db, cage_id, pid) == (1, 0)
    assert list_damaged(floor.db) == []  # all decided: one on its way back
    audit = rows(
        floor.db,
        "SELECT action, reason_code FROM audit_log WHERE action = 'damaged_settled'",
    )
    assert audit == [("damaged_settled", "DAMAGED")]
    off = rows(
        floor.db,
        "SELECT on_hand_delta, reason FROM stock_ledger WHERE location_id = :l "
        "AND kind = 'adjustment'",
        l=cage_id,
    )
    assert off == [(-1, "write-off damaged: box crushed")]

    # The put-away makes the restocked unit pickable: the waiting order gets it.
    putaway = claim_next(floor.db, boss, warehouse_id=floor.warehouse_id, kind="putaway")
    assert putaway is not None and putaway.id == done.putaway_task_ids[0]
    moved = do_task(
        floor.db, boss, task_id=putaway.id, from_location=cage, item=floor.gtin(3), qty=1,
        to_location=face.barcode,
    )  # fmt: skip
    assert moved.backorders_filled == (later,) and moved.next_task_ids == ()
    assert _order_status(floor, later) == "reserved"
    assert stock(floor.db, cage_id, pid) == (0, 0)
    assert stock(floor.db, face.id, pid) == (49, 49)
    assert check(floor.db) == []


def test_damaged_units_are_replaced_from_the_same_shelf(floor: Floor):
    from .test_exceptions import _pick_rest

    floor.order([(4, 3)])
    floor.release()
    pl = _claimed(floor)
    task = pl.next_task
    assert task is not None
    r = exc.report_damaged(
        floor.db, floor.actors["pat"], scan_id="d1", task_id=task.task_id, damaged=1
    )
    assert r.accepted and r.data["reallocated"] == [{"location": "04-04-1L", "qty": 1}], r
    assert stock(floor.db, floor.face[4].id, floor.products[4].id) == (49, 3)
    assert _pick_rest(floor, pl.pick_list_id).status == "done"
    assert stock(floor.db, floor.face[4].id, floor.products[4].id) == (46, 0)
    assert [(d.sku, d.units) for d in list_damaged(floor.db, warehouse="MAIN")] == [
        (floor.sku(4), 1)
    ]
    assert check(floor.db) == []


def test_stock_damaged_and_settle_damaged_commands(floor: Floor, db_url: str, capsys, monkeypatch):
    import json

    from tests.factories import CLI_PIN
    from wms_terminal.cli import main

    floor.order([(5, 2)])
    floor.release()
    task = _claimed(floor).next_task
    assert task is not None
    pat = floor.actors["pat"]
    assert exc.report_damaged(floor.db, pat, scan_id="d1", task_id=task.task_id, damaged=2).accepted
    assert main(["stock", "damaged", "--database", db_url, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["sku"], listed["units"]) == (floor.sku(5), 2)
    settle = ["stock", "settle-damaged", "--warehouse", "MAIN", "--sku", floor.sku(5)]
    settle += ["--scrap", "2", "--note", "wet", "--database", db_url]
    assert main(settle) == 6  # a supervisor's badge and PIN
    capsys.readouterr()
    monkeypatch.setenv("WMS_PIN", CLI_PIN)
    assert main([*settle, "--badge", floor.badges["pat"]]) == 6
    assert "may not" in capsys.readouterr().err
    assert main([*settle, "--badge", floor.badges["boss"]]) == 0
    assert "2 written off, 0 to restock; 0 still waiting" in capsys.readouterr().out
    assert main(["stock", "damaged", "--database", db_url]) == 0
    assert capsys.readouterr().out.strip() == "no damaged units waiting"
    assert check(floor.db) == []
