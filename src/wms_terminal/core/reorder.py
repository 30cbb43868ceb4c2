"""Reorder points: when a product's free stock in a warehouse falls to its reorder point, raise a
purchase order for its reorder quantity and tell the warehouse manager (notification outbox).

The reorder point is the one the demand forecast set for the product in that warehouse
(`demand_forecast`, written by `wms-terminal forecast run`), else the product's own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import (
    Notification,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
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


# Per product with a reorder quantity, in one statement (one round trip per warehouse): free
# units in the warehouse (blocked locations not counted; receiving counted: those units are on
# their way to the shelves, no new order for them), units back-ordered on the warehouse's live
# orders, the forecast's reorder point, and whether an open purchase order line exists.
_LEVELS = text(
    "SELECT p.id, "
    "(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM stock s "
    " JOIN location l ON l.id = s.location_id "
    " WHERE s.warehouse_id = :w AND s.product_id = p.id AND NOT l.blocked) AS free, "
    "(SELECT COALESCE(SUM(ol.qty_backordered), 0) FROM order_line ol "
    " JOIN sales_order so ON so.id = ol.order_id "
    " WHERE ol.warehouse_id = :w AND ol.product_id = p.id AND ol.qty_backordered > 0 "
    " AND so.status NOT IN ('cancelled', 'shipped', 'returned')) AS owed, "
    "(SELECT f.reorder_point FROM demand_forecast f "
    " WHERE f.warehouse_id = :w AND f.product_id = p.id) AS forecast_point, "
    "p.reorder_point, "
    "EXISTS (SELECT 1 FROM purchase_order_line pol "
    " WHERE pol.open_key = :key || CAST(p.id AS VARCHAR)) AS is_open "
    "FROM product p WHERE p.id IN :ids AND p.reorder_qty > 0 ORDER BY p.id"
).bindparams(bindparam("ids", expanding=True))


def check_reorder_points(
    session: Session, *, warehouse_id: int, product_ids: Iterable[int], actor: Actor
) -> list[RaisedOrder]:
    """Raise purchase orders for the products at or below their reorder point, once each."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    levels = session.execute(
        _LEVELS, {"w": warehouse_id, "key": open_key(warehouse_id, 0)[:-1], "ids": ids}
    ).all()
    raised: list[RaisedOrder] = []
    for pid, free, owed, forecast_point, own_point, is_open in levels:
        free, owed = int(free or 0), int(owed or 0)
        point = int(forecast_point) if forecast_point is not None else int(own_point)
        # Back-ordered units are already promised: they count against what is free.
        if free - owed > point or is_open:
            continue
        product = session.get(Product, int(pid))
        assert product is not None
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
