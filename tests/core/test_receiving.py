"""Purchase orders: received in part and in full, cancelled, reordered again; receipts fill
back-orders first and raise put-away tasks that the move-task engine does."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from tests import factories as f
from tests.core.stockyard import Yard, build, ledger_matches_stock
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    Location,
    MoveTask,
    PurchaseOrderLine,
    Reservation,
    SalesOrder,
)
from wms_terminal.core.move_tasks import claim_next, do_task, list_tasks
from wms_terminal.core.purchasing import (
    cancel_purchase_order,
    list_purchase_orders,
    show_purchase_order,
)
from wms_terminal.core.receiving import receive_purchase_order
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.service_locations import receiving_location


@pytest.fixture
def yard(db: Database) -> Yard:
    return build(db)


def _reorder(yard: Yard, n: int = 3) -> list[str]:
    return [
        r.number
        for r in yard.db.run(
            lambda s: check_reorder_points(
                s, warehouse_id=yard.wh, product_ids=[yard.product[n]], actor=SYSTEM
            )
        )
    ]


def _dock(yard: Yard) -> Location:
    with yard.db.transaction() as s:
        loc = receiving_location(s, yard.wh)
        s.expunge(loc)
        return loc


def test_partial_then_full_receipt_closes_the_order_and_lets_the_next_reorder_happen(
    yard: Yard,
):
    (po,) = _reorder(yard)  # product 3: 1 free, reorder point 2 -> 10 ordered
    assert _reorder(yard) == []  # open: no second reorder
    sue = yard.actors["sue"]

    part = receive_purchase_order(yard.db, sue, number=po, lines=[(yard.gtin(3), 4)])
    assert part.purchase_order.status == "partially_received"
    assert [(ln.qty, ln.qty_received) for ln in part.purchase_order.lines] == [(10, 4)]
    dock = _dock(yard)
    assert part.location == dock.code and dock.barcode == "L-MAIN-01-01-0L"
    assert _reorder(yard) == []  # still expecting 6

    full = receive_purchase_order(yard.db, sue, number=po, lines=[(yard.sku(3), 6)])
    assert full.purchase_order.status == "received"
    assert full.purchase_order.closed_at is not None
    assert yard.stock(dock, 3) == (10, 0)
    with yard.db.reading() as s:
        assert s.exec(select(PurchaseOrderLine.open_key)).all() == [None]
    with pytest.raises(ValidationError, match="received: nothing to receive"):
        receive_purchase_order(yard.db, sue, number=po, lines=[(yard.sku(3), 1)])
    # Not pickable yet, but in the warehouse: the units in receiving count for the reorder point.
    assert _reorder(yard) == []

    # The units go on: the face has room for them all (max 200). Once they are sold down to the
    # reorder point again, the product is reordered again.
    assert [t.kind for t in list_tasks(yard.db, warehouse_id=yard.wh)] == ["putaway", "putaway"]
    again = import_orders(yard.db, [f.order("BIG", [(yard.sku(3), 10)])], actor=SYSTEM)
    again = again.purchase_orders
    assert len(again) == 1 and again[0] != po
    assert {p.number: p.status for p in list_purchase_orders(yard.db)} == {
        po: "received",
        again[0]: "open",
    }
    ledger_matches_stock(yard.db)


def test_receive_everything_outstanding(yard: Yard):
    (po,) = _reorder(yard)
    receive_purchase_order(yard.db, yard.actors["ann"], number=po, lines=[(yard.sku(3), 3)])
    done = receive_purchase_order(yard.db, yard.actors["ann"], number=po.lower(), everything=True)
    assert done.received == ((yard.sku(3), 7),)
    assert done.purchase_order.status == "received"


def test_cancelled_order_clears_its_key_and_receives_nothing(yard: Yard):
    (po,) = _reorder(yard)
    with pytest.raises(PermissionDenied):
        cancel_purchase_order(yard.db, yard.actors["ann"], number=po, reason="supplier gone")
    with pytest.raises(ValidationError, match="reason"):
        cancel_purchase_order(yard.db, yard.actors["sue"], number=po, reason=" ")
    view = cancel_purchase_order(yard.db, yard.actors["sue"], number=po, reason="supplier gone")
    assert view.status == "cancelled" and view.closed_at is not None
    with pytest.raises(ValidationError, match="cancelled: nothing to receive"):
        receive_purchase_order(yard.db, yard.actors["sue"], number=po, everything=True)
    with pytest.raises(ValidationError, match="cancelled already"):
        cancel_purchase_order(yard.db, yard.actors["sue"], number=po, reason="again")
    (nxt,) = _reorder(yard)
    assert nxt != po
    # A part-received order can be cancelled too: what came stays, the rest is not expected.
    receive_purchase_order(yard.db, yard.actors["sue"], number=nxt, lines=[(yard.sku(3), 2)])
    assert cancel_purchase_order(yard.db, yard.actors["sue"], number=nxt, reason="late").status == (
        "cancelled"
    )
    assert yard.stock(_dock(yard), 3) == (2, 0)
    ledger_matches_stock(yard.db)


def test_bad_receipts_change_nothing(yard: Yard):
    (po,) = _reorder(yard)
    sue = yard.actors["sue"]
    with pytest.raises(ValidationError, match="SKU-00001 is not on"):
        receive_purchase_order(yard.db, sue, number=po, lines=[(yard.gtin(1), 1)])
    with pytest.raises(ValidationError, match="unknown item"):
        receive_purchase_order(yard.db, sue, number=po, lines=[("4006381333931", 1)])
    with pytest.raises(ValidationError, match="expects 10 more of SKU-00003, not 11"):
        receive_purchase_order(yard.db, sue, number=po, lines=[(yard.sku(3), 6), (yard.gtin(3), 5)])
    with pytest.raises(ValidationError, match="must be 1 to"):
        receive_purchase_order(yard.db, sue, number=po, lines=[(yard.sku(3), 0)])
    with pytest.raises(NotFound, match="PO-9999999"):
        receive_purchase_order(yard.db, sue, number="PO-9999999", everything=True)
    with pytest.raises(PermissionDenied):
        receive_purchase_order(
            yard.db, dataclasses.replace(sue, role="packer"), number=po, everything=True
        )
    assert show_purchase_order(yard.db, po).status == "open"
    assert show_purchase_order(yard.db, po).lines[0].qty_received == 0
    with yard.db.reading() as s:
        assert s.exec(select(MoveTask)).all() == []
    ledger_matches_stock(yard.db)


def test_receiving_stock_is_not_reserved_until_put_away_serves_the_back_orders(yard: Yard):
    # Product 3's face holds 1: the first order takes it, the others wait.
    soon = datetime(2031, 3, 1, tzinfo=UTC)
    base = f.order("X", [(yard.sku(3), 4)])
    imported = import_orders(
        yard.db,
        [
            dataclasses.replace(base, external_id="FIRST", lines=base.lines[:1]),
            dataclasses.replace(base, external_id="LATE", ship_by=soon.replace(month=6)),
            dataclasses.replace(base, external_id="EARLY", ship_by=soon),
            dataclasses.replace(base, external_id="VIP", flags=("VIP",)),
        ],
        actor=SYSTEM,
    )
    (po,) = imported.purchase_orders  # raised by the import: 3 + 4 + 4 + 4 owed
    got = receive_purchase_order(yard.db, yard.actors["sue"], number=po, lines=[(yard.sku(3), 9)])
    with yard.db.reading() as s:
        number = {o.external_id: o.number for o in s.exec(select(SalesOrder))}
        status = {o.external_id: o.status for o in s.exec(select(SalesOrder))}
    # Nothing is reserved in receiving: the units are not on a shelf a picker can reach. The
    # receipt names who waits, in the order the put-away will serve them: FIRST (4 wanted, 1
    # held) is oldest but has no promise: VIP, then the earliest ship-by.
    assert got.backorders_waiting == (
        number["VIP"],
        number["EARLY"],
        number["LATE"],
        number["FIRST"],
    )
    assert set(status.values()) == {"partially_reserved", "backordered"}
    dock = _dock(yard)
    assert yard.stock(dock, 3) == (9, 0)
    # A new order neither reserves the dock's units (it is back-ordered behind the others).
    later = import_orders(
        yard.db, [dataclasses.replace(base, external_id="NEW", lines=base.lines[:1])], actor=SYSTEM
    )
    assert later.purchase_orders == []  # its purchase order is still open (9 of 15 came)
    assert yard.stock(dock, 3) == (9, 0)

    # Put-away: the face (room for 199) takes everything; the reservations travel along.
    (task,) = got.putaway_task_ids
    claim = claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh, kind="putaway")
    assert claim is not None and claim.id == task and claim.qty == 9
    with pytest.raises(ValidationError, match="wrong location"):
        do_task(
            yard.db,
            yard.actors["ann"],
            task_id=task,
            from_location=dock.barcode,
            item=yard.gtin(3),
            qty=9,
            to_location=yard.empty_reserve.barcode,
        )
    done = do_task(
        yard.db,
        yard.actors["ann"],
        task_id=task,
        from_location=dock.barcode,
        item=yard.gtin(3),
        qty=9,
        to_location=yard.face[3].barcode,
    )
    # Pickable now: the waiting orders are served, most urgent first, in the same transaction.
    assert done.backorders_filled == (number["VIP"], number["EARLY"], number["LATE"])
    with yard.db.reading() as s:
        status = {o.external_id: o.status for o in s.exec(select(SalesOrder))}
    assert (status["VIP"], status["EARLY"], status["LATE"], status["NEW"]) == (
        "reserved",
        "reserved",
        "partially_reserved",
        "backordered",
    )
    assert yard.stock(dock, 3) == (0, 0)
    assert yard.stock(yard.face[3], 3) == (10, 10)
    with yard.db.reading() as s:
        where = {
            r.location_id
            for r in s.exec(select(Reservation).where(col(Reservation.status) == "active"))
        }
    assert where == {yard.face[3].id}
    ledger_matches_stock(yard.db)


def test_put_away_goes_to_reserve_when_the_face_is_full(yard: Yard):
    with yard.db.transaction() as s:
        face = s.get(Location, yard.face[3].id)
        assert face is not None
        face.max_qty = 5
        s.add(face)
    (po,) = _reorder(yard)
    got = receive_purchase_order(yard.db, yard.actors["sue"], number=po, everything=True)
    tasks = {t.id: (t.to_location, t.qty) for t in list_tasks(yard.db, kind="putaway")}
    assert sorted(tasks.values()) == sorted(
        [(yard.face[3].code, 4), (yard.reserve[3].code, 6)]  # the first empty reserve
    )
    assert set(tasks) == set(got.putaway_task_ids)
