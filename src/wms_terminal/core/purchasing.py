"""Purchase orders as people see them (list, show) and their cancellation.

A purchase order is open until everything on it has come (received) or it is cancelled; either
clears the open reorder key of its lines (`PurchaseOrderLine.open_key`), so the next time the
product reaches its reorder point a new purchase order is raised (core.reorder).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import (
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import PO_TRANSITIONS, PurchaseOrderStatus, transition


@dataclass(frozen=True)
class PurchaseLineView:
    sku: str
    name: str
    qty: int
    qty_received: int

    @property
    def outstanding(self) -> int:
        return max(0, self.qty - self.qty_received)


@dataclass(frozen=True)
class PurchaseOrderView:
    number: str
    warehouse: str
    supplier: str
    status: str
    reason: str
    created_at: datetime
    closed_at: datetime | None
    lines: tuple[PurchaseLineView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "warehouse": self.warehouse,
            "supplier": self.supplier,
            "status": self.status,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "lines": [
                {
                    "sku": ln.sku,
                    "name": ln.name,
                    "qty": ln.qty,
                    "qty_received": ln.qty_received,
                    "outstanding": ln.outstanding,
                }
                for ln in self.lines
            ],
        }


def list_purchase_orders(
    db: Database,
    *,
    warehouse: str | None = None,
    status: str | None = None,
    limit: int = 200,
) -> list[PurchaseOrderView]:
    """Newest first; `status` one of open, partially_received, received, cancelled or `live`."""
    known = (*PO_TRANSITIONS, "live")
    if status is not None and status not in known:
        raise ValidationError(f"unknown status {status!r}; one of {', '.join(known)}")
    with db.reading() as session:
        stmt = select(PurchaseOrder).order_by(col(PurchaseOrder.id).desc()).limit(limit)
        if warehouse is not None:
            wid = _warehouse_id(session, warehouse)
            stmt = stmt.where(col(PurchaseOrder.warehouse_id) == wid)
        if status == "live":
            stmt = stmt.where(col(PurchaseOrder.status).in_(PurchaseOrderStatus.LIVE))
        elif status is not None:
            stmt = stmt.where(col(PurchaseOrder.status) == status)
        return [view(session, po) for po in session.exec(stmt)]


def show_purchase_order(db: Database, number: str) -> PurchaseOrderView:
    with db.reading() as session:
        return view(session, find(session, number))


def cancel_purchase_order(
    db: Database, actor: Actor, *, number: str, reason: str
) -> PurchaseOrderView:
    """Nothing more is expected on it: closed, its reorder keys cleared, audited."""
    require(actor, "manage_purchasing")
    if not reason.strip():
        raise ValidationError("say why the purchase order is cancelled (a reason)")

    def fn(session: Session) -> PurchaseOrderView:
        po = find(session, number, lock=True)
        if po.status not in PurchaseOrderStatus.LIVE:
            raise ValidationError(f"{po.number} is {po.status.replace('_', ' ')} already")
        transition(po, PurchaseOrderStatus.CANCELLED, PO_TRANSITIONS)
        close(session, po)
        record(
            session,
            action="purchase_order_cancelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=po.warehouse_id,
            entity="purchase_order",
            entity_id=po.number,
            reason=reason.strip(),
        )
        session.flush()
        return view(session, po)

    return db.run(fn, what="cancel a purchase order")


def find(session: Session, number: str, *, lock: bool = False) -> PurchaseOrder:
    stmt = select(PurchaseOrder).where(col(PurchaseOrder.number) == number.strip().upper())
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    po = session.exec(stmt).first()
    if po is None:
        raise NotFound(f"no purchase order {number.strip()[:40]!r}")
    return po


def close(session: Session, po: PurchaseOrder) -> None:
    """A received or cancelled order: stamped, and its products may be reordered again."""
    po.closed_at = utcnow()
    session.add(po)
    for line in session.exec(
        select(PurchaseOrderLine).where(col(PurchaseOrderLine.purchase_order_id) == po.id)
    ):
        if line.open_key is not None:
            line.open_key = None
            session.add(line)


def view(session: Session, po: PurchaseOrder) -> PurchaseOrderView:
    rows = session.exec(
        select(PurchaseOrderLine, Product)
        .join(Product, col(Product.id) == col(PurchaseOrderLine.product_id))
        .where(col(PurchaseOrderLine.purchase_order_id) == po.id)
        .order_by(col(PurchaseOrderLine.id))
    ).all()
    wh = session.get(Warehouse, po.warehouse_id)
    supplier = session.get(Supplier, po.supplier_id) if po.supplier_id else None
    return PurchaseOrderView(
        po.number,
        wh.code if wh else "?",
        supplier.name if supplier else "",
        po.status,
        po.reason,
        po.created_at,
        po.closed_at,
        tuple(PurchaseLineView(p.sku, p.name, ln.qty, ln.qty_received) for ln, p in rows),
    )


def _warehouse_id(session: Session, code: str) -> int:
    wid = session.exec(select(Warehouse.id).where(col(Warehouse.code) == code.upper())).first()
    if wid is None:
        raise NotFound(f"no warehouse {code!r}")
    return int(wid)
