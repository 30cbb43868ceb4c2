"""Back-orders: stock that arrives goes first to the orders waiting for it.

Whoever adds pickable stock to a warehouse (a put-away from receiving, a count gain, a cancelled
order's freed units, a freed reservation), or sends an order back to wait (its pick list ended
with nothing picked, or was cancelled with its wave), calls `rereserve` in the same
transaction; stock in a receiving location is not pickable until it is put away
(`inventory.PICKABLE`). It serves the order lines short of their reservation, in this order:

1. VIP and other flagged orders (highest `OrderFlag.wave_priority`), then order priority;
2. the oldest promise first (`ship_by`; orders without one after those with one);
3. the oldest order first (`ordered_at`, then id).

Only orders that are not yet on a wave wait for stock here (status `backordered` or
`partially_reserved`): a released order picks what it holds and ships the rest later. Units are
reserved with the same conditional UPDATEs and ledger lines as order intake
(`inventory.candidate_rows` / `inventory.take`): pick faces first, fullest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from wms_terminal.core import inventory
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import (
    MoveKind,
    OrderFlag,
    OrderLine,
    Reservation,
    SalesOrder,
    SalesOrderFlag,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, transition

# Orders that wait for stock: reserved only in part (or not at all) and not yet on a wave.
WAITING = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_RESERVED)
_FAR = datetime.max


@dataclass(frozen=True)
class _Waiting:
    line_id: int
    order_id: int
    product_id: int
    short: int
    rank: tuple[int, int, datetime, datetime, int, int]


def rereserve(
    session: Session, *, warehouse_id: int, product_ids: Iterable[int], actor: Actor
) -> list[int]:
    """Reserve free stock of `product_ids` in `warehouse_id` for the waiting back-orders, most
    urgent first; returns the ids of the orders that got stock, in the order they were served."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    free = inventory.available_by_product(session, warehouse_id, ids)
    ids = [pid for pid in ids if free.get(pid, 0) > 0]
    if not ids:
        return []
    waiting = _waiting_lines(session, warehouse_id, ids)
    if not waiting:
        return []
    orders = _lock_orders(session, sorted({w.order_id for w in waiting}))
    # Re-read after the lock: another transaction may have served some lines meanwhile.
    waiting = [w for w in _waiting_lines(session, warehouse_id, ids) if w.order_id in orders]
    rows = inventory.candidate_rows(session, warehouse_id, ids)
    served: list[int] = []
    got_per_order: dict[int, int] = defaultdict(int)
    moves: list[dict[str, object]] = []
    for w in sorted(waiting, key=lambda w: w.rank):
        hints = rows.get(w.product_id, [])
        if not hints:
            continue
        taken = inventory.take(session, hints, w.short)
        if not taken:
            rows[w.product_id] = []
            continue
        rows[w.product_id] = _less(hints, taken)
        got = sum(t.qty for t in taken)
        for t in taken:
            session.add(
                Reservation(
                    warehouse_id=warehouse_id,
                    order_id=w.order_id,
                    order_line_id=w.line_id,
                    stock_id=t.stock_id,
                    product_id=t.product_id,
                    location_id=t.location_id,
                    qty=t.qty,
                )
            )
            moves.append(
                inventory.move(
                    warehouse_id=warehouse_id,
                    product_id=t.product_id,
                    location_id=t.location_id,
                    kind=MoveKind.RESERVATION,
                    actor=actor,
                    reserved_delta=t.qty,
                    order_id=w.order_id,
                    reason="back-order filled",
                )
            )
        line = session.get(OrderLine, w.line_id)
        assert line is not None
        line.qty_reserved += got
        line.qty_backordered -= got
        session.add(line)
        if w.order_id not in got_per_order:
            served.append(w.order_id)
        got_per_order[w.order_id] += got
    inventory.write_moves(session, moves)
    session.flush()
    for oid in served:
        _settle_order(session, orders[oid], got_per_order[oid], actor)
    return served


