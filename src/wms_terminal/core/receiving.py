"""Receiving purchase orders into the warehouse's receiving location, in full or in part.

One receipt is one transaction: the units go into the receiving location with their ledger
lines, the purchase order moves open -> partially_received -> received (a fully received order
clears its reorder keys), and put-away tasks are raised for the way to the shelves. Stock in
receiving is not pickable: nothing is reserved there. The receipt names the back-orders waiting
for its products; the put-away that makes the units pickable serves them
(`move_tasks.do_task` -> `backorders.rereserve`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from wms_terminal.core import stock_in_out
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import order_numbers, waiting_orders
from wms_terminal.core.catalog import product_for_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import (
    MoveKind,
    Product,
    PurchaseOrderLine,
)
from wms_terminal.core.purchasing import (
    PurchaseLineView,
    PurchaseOrderView,
    close,
    find,
    view,
)
from wms_terminal.core.service_locations import receiving_location
from wms_terminal.core.states import PO_TRANSITIONS, PurchaseOrderStatus, transition
from wms_terminal.core.task_sources import raise_putaways

MAX_UNITS = 1_000_000  # one receipt line; more is a typo


@dataclass(frozen=True)
class Receipt:
    purchase_order: PurchaseOrderView
    location: str
    received: tuple[tuple[str, int], ...]  # (sku, units)
    backorders_waiting: tuple[str, ...]  # served when put away: order numbers, most urgent first
    putaway_task_ids: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "purchase_order": self.purchase_order.to_json(),
            "location": self.location,
            "received": [{"sku": s, "qty": q} for s, q in self.received],
            "backorders_waiting": list(self.backorders_waiting),
            "putaway_tasks": list(self.putaway_task_ids),
        }


def line_for_item(db: Database, number: str, item: str) -> PurchaseLineView:
    """The line of purchase order `number` that a scanned or typed item code names (a flow asks
    before the quantity; the receipt checks again)."""
    with db.reading() as session:
        po = find(session, number)
        on_po = session.exec(
            select(PurchaseOrderLine.product_id).where(
                col(PurchaseOrderLine.purchase_order_id) == po.id
            )
        ).all()
        pid = _product(session, item, set(on_po))
        for ln in view(session, po).lines:
            if ln.sku == _sku(session, pid):
                return ln
        raise ValidationError(f"{_sku(session, pid)} is not on {po.number}")


def receive_purchase_order(
    db: Database,
    actor: Actor,
    *,
    number: str,
    lines: Sequence[tuple[str, int]] = (),
    everything: bool = False,
) -> Receipt:
    """Receive `lines` ((item code or SKU, units) pairs) of purchase order `number`, or with
    `everything` all that is still outstanding. Any bad line refuses the whole receipt."""
    return db.run(
        lambda s: receive_in(s, actor, number=number, lines=lines, everything=everything),
        what="receive a purchase order",
    )


def receive_in(
    session: Session,
    actor: Actor,
    *,
    number: str,
    lines: Sequence[tuple[str, int]] = (),
    everything: bool = False,
    scan_id: str | None = None,
) -> Receipt:
    """`receive_purchase_order` in the caller's transaction; `scan_id` names the ledger lines
    (the caller stores the scan's outcome in the same transaction: `inbound.scanned`)."""
    require(actor, "receive")
    if not lines and not everything:
        raise ValidationError("say what arrived: item and quantity, or everything")
    for code, qty in lines:
        if not isinstance(qty, int) or not 1 <= qty <= MAX_UNITS:
            raise ValidationError(f"quantity of {code.strip()[:40]!r} must be 1 to {MAX_UNITS}")
    po = find(session, number, lock=True)
    if po.status not in PurchaseOrderStatus.LIVE:
        raise ValidationError(f"{po.number} is {po.status.replace('_', ' ')}: nothing to receive")
    po_lines = list(
        session.exec(
            select(PurchaseOrderLine)
            .where(col(PurchaseOrderLine.purchase_order_id) == po.id)
            .order_by(col(PurchaseOrderLine.id))
        )
    )
    by_product = {ln.product_id: ln for ln in po_lines}
    want: dict[int, int] = defaultdict(int)
    if everything:
        for ln in po_lines:
            if ln.qty > ln.qty_received:
                want[ln.product_id] += ln.qty - ln.qty_received
    for code, qty in lines:
        pid = _product(session, code, set(by_product))
        if pid not in by_product:
            raise ValidationError(f"{_sku(session, pid)} is not on {po.number}")
        want[pid] += qty
    for pid, qty in want.items():
        ln = by_product[pid]
        if qty > ln.qty - ln.qty_received:
            raise ValidationError(
                f"{po.number} expects {ln.qty - ln.qty_received} more of {_sku(session, pid)}, "
                f"not {qty}"
            )
    dock = receiving_location(session, po.warehouse_id)
    assert dock.id is not None
    received: list[tuple[str, int]] = []
    for pid, qty in sorted(want.items()):
        stock_in_out.receive(
            session,
            location_id=dock.id,
            product_id=pid,
            qty=qty,
            actor=actor,
            scan_id=scan_id,
            reason=po.number,
            kind=MoveKind.RECEIPT,
        )
        ln = by_product[pid]
        ln.qty_received += qty
        if ln.qty_received >= ln.qty:
            ln.open_key = None  # this product may be reordered again
        session.add(ln)
        received.append((_sku(session, pid), qty))
    complete = all(ln.qty_received >= ln.qty for ln in po_lines)
    new = PurchaseOrderStatus.RECEIVED if complete else PurchaseOrderStatus.PARTIALLY_RECEIVED
    transition(po, new, PO_TRANSITIONS)
    if complete:
        close(session, po)
    session.add(po)
    session.flush()
    waiting = waiting_orders(session, warehouse_id=po.warehouse_id, product_ids=want)
    tasks = raise_putaways(session, receiving_location_id=dock.id, product_ids=want)
    numbers = order_numbers(session, waiting)
    record(
        session,
        action="purchase_order_received",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=po.warehouse_id,
        entity="purchase_order",
        entity_id=po.number,
        received=[{"sku": s, "qty": q} for s, q in received],
        status=po.status,
        backorders_waiting=numbers,
    )
    return Receipt(
        view(session, po),
        dock.code,
        tuple(received),
        tuple(numbers),
        tuple(t.id for t in tasks if t.id is not None),
    )


def _product(session: Session, code: str, on_po: set[int]) -> int:
    """The product an item code names (`catalog.product_for_code`); of two that an ambiguous
    8-digit code may name, the one on the purchase order."""
    found = [m.product_id for m in product_for_code(session, code)]
    if not found:
        raise ValidationError(f"unknown item {code.strip()[:40]!r}")
    return next((pid for pid in found if pid in on_po), found[0])


def _sku(session: Session, product_id: int) -> str:
    p = session.get(Product, product_id)
    return p.sku if p else str(product_id)
