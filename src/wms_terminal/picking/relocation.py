"""Move reserved units off a location: the one rule for a shelf that holds less than was reserved.

Used by an empty report (every reservation on the location), a count that finds fewer units than
were reserved and a supervisor's adjustment (the reserved units that are no longer there). Each
reservation gives its units back (ledger: unreserve) and gets them again from other locations
(pick faces first, fullest first; blocked locations never); what cannot be found is back-ordered
on its order line. A reservation that an open pick task is working on keeps its task honest: the
task shrinks (or closes) and the list gets new picks at the end of its route for the units found
elsewhere. Runs inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core import inventory
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import MoveKind, Reservation, SalesOrder
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.confirm import settle, start_order
from wms_terminal.picking.reallocation import reallocate
from wms_terminal.picking.tasks import TaskCtx, tote_in_use_sql

_RESERVATIONS = text(
    "SELECT r.id, r.order_id, r.order_line_id, r.product_id, r.qty, so.number, so.status, "
    "(SELECT COUNT(*) FROM pick_task pt WHERE pt.reservation_id = r.id AND pt.status = 'open') "
    "FROM reservation r JOIN sales_order so ON so.id = r.order_id "
    "WHERE r.location_id = :l AND r.status = 'active' AND r.qty > 0 "
    "AND (CAST(:p AS INTEGER) IS NULL OR r.product_id = :p) ORDER BY r.created_at, r.id"
)
# The same columns as `tasks.read_task` (one shape of TaskCtx), for the open task of a reservation.
_OPEN_TASK = text(
    "SELECT pt.id, pt.pick_list_id, pt.warehouse_id, pt.seq, pt.order_id, pt.order_line_id, "
    "pt.reservation_id, pt.product_id, pt.location_id, pt.qty, pt.qty_picked, pt.status, "
    "pt.tote_slot, pl.status, pl.claimed_by, l.barcode, l.code, p.sku, l.kind, "
    "COALESCE(l.min_qty, 0), tu.id, tu.code, l.blocked "
    "FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "JOIN location l ON l.id = pt.location_id JOIN product p ON p.id = pt.product_id "
    f"LEFT JOIN tote tu ON tu.id = {tote_in_use_sql('pt')} "
    "WHERE pt.reservation_id = :r AND pt.status = 'open' ORDER BY pt.id LIMIT 1"
)
_OPEN_LEFT = text(
    "SELECT (SELECT COUNT(*) FROM pick_task WHERE order_id = :o AND status = 'open'), "
    "(SELECT COUNT(*) FROM pick_task WHERE pick_list_id = :l AND status = 'open')"
)


@dataclass(frozen=True)
class Closing:
    """How a pick task whose units all moved away is closed."""

    status: str
    reason_code: str


@dataclass
class MovedOrder:
    """What happened to one order's reserved units."""

    order: str
    order_id: int
    product_id: int
    qty: int
    moved_to: list[dict[str, Any]] = field(default_factory=list)
    backordered: int = 0
    task_id: int | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "qty": self.qty,
            "moved_to": self.moved_to,
            "backordered": self.backordered,
        }


def move_reservations(
    session: Session,
    *,
    location_id: int,
    actor: Actor,
    closing: Closing,
    reason: str,
    product_id: int | None = None,
    qty: int | None = None,
    scan_id: str | None = None,
) -> list[MovedOrder]:
    """Move `qty` reserved units of `product_id` (all of them when None; every product when
    `product_id` is None) off `location_id`, newest reservation first."""
    left = qty
    out: list[MovedOrder] = []
    found = list(session.execute(_RESERVATIONS, {"l": location_id, "p": product_id}).all())
    if qty is None:
        # All move: orders on a pick list first (a picker is on the way), oldest first; they
        # get the stock elsewhere before the orders that wait for a wave.
        found.sort(key=lambda r: not r[7])
    else:
        # Part is gone: it is taken from orders not yet on a pick list first, newest first, so
        # the oldest promises and the picks under way keep their shelf.
        found.reverse()
        found.sort(key=lambda r: bool(r[7]))
    for rid, order_id, line_id, pid, held, number, status, _tasks in found:
        if left is not None and left <= 0:
            break
        k = int(held) if left is None else min(int(held), left)
        if left is not None:
            left -= k
        inventory.unreserve(
            session, reservation_id=rid, qty=k, actor=actor, reason=reason, scan_id=scan_id
        )
        moved = MovedOrder(str(number), int(order_id), int(pid), k)
        task = session.execute(_OPEN_TASK, {"r": rid}).first()
        if task is not None:
            _move_task(session, TaskCtx(*task), k, actor, closing, scan_id, moved)
        else:
            _move_reservation(session, rid, int(line_id), k, location_id, actor, scan_id, moved)
            _order_short(session, int(order_id), str(status))
        out.append(moved)
    return out


