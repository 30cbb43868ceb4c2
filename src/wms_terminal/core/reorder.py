"""Reorder points: when a product's free stock in a warehouse falls to its reorder point, raise a
purchase order for its reorder quantity and tell the warehouse manager (notification outbox)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.inventory import available_by_product
from wms_terminal.core.models import (
    Notification,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from wms_terminal.core.sequences import next_number


@dataclass(frozen=True)
class RaisedOrder:
    number: str
    warehouse_id: int
    product_id: int
    sku: str
    qty: int
    available: int


def open_key(warehouse_id: int, product_id: int) -> str:
    return f"{warehouse_id}:{product_id}"


def check_reorder_points(
    session: Session, *, warehouse_id: int, product_ids: Iterable[int], actor: Actor
) -> list[RaisedOrder]:
    """Raise purchase orders for the products at or below their reorder point, once each."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    products = session.exec(
        select(Product).where(Product.id.in_(ids), Product.reorder_qty > 0)  # type: ignore[union-attr]
    ).all()
    if not products:
        return []
    available = available_by_product(session, warehouse_id, [p.id for p in products if p.id])
    open_keys = set(
        session.exec(
            select(PurchaseOrderLine.open_key).where(
                PurchaseOrderLine.open_key.in_(  # type: ignore[union-attr]
                    [open_key(warehouse_id, p.id) for p in products if p.id]
                )
            )
        ).all()
    )
    raised: list[RaisedOrder] = []
    for product in products:
        assert product.id is not None
        free = available.get(product.id, 0)
        key = open_key(warehouse_id, product.id)
        if free > product.reorder_point or key in open_keys:
            continue
        order = _raise(session, warehouse_id=warehouse_id, product=product, free=free, actor=actor)
        if order is not None:
            raised.append(order)
    return raised


def _raise(
    session: Session, *, warehouse_id: int, product: Product, free: int, actor: Actor
) -> RaisedOrder | None:
    assert product.id is not None
    number = f"PO-{next_number(session, 'purchase_order'):07d}"
    try:
        # A savepoint: if another terminal raised the same reorder a moment ago, the unique
        # open_key refuses ours and only this part is rolled back.
        with session.begin_nested():
            po = PurchaseOrder(
                number=number,
                warehouse_id=warehouse_id,
                supplier_id=product.supplier_id,
                reason=f"reorder point {product.reorder_point} reached ({free} free)",
            )
            session.add(po)
            session.flush()
            assert po.id is not None
            session.add(
                PurchaseOrderLine(
                    purchase_order_id=po.id,
                    warehouse_id=warehouse_id,
                    product_id=product.id,
                    qty=product.reorder_qty,
                    unit_cost=product.cost,
                    open_key=open_key(warehouse_id, product.id),
                )
            )
            session.flush()
    except IntegrityError:
        return None
    supplier = session.get(Supplier, product.supplier_id) if product.supplier_id else None
    session.add(
        Notification(
            warehouse_id=warehouse_id,
            recipient_role="manager",
            kind="purchase_order",
            subject=f"{number}: reorder {product.reorder_qty} x {product.sku}",
            body=(
                f"{product.sku} {product.name}: {free} free, "
                f"reorder point {product.reorder_point}. "
                f"Raised {number} for {product.reorder_qty} units"
                + (f" from {supplier.name}." if supplier else " (no preferred supplier set).")
            ),
        )
    )
    record(
        session,
        action="purchase_order_raised",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=warehouse_id,
        entity="purchase_order",
        entity_id=number,
        sku=product.sku,
        qty=product.reorder_qty,
        free=free,
    )
    return RaisedOrder(number, warehouse_id, product.id, product.sku, product.reorder_qty, free)
