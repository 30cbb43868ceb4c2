"""An order as its channel asks after it: number, status, warehouse and progress per line."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import OrderLine, Product, SalesOrder, Warehouse


@dataclass(frozen=True)
class LineStatus:
    sku: str
    qty: int
    reserved: int
    backordered: int
    picked: int
    packed: int
    shipped: int


@dataclass(frozen=True)
class OrderStatusView:
    number: str
    status: str
    channel: str
    external_id: str
    warehouse: str | None
    currency: str
    total: str
    lines: tuple[LineStatus, ...]


def order_status(db: Database, actor: Actor, number: str) -> OrderStatusView:
    require(actor, "read_orders")
    with db.reading() as s:
        order = s.exec(select(SalesOrder).where(col(SalesOrder.number) == number.strip())).first()
        if order is None or order.id is None:
            raise NotFound(f"no order {number.strip()}")
        code = (
            s.exec(select(Warehouse.code).where(Warehouse.id == order.warehouse_id)).first()
            if order.warehouse_id is not None
            else None
        )
        rows = s.exec(
            select(OrderLine, Product.sku)
            .join(Product, col(Product.id) == col(OrderLine.product_id))
            .where(col(OrderLine.order_id) == order.id)
            .order_by(col(OrderLine.line_no))
        ).all()
        lines = tuple(
            LineStatus(
                sku,
                ln.qty,
                ln.qty_reserved,
                ln.qty_backordered,
                ln.qty_picked,
                ln.qty_packed,
                ln.qty_shipped,
            )
            for ln, sku in rows
        )
        return OrderStatusView(
            order.number,
            order.status,
            order.channel,
            order.external_id,
            code,
            order.currency,
            str(order.total),
            lines,
        )


def find_by_channel(session: Session, channel: str, external_id: str) -> tuple[str, str] | None:
    """(number, status) of the order a channel knows by `external_id`, if there is one."""
    row = session.exec(
        select(SalesOrder.number, SalesOrder.status).where(
            col(SalesOrder.channel) == channel, col(SalesOrder.external_id) == external_id
        )
    ).first()
    return (row[0], row[1]) if row else None


def current_status(db: Database, number: str) -> str | None:
    """Just the status of order `number` (None: no such order)."""
    with db.reading() as s:
        return s.exec(
            select(SalesOrder.status).where(col(SalesOrder.number) == number.strip())
        ).first()