def _move_task(
    session: Session,
    ctx: TaskCtx,
    k: int,
    actor: Actor,
    closing: Closing,
    scan_id: str | None,
    moved: MovedOrder,
) -> None:
    """The task loses `k` units (closing when none is left to pick); new picks elsewhere."""
    moved.task_id = ctx.task_id
    closed = k >= ctx.remaining
    if closed:
        session.execute(
            text("UPDATE pick_task SET status = :s, reason_code = :r WHERE id = :id"),
            {"s": closing.status, "r": closing.reason_code, "id": ctx.task_id},
        )
    else:
        session.execute(
            text("UPDATE pick_task SET qty = qty - :k, reason_code = :r WHERE id = :id"),
            {"k": k, "r": closing.reason_code, "id": ctx.task_id},
        )
    created, back = reallocate(session, ctx, k, actor, exclude_location=True, scan_id=scan_id)
    moved.moved_to, moved.backordered = created, back
    if closed:
        order_open, list_open = session.execute(
            _OPEN_LEFT, {"o": ctx.order_id, "l": ctx.pick_list_id}
        ).one()
        if int(order_open) == 0 or int(list_open) == 0:
            settle(session, ctx, start_order(session, ctx.order_id), actor)


def _move_reservation(
    session: Session,
    rid: int,
    line_id: int,
    k: int,
    location_id: int,
    actor: Actor,
    scan_id: str | None,
    moved: MovedOrder,
) -> None:
    """A reservation no task works on yet: reserve elsewhere, back-order the rest."""
    wid = session.execute(
        text("SELECT warehouse_id FROM reservation WHERE id = :id"), {"id": rid}
    ).scalar_one()
    pid = moved.product_id
    rows = inventory.candidate_rows(session, wid, [pid])[pid]
    taken = inventory.take(session, [r for r in rows if r.location_id != location_id], k)
    moves = []
    for t in taken:
        session.add(
            Reservation(
                warehouse_id=wid,
                order_id=moved.order_id,
                order_line_id=line_id,
                stock_id=t.stock_id,
                product_id=pid,
                location_id=t.location_id,
                qty=t.qty,
            )
        )
        code = session.execute(
            text("SELECT code FROM location WHERE id = :id"), {"id": t.location_id}
        ).scalar_one()
        moved.moved_to.append({"location": code, "qty": t.qty})
        moves.append(
            inventory.move(
                warehouse_id=wid,
                product_id=pid,
                location_id=t.location_id,
                kind=MoveKind.RESERVATION,
                actor=actor,
                reserved_delta=t.qty,
                order_id=moved.order_id,
                scan_id=scan_id,
                reason="moved off a blocked location",
            )
        )
    inventory.write_moves(session, moves)
    moved.backordered = back = k - sum(t.qty for t in taken)
    if back:
        session.execute(
            text(
                "UPDATE order_line SET qty_reserved = qty_reserved - :b, "
                "qty_backordered = qty_backordered + :b WHERE id = :id"
            ),
            {"b": back, "id": line_id},
        )
    session.flush()


def _order_short(session: Session, order_id: int, status: str) -> None:
    """An order not yet on a wave that lost reserved units waits for stock (back-orders)."""
    if status not in (OrderStatus.RESERVED, OrderStatus.PARTIALLY_RESERVED):
        return
    short, reserved = session.execute(
        text(
            "SELECT COALESCE(SUM(qty_backordered), 0), COALESCE(SUM(qty_reserved), 0) "
            "FROM order_line WHERE order_id = :o"
        ),
        {"o": order_id},
    ).one()
    if int(short) == 0:
        return
    order = session.get(SalesOrder, order_id, with_for_update=True, populate_existing=True)
    assert order is not None
    new = OrderStatus.PARTIALLY_RESERVED if int(reserved) > 0 else OrderStatus.BACKORDERED
    transition(order, new, ORDER_TRANSITIONS)
    session.add(order)


def summary_lines(moved: list[MovedOrder], *, skip_order_id: int | None = None) -> list[str]:
    """Short operator lines about the other orders whose units moved."""
    others = [m for m in moved if m.order_id != skip_order_id]
    if not others:
        return []
    units = sum(m.qty - m.backordered for m in others)
    back = sum(m.backordered for m in others)
    return [M.fmt(M.OTHERS_MOVED, qty=units, back=back)]