def waiting_orders(session: Session, *, warehouse_id: int, product_ids: Iterable[int]) -> list[int]:
    """The orders waiting for any of `product_ids`, in the order `rereserve` serves them."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    out: list[int] = []
    for w in sorted(_waiting_lines(session, warehouse_id, ids), key=lambda w: w.rank):
        if w.order_id not in out:
            out.append(w.order_id)
    return out


def order_numbers(session: Session, order_ids: list[int]) -> list[str]:
    """The numbers of `order_ids` (e.g. the orders `rereserve` filled), in the same order."""
    if not order_ids:
        return []
    found = dict(
        session.exec(
            select(col(SalesOrder.id), col(SalesOrder.number)).where(
                col(SalesOrder.id).in_(order_ids)
            )
        ).all()
    )
    return [found[i] for i in order_ids]


def _waiting_lines(session: Session, warehouse_id: int, product_ids: list[int]) -> list[_Waiting]:
    tier = (
        sa_select(func.coalesce(func.max(col(OrderFlag.wave_priority)), 0))
        .join(SalesOrderFlag, col(SalesOrderFlag.flag_id) == col(OrderFlag.id))
        .where(col(SalesOrderFlag.order_id) == col(SalesOrder.id))
        .scalar_subquery()
    )
    stmt = (
        sa_select(
            col(OrderLine.id),
            col(OrderLine.order_id),
            col(OrderLine.product_id),
            col(OrderLine.qty_backordered),
            col(OrderLine.line_no),
            tier,
            col(SalesOrder.priority),
            col(SalesOrder.ship_by),
            col(SalesOrder.ordered_at),
        )
        .join(SalesOrder, col(SalesOrder.id) == col(OrderLine.order_id))
        .where(col(OrderLine.warehouse_id) == warehouse_id)
        .where(col(OrderLine.product_id).in_(product_ids))
        .where(col(OrderLine.qty_backordered) > 0)
        .where(col(SalesOrder.status).in_(WAITING))
    )
    out = []
    for lid, oid, pid, short, line_no, flag_tier, prio, ship_by, ordered_at in session.execute(
        stmt
    ):
        rank = (
            -int(flag_tier or 0),
            -int(prio or 0),
            _naive_utc(ship_by) if ship_by is not None else _FAR,
            _naive_utc(ordered_at) if ordered_at is not None else _FAR,
            int(oid),
            int(line_no),
        )
        out.append(_Waiting(int(lid), int(oid), int(pid), int(short), rank))
    return out


def _lock_orders(session: Session, order_ids: list[int]) -> dict[int, SalesOrder]:
    """Lock the waiting orders (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers), in id
    order so that two transactions never wait on each other in a circle."""
    found = session.exec(
        select(SalesOrder)
        .where(col(SalesOrder.id).in_(order_ids))
        .where(col(SalesOrder.status).in_(WAITING))
        .order_by(col(SalesOrder.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {o.id: o for o in found if o.id is not None}


def _less(rows: list[inventory.StockRow], taken: list[inventory.Taken]) -> list[inventory.StockRow]:
    used: dict[int, int] = defaultdict(int)
    for t in taken:
        used[t.stock_id] += t.qty
    out = []
    for r in rows:
        left = r.available - used.get(r.stock_id, 0)
        if left > 0:
            out.append(
                inventory.StockRow(r.stock_id, r.location_id, r.product_id, left, r.pick_face)
            )
    return out


def _settle_order(session: Session, order: SalesOrder, got: int, actor: Actor) -> None:
    short = session.execute(
        select(func.coalesce(func.sum(col(OrderLine.qty_backordered)), 0)).where(
            col(OrderLine.order_id) == order.id
        )
    ).scalar_one()
    before = order.status
    new = OrderStatus.RESERVED if int(short) == 0 else OrderStatus.PARTIALLY_RESERVED
    transition(order, new, ORDER_TRANSITIONS)
    order.updated_at = utcnow()
    session.add(order)
    record(
        session,
        action="backorder_filled",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=order.warehouse_id,
        entity="sales_order",
        entity_id=order.number,
        units=got,
        status_before=before,
        status=order.status,
        still_short=int(short),
    )


def _naive_utc(value: datetime) -> datetime:
    if isinstance(value, str):  # pragma: no cover - SQLite text from an untyped column
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value
