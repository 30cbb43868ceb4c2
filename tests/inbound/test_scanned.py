"""Receiving and put-away by the handheld flows leave every scan that moved stock recorded:
`check` is clean, and a scan sent again is applied once and answers what it did then."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.core.stockyard import Yard, build
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.inbound.move_flow import MoveFlow, MoveStep
from wms_terminal.inbound.receive_flow import ReceiveFlow
from wms_terminal.inbound.scanned import move_scan, receive_scan
from wms_terminal.scanning import Scan, Source


@pytest.fixture
def yard(db: Database) -> Yard:
    return build(db)


def _ledger(yard: Yard, scan_id: str) -> tuple[int, int]:
    with yard.db.reading() as s:
        n, units = s.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(on_hand_delta), 0) FROM stock_ledger "
                "WHERE scan_id = :s"
            ),
            {"s": scan_id},
        ).one()
    return int(n), int(units)


def _check(db_url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["check", "--database", db_url, "--json"])
    got = json.loads(capsys.readouterr().out)
    assert code == (0 if got["ok"] else 1)
    return dict(got)


def test_received_and_put_away_by_scan_check_is_clean_and_a_replay_is_applied_once(
    yard: Yard, db_url: str, capsys: pytest.CaptureFixture[str]
):
    (po,) = yard.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=yard.wh, product_ids=[yard.product[3]], actor=SYSTEM
        )
    )
    ann = yard.actors["ann"]
    rf = ReceiveFlow(yard.db, ann)
    rf.scan(po.number)
    rf.scan(yard.gtin(3))
    qty = Scan("10", Source.KEYBOARD)
    received = rf.scan(qty)
    assert received.ok and received.receipt is not None, received.message
    assert _ledger(yard, qty.id) == (1, 10)

    flow = MoveFlow(yard.db, yard.actors["bob"], warehouse_id=yard.wh, kind="putaway")
    task = flow.start().task
    assert task is not None
    flow.scan(task.from_barcode or "")
    flow.scan(yard.gtin(3))
    flow.scan(str(task.qty))
    to = Scan(task.to_barcode, Source.KEYBOARD)
    moved = flow.scan(to)
    assert moved.ok and f"Moved {task.qty} x SKU-00003" in moved.message
    assert _ledger(yard, to.id) == (2, 0)  # off the dock, onto the shelf
    assert _check(db_url, capsys) == {"ok": True, "problems": []}

    # Each scan sent again (the terminal lost the answer): the stored outcome, nothing more.
    again = receive_scan(
        yard.db, ann, scan_id=qty.id, raw="10", number=po.number, item=yard.gtin(3), qty=10
    )
    assert again.result.accepted and again.result.replayed and again.receipt is None
    assert received.message.startswith(again.result.message)
    bob = yard.actors["bob"]
    back = move_scan(
        yard.db,
        bob,
        scan_id=to.id,
        raw=to.text,
        task_id=task.id,
        from_location=task.from_barcode or "",
        item=yard.gtin(3),
        qty=task.qty,
        to_location=task.to_barcode,
    )
    assert back.result.accepted and back.result.replayed and back.done is None
    assert back.result.message in moved.message
    assert _ledger(yard, qty.id) == (1, 10) and _ledger(yard, to.id) == (2, 0)
    assert _check(db_url, capsys)["ok"] is True


def test_a_refused_put_away_scan_is_stored_as_a_refusal_and_moves_nothing(yard: Yard):
    (po,) = yard.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=yard.wh, product_ids=[yard.product[3]], actor=SYSTEM
        )
    )
    rf = ReceiveFlow(yard.db, yard.actors["ann"])
    for raw in (po.number, yard.gtin(3), "10"):
        assert rf.scan(raw).ok
    flow = MoveFlow(yard.db, yard.actors["bob"], warehouse_id=yard.wh, kind="putaway")
    task = flow.start().task
    assert task is not None
    # Another worker sends the destination scan of bob's task: refused, and stored so.
    args = dict(
        task_id=task.id,
        from_location=task.from_barcode or "",
        item=yard.gtin(3),
        qty=task.qty,
        to_location=task.to_barcode,
    )
    refused = move_scan(yard.db, yard.actors["ann"], scan_id="x-1", raw="x", **args)
    assert not refused.result.accepted and "not claimed by you" in refused.result.message
    assert _ledger(yard, "x-1") == (0, 0)
    assert flow.view().step is MoveStep.FROM
