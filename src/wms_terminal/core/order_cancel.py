"""Cancelling a sales order: its reservations go back to free stock, and the back-orders waiting
for those products take them, in the same transaction (`backorders.rereserve`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_terminal.core import events, inventory
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import order_numbers, rereserve
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import OrderLine, Reservation, ReservationStatus, SalesOrder
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, transition

# Orders on a released wave have pick tasks: the wave is cancelled first (it puts them back to
# reserved), then the order.
_ON_A_WAVE = (OrderStatus.RELEASED, OrderStatus.PICKING)


@dataclass(frozen=True)
class CancelledOrder:
    number: str
    status_before: str
    units_released: int
    # Orders that took the freed stock (their numbers, in the order they were served).
    refilled: tuple[str, ...]


def cancel_order(db: Database, actor: Actor, *, number: str, reason: str) -> CancelledOrder:
    """Cancel order `number` (one transaction): release, re-reserve back-orders, audit."""
    require(actor, "cancel_order")
    reason = reason.strip()
    if not reason:
        raise ValidationError("say why the order is cancelled (a reason)")
    return db.run(
        lambda s: cancel_in(s, actor, number=number.strip(), reason=reason),
        what="cancel an order",
    )


def cancel_in(session: Session, actor: Actor, *, number: str, reason: str) -> CancelledOrder:
    order = session.exec(
        select(SalesOrder)
        .where(col(SalesOrder.number) == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if order is None or order.id is None:
        raise NotFound(f"no order {number}")
    before = order.status
    if before in _ON_A_WAVE:
        raise InvalidTransition(f"{number} is on a released wave: cancel its wave first")
    if OrderStatus.CANCELLED not in ORDER_TRANSITIONS.get(before, frozenset()):
        raise InvalidTransition(f"{number} is {before.replace('_', ' ')}: it cannot be cancelled")
    held = session.exec(
        select(Reservation)
        .where(col(Reservation.order_id) == order.id)
        .where(col(Reservation.status) == ReservationStatus.ACTIVE)
        .where(col(Reservation.qty) > 0)
        .order_by(col(Reservation.stock_id))
    ).all()
    released = 0
    freed: dict[int, set[int]] = {}
    for res in held:
        assert res.id is not None
        released += inventory.unreserve(
            session, reservation_id=res.id, actor=actor, reason=f"order cancelled: {reason}"
        )
        freed.setdefault(res.warehouse_id, set()).add(res.product_id)
    for line in session.exec(select(OrderLine).where(col(OrderLine.order_id) == order.id)):
        line.qty_reserved = 0
        line.qty_backordered = 0
        session.add(line)
    transition(order, OrderStatus.CANCELLED, ORDER_TRANSITIONS)
    order.updated_at = utcnow()
    session.add(order)
    session.flush()
    refilled: list[int] = []
    for wid, pids in sorted(freed.items()):
        refilled += rereserve(session, warehouse_id=wid, product_ids=pids, actor=actor)
    numbers = order_numbers(session, refilled)
    events.emit(
        session,
        events.ORDER_CANCELLED,
        warehouse_id=order.warehouse_id,
        order=number,
        external_id=order.external_id,
        channel=order.channel,
        reason=reason,
    )
    record(
        session,
        action="order_cancelled",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=order.warehouse_id,
        entity="sales_order",
        entity_id=number,
        reason=reason,
        status_before=before,
        units_released=released,
        refilled=numbers,
    )
    return CancelledOrder(number, before, released, tuple(numbers))
