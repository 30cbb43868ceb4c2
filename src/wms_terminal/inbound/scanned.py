"""Receiving and put-away scans that move stock, applied once per scan id.

The last scan of a receipt (its quantity) and of a move task (its destination) moves stock
under the scan's id. Its outcome is stored under that id in the same transaction, as every
pick scan's is (`picking.scans.run_scan`): the same scan sent again (a terminal that lost the
answer) gets the stored outcome back and moves nothing more, and `check` finds every ledger
line's scan recorded. A refused scan is stored as a refusal and changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.move_tasks import MoveDone, do_task_in
from wms_terminal.core.receiving import Receipt, receive_in
from wms_terminal.picking.scans import Outcome, run_scan
from wms_terminal.picking.views import ScanResult


@dataclass(frozen=True)
class Received:
    """A receipt scan's outcome; `receipt` is None when it is a stored one (sent again)."""

    result: ScanResult
    receipt: Receipt | None


@dataclass(frozen=True)
class Moved:
    """A move-task scan's outcome; `done` is None when it is a stored one (sent again)."""

    result: ScanResult
    done: MoveDone | None


def receive_scan(
    db: Database, actor: Actor, *, scan_id: str, raw: str, number: str, item: str, qty: int
) -> Received:
    """`qty` units of `item` arrived on purchase order `number` (one receipt)."""
    got: list[Receipt] = []

    def body(session: Session) -> Outcome:
        receipt = receive_in(session, actor, number=number, lines=[(item, qty)], scan_id=scan_id)
        got.append(receipt)
        po = receipt.purchase_order
        message = f"Received {qty} x {receipt.received[0][0]} into {receipt.location}"
        if receipt.backorders_waiting:
            message += f"; {len(receipt.backorders_waiting)} back-order(s) wait: put away"
        data = {"purchase_order": po.number, "status": po.status, "qty": qty}
        wh = session.execute(
            text("SELECT warehouse_id FROM purchase_order WHERE number = :n"), {"n": po.number}
        ).scalar_one()
        return Outcome("received", message, data, int(wh))

    result = run_scan(db, actor, scan_id=scan_id, action="receive", raw=raw, body=body)
    return Received(result, got[0] if got and not result.replayed else None)


def move_scan(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    raw: str,
    task_id: int,
    from_location: str,
    item: str,
    qty: int,
    to_location: str,
) -> Moved:
    """The destination scan of a claimed move task: the units move (`core.move_tasks`)."""
    got: list[MoveDone] = []

    def body(session: Session) -> Outcome:
        done = do_task_in(
            session,
            actor,
            task_id=task_id,
            from_location=from_location,
            item=item,
            qty=qty,
            to_location=to_location,
            scan_id=scan_id,
        )
        got.append(done)
        t = done.task
        message = f"Moved {t.qty_moved} x {t.sku} to {t.to_location}."
        if done.backorders_filled:
            message += f" {len(done.backorders_filled)} back-order(s) filled."
        data = {"task": task_id, "qty": t.qty_moved, "filled": list(done.backorders_filled)}
        return Outcome("moved", message, data, t.warehouse_id)

    result = run_scan(
        db, actor, scan_id=scan_id, action="move_task", raw=raw, body=body, task_id=task_id
    )
    return Moved(result, got[0] if got and not result.replayed else None)
