"""Reorder points: when a product's free stock in a warehouse falls to its reorder point, raise a
purchase order for its reorder quantity and tell the warehouse manager (notification outbox).

The reorder point is the one the demand forecast set for the product in that warehouse
(`demand_forecast`, written by `wms-terminal forecast run`), else the product's own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.inventory import available_by_product
from wms_terminal.core.models import (
    DemandForecast,
    Notification,
    OrderLine,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    Supplier,
    Warehouse,
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
        select(Product).where(col(Product.id).in_(ids), col(Product.reorder_qty) > 0)
    ).all()
    if not products:
        return []
    available = available_by_product(
        session, warehouse_id, [p.id for p in products if p.id], pickable_only=False
    )  # units in receiving are on their way to the shelves: no new order for them
    open_keys = set(
        session.exec(
            select(PurchaseOrderLine.open_key).where(
                PurchaseOrderLine.open_key.in_(  # type: ignore[union-attr]
                    [open_key(warehouse_id, p.id) for p in products if p.id]
                )
            )
        ).all()
    )
    waiting = backordered_by_product(session, warehouse_id, [p.id for p in products if p.id])
    points = reorder_points(session, warehouse_id, [p.id for p in products if p.id])
    raised: list[RaisedOrder] = []
    for product in products:
        assert product.id is not None
        free = available.get(product.id, 0)
        owed = waiting.get(product.id, 0)
        point = points.get(product.id, product.reorder_point)
        key = open_key(warehouse_id, product.id)
        # Back-ordered units are already promised: they count against what is free.
        if free - owed > point or key in open_keys:
            continue
        order = _raise(
            session,
            warehouse_id=warehouse_id,
            product=product,
            point=point,
            free=free,
            owed=owed,
            actor=actor,
        )
        if order is not None:
            raised.append(order)
    return raised


def reorder_points(session: Session, warehouse_id: int, product_ids: list[int]) -> dict[int, int]:
    """The forecast's reorder points in this warehouse (products without one are left out)."""
    if not product_ids:
        return {}
    stmt = select(DemandForecast.product_id, DemandForecast.reorder_point).where(
        col(DemandForecast.warehouse_id) == warehouse_id,
        col(DemandForecast.product_id).in_(product_ids),
    )
    return {pid: int(point) for pid, point in session.exec(stmt)}


def backordered_by_product(
    session: Session, warehouse_id: int, product_ids: list[int]
) -> dict[int, int]:
    """Units back-ordered per product on this warehouse's live orders."""
    if not product_ids:
        return {}
    stmt = (
        select(col(OrderLine.product_id), func.sum(col(OrderLine.qty_backordered)))
        .join(SalesOrder, col(SalesOrder.id) == col(OrderLine.order_id))
        .where(col(OrderLine.warehouse_id) == warehouse_id)
        .where(col(OrderLine.product_id).in_(product_ids))
        .where(col(OrderLine.qty_backordered) > 0)
        .where(col(SalesOrder.status).not_in(("cancelled", "shipped", "returned")))
        .group_by(col(OrderLine.product_id))
    )
    return {pid: int(n or 0) for pid, n in session.exec(stmt)}


def _raise(
    session: Session,
    *,
    warehouse_id: int,
    product: Product,
    point: int,
    free: int,
    owed: int,
    actor: Actor,
) -> RaisedOrder | None:
    assert product.id is not None
    # Enough to cover what is owed to customers and get back above the reorder point.
    qty = product.reorder_qty + max(0, owed - free)
    try:
        # A savepoint: if another terminal raised the same reorder a moment ago, the unique
        # open_key refuses ours and only this part is rolled back.
        with session.begin_nested():
            # Numbered inside the savepoint: a refused duplicate leaves no gap in the numbers.
            number = f"PO-{next_number(session, 'purchase_order'):07d}"
            po = PurchaseOrder(
                number=number,
                warehouse_id=warehouse_id,
                supplier_id=product.supplier_id,
                reason=f"reorder point {point} reached ({free} free)",
            )
            session.add(po)
            session.flush()
            assert po.id is not None
            session.add(
                PurchaseOrderLine(
                    purchase_order_id=po.id,
                    warehouse_id=warehouse_id,
                    product_id=product.id,
                    qty=qty,
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
            subject=f"{number}: reorder {qty} x {product.sku}",
            body=(
                f"{product.sku} {product.name}: {free} free, "
                f"reorder point {point}. "
                f"{owed} back-ordered. Raised {number} for {qty} units"
                + (f" from {supplier.name}." if supplier else " (no preferred supplier set).")
            ),
            language=_language(session, warehouse_id),
            data={
                "number": number,
                "sku": product.sku,
                "product": product.name,
                "qty": qty,
                "free": free,
                "reorder_point": product.reorder_point,
                "owed": owed,
                "supplier": supplier.name if supplier else "",
            },
        )
    )
    events.emit(
        session,
        events.STOCK_LOW,
        warehouse_id=warehouse_id,
        sku=product.sku,
        available=free,
        backordered=owed,
        reorder_point=product.reorder_point,
        purchase_order=number,
        reorder_qty=qty,
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
        qty=qty,
        free=free,
    )
    return RaisedOrder(number, warehouse_id, product.id, product.sku, qty, free)


def _language(session: Session, warehouse_id: int) -> str:
    wh = session.get(Warehouse, warehouse_id)
    return wh.language if wh is not None else ""
