"""The receiving and move-task flows driven by scans, as a handheld would drive them."""

from __future__ import annotations

import pytest

from tests.core.stockyard import Yard, build, ledger_matches_stock
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.purchasing import show_purchase_order
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.task_sources import replenish_if_low
from wms_terminal.inbound.move_flow import MoveFlow, MoveStep
from wms_terminal.inbound.receive_flow import ReceiveFlow, ReceiveStep
from wms_terminal.inbound.scanned import receive_scan
from wms_terminal.scanning import Scan, Source


@pytest.fixture
def yard(db: Database) -> Yard:
    return build(db)


def _po(yard: Yard) -> str:
    (po,) = yard.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=yard.wh, product_ids=[yard.product[3]], actor=SYSTEM
        )
    )
    return po.number


def test_receive_a_purchase_order_by_scan_in_two_deliveries(yard: Yard):
    number = _po(yard)
    flow = ReceiveFlow(yard.db, yard.actors["ann"])
    assert flow.view().step is ReceiveStep.PO
    assert not flow.scan("SO-0000001").ok  # an order label is not a purchase order
    assert not flow.scan("PO-9999999").ok
    v = flow.scan(number.lower())  # Caps Lock on: still the same label
    assert v.ok and v.step is ReceiveStep.ITEM and "10 to come" in v.message

    wrong = flow.scan(yard.gtin(1))
    assert not wrong.ok and "SKU-00001 is not on" in wrong.message
    assert not flow.scan(yard.face[3].barcode).ok  # a location is not an item
    v = flow.scan(Scan(yard.gtin(3), Source.KEYBOARD, symbology="]E0"))
    assert v.ok and v.step is ReceiveStep.QTY and "10 to come" in v.prompt
    assert not flow.scan("11").ok  # more than is expected
    assert flow.scan("CMD-CANCEL").step is ReceiveStep.ITEM
    flow.scan(yard.gtin(3))
    qty = Scan("4", Source.KEYBOARD)
    v = flow.scan(qty)
    assert v.ok and v.step is ReceiveStep.ITEM and v.receipt is not None
    # The same scan sent again (a terminal that lost the answer) receives nothing more.
    again = receive_scan(
        yard.db,
        yard.actors["ann"],
        scan_id=qty.id,
        raw="4",
        number=number,
        item=yard.gtin(3),
        qty=4,
    )
    assert again.result.replayed and again.receipt is None and again.result.message == v.message
    assert v.purchase_order is not None and v.purchase_order.status == "partially_received"
    v = flow.scan("CMD-DONE")
    assert v.step is ReceiveStep.PO

    # The rest comes the next day: the GS1-128 case label of the same product works too.
    flow.scan(number)
    v = flow.scan(f"01{('0' + yard.gtin(3))}")
    assert v.ok and v.step is ReceiveStep.QTY, v.message
    v = flow.scan("6")
    assert v.ok and v.step is ReceiveStep.PO and "complete" in v.message
    assert show_purchase_order(yard.db, number).status == "received"
    assert not flow.scan(number).ok  # nothing more to receive
    ledger_matches_stock(yard.db)


def test_move_flow_walks_tasks_urgent_first_and_refuses_wrong_scans(yard: Yard):
    number = _po(yard)
    rf = ReceiveFlow(yard.db, yard.actors["sue"])
    rf.scan(number)
    rf.scan(yard.sku(3))  # keyed in: the SKU works as well
    assert rf.scan("10").ok
    yard.db.run(
        lambda s: replenish_if_low(s, location_id=yard.face[1].id, product_id=yard.product[1])
    )

    flow = MoveFlow(yard.db, yard.actors["bob"], warehouse_id=yard.wh, kind="putaway")
    assert not flow.scan(yard.face[1].barcode).ok  # nothing claimed yet
    v = flow.start()
    assert v.step is MoveStep.FROM and v.task is not None and v.task.kind == "putaway"
    task = v.task
    assert not flow.scan(yard.reserve[1].barcode).ok
    assert flow.scan("L-MAIN-01-01-0L").step is MoveStep.ITEM
    bad = flow.scan(yard.gtin(1))
    assert not bad.ok and "this task moves SKU-00003" in bad.message
    assert flow.scan(yard.gtin(3)).step is MoveStep.QTY
    assert not flow.scan("0").ok and not flow.scan(str(task.qty + 1)).ok
    assert flow.scan(str(task.qty)).step is MoveStep.TO
    wrong = flow.scan(yard.empty_reserve.barcode)
    assert not wrong.ok and task.to_location in wrong.message
    assert yard.stock(yard.face[3], 3) == (1, 0)  # nothing moved yet
    v = flow.scan(task.to_barcode)
    assert v.ok and f"Moved {task.qty} x SKU-00003" in v.message
    assert yard.stock(yard.face[3], 3) == (1 + task.qty, 0)
    # Only put-away asked: the replenishment is not this flow's; no task left.
    assert v.step is MoveStep.IDLE and v.task is None

    anyone = MoveFlow(yard.db, yard.actors["ann"], warehouse_id=yard.wh)
    v = anyone.start()
    assert v.task is not None and v.task.kind == "replenish"
    assert anyone.scan("CMD-CANCEL").step is MoveStep.IDLE  # given back
    assert anyone.start().task is not None
    ledger_matches_stock(yard.db)
