"""Confirming picked units: the one implementation that the plain confirmation and every pick
exception (short, damaged, empty) use, inside the caller's transaction.

    start_order   the order row locked, a released order moved to picking
    pick_units    task, reservation, stock, ledger line, order line: conditional UPDATEs
    lot_statement lot, expiry and serial of a GS1 product scan kept on the pick
    close_task    an exception closes the task without (more) picked units
    settle        the order and the list finish when none of their tasks is open (the list's
                  totes go on to packing or sorting: `picking.totes`)

SQLAlchemy Core statements only, no ORM objects, no re-reads: every UPDATE checks in its WHERE
that the change is still allowed and RETURNs what the outcome needs. Status changes are checked
against the transition tables of `core.states` before the statement that makes them.

None of a pick's statements needs another's result, so they go together
(`core.statements.run_together`: one round trip on PostgreSQL) and their rows are checked
afterwards, in order; a plain confirmation sends the order's start, the pick, its lot and the
list's lock and open-task counts at once (`pick_units(with_order=..., then_count=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, bindparam, text
from sqlmodel import Session

from wms_terminal.core import shelf_pick
from wms_terminal.core.auth import Actor
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.statements import Rows, Statement, for_update, run_together
from wms_terminal.core.states import (
    ORDER_TRANSITIONS,
    PICK_LIST_TRANSITIONS,
    PICK_TASK_TRANSITIONS,
    OrderStatus,
    PickListStatus,
    PickTaskStatus,
    require_transition,
)
from wms_terminal.picking import messages as M
from wms_terminal.picking import totes
from wms_terminal.picking.scans import Rejected
from wms_terminal.picking.tasks import TaskCtx

_START_ORDER = text(
    "UPDATE sales_order SET "
    "updated_at = CASE WHEN status = 'released' THEN :now ELSE updated_at END, "
    "status = CASE WHEN status = 'released' THEN 'picking' ELSE status END "
    "WHERE id = :id RETURNING status"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def _start_order(order_id: int) -> Statement:
    require_transition(ORDER_TRANSITIONS, OrderStatus.RELEASED, OrderStatus.PICKING, "an order")
    return Statement(_START_ORDER, {"id": order_id, "now": utcnow()})


def _order_status(rows: Rows) -> str:
    assert rows, "a pick task's order exists"
    return str(rows[0][0])


def start_order(session: Session, order_id: int) -> str:
    """Lock the order row (the UPDATE does, on PostgreSQL) and move a released order to
    picking. Of two lists finishing the same order at once the later then sees the earlier's
    tasks closed. Returns the order's status."""
    (rows,) = run_together(session, [_start_order(order_id)])
    return _order_status(rows)


_PICK_TASK = text(
    "UPDATE pick_task SET qty_picked = qty_picked + :q, "
    "status = CASE WHEN qty_picked + :q = qty THEN 'picked' "
    "ELSE COALESCE(CAST(:close AS VARCHAR(12)), status) END, "
    "picked_by = :u, picked_at = :now, tote_id = COALESCE(CAST(:tote AS INTEGER), tote_id) "
    "WHERE id = :id AND status = 'open' AND qty_picked + :q <= qty RETURNING status"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_PICK_LINE = text(
    "UPDATE order_line SET qty_picked = qty_picked + :q "
    "WHERE id = :id AND qty_picked + :q <= qty RETURNING id"
)


@dataclass(frozen=True)
class Picking:
    """What `pick_units` did."""

    status: str  # the task's new status
    picked: shelf_pick.Picked  # the stock row and its on-hand now
    order_status: str | None = None  # with_order: the order's status (`start_order`)
    counts: Rows | None = None  # then_count: the list locked, its open tasks counted (`settle`)


def pick_units(
    session: Session,
    ctx: TaskCtx,
    qty: int,
    actor: Actor,
    *,
    scan_id: str | None,
    tote_id: int | None,
    close: str | None = None,
    with_order: bool = False,
    lot: Statement | None = None,
    then_count: bool = False,
) -> Picking:
    """Move `qty` units off the shelf for this task: task, reservation, stock, ledger line,
    order line. The task becomes picked when complete, else `close` (an exception's status)
    or stays open.

    Sent together with them: `with_order`, the order's start first (`start_order`); `lot`
    (`lot_statement`); `then_count`, the list's lock and open-task counts last, for `settle`
    (asked when the pick will close the task)."""
    require_transition(PICK_TASK_TRANSITIONS, PickTaskStatus.OPEN, PickTaskStatus.PICKED, "a task")
    if close is not None:
        require_transition(PICK_TASK_TRANSITIONS, PickTaskStatus.OPEN, close, "a task")
    if ctx.reservation_id is None:
        raise Rejected("no_reservation", M.STOCK_MISSING)
    task = {
        "q": qty,
        "u": actor.user_id,
        "now": utcnow(),
        "tote": tote_id,
        "id": ctx.task_id,
        "close": close,
    }
    statements = [
        *([_start_order(ctx.order_id)] if with_order else []),
        Statement(_PICK_TASK, task),
        *shelf_pick.pick_statements(
            reservation_id=ctx.reservation_id, qty=qty, actor=actor, scan_id=scan_id
        ),
        Statement(_PICK_LINE, {"q": qty, "id": ctx.order_line_id}),
        *([lot] if lot is not None else []),
        *(_count_statements(session, ctx) if then_count else []),
    ]
    rows = run_together(session, statements)
    order_status = _order_status(rows.pop(0)) if with_order else None
    task_rows, stock_rows, line_rows = rows[0], rows[1:4], rows[4]
    if not task_rows:
        raise Rejected("task_closed", M.TASK_CLOSED)
    picked = shelf_pick.picked(session, reservation_id=ctx.reservation_id, qty=qty, rows=stock_rows)
    if not line_rows:
        raise Rejected("line_done", M.TASK_CLOSED)
    counts = rows[-1] if then_count else None
    return Picking(str(task_rows[0][0]), picked, order_status, counts)


_LOT = text(
    "UPDATE pick_task SET lot = COALESCE(:lot, lot), expiry = COALESCE(:exp, expiry), "
    "serial = COALESCE(:serial, serial) WHERE id = :id"
).bindparams(bindparam("exp", type_=Date()))


def lot_statement(
    task_id: int, *, lot: str | None, expiry: date | None, serial: str | None
) -> Statement | None:
    """Lot, expiry date and serial number read from a GS1 product scan, kept on the pick (to
    send with it: `pick_units(lot=...)`); None when the scan had none."""
    if lot is None and expiry is None and serial is None:
        return None
    return Statement(_LOT, {"lot": lot, "exp": expiry, "serial": serial, "id": task_id})


def close_task(session: Session, ctx: TaskCtx, status: str, reason: str) -> None:
    """An exception closes the task with `status` and its reason code."""
    require_transition(PICK_TASK_TRANSITIONS, PickTaskStatus.OPEN, status, "a task")
    done = session.execute(
        text(
            "UPDATE pick_task SET status = :s, reason_code = :r "
            "WHERE id = :id AND status = 'open' RETURNING id"
        ),
        {"s": status, "r": reason, "id": ctx.task_id},
    ).first()
    if done is None:
        raise Rejected("task_closed", M.TASK_CLOSED)


# Open tasks counted with CASE, not `AND status = 'open'`: without fresh statistics both
# SQLite and PostgreSQL chose the status index (every open task of the warehouse) over the order
# or list index, which made this read grow with the backlog (12 ms p50 at 50,000 open tasks).
_OPEN_COUNTS = text(
    "SELECT (SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) "
    "FROM pick_task WHERE order_id = :o), "
    "(SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) "
    "FROM pick_task WHERE pick_list_id = :l), "
    "(SELECT COALESCE(SUM(qty_picked), 0) FROM order_line WHERE order_id = :o)"
)
_LOCK_LIST = "SELECT status FROM pick_list WHERE id = :l"


def _count_statements(session: Session, ctx: TaskCtx) -> list[Statement]:
    """The list row locked, then the open tasks of the order and the list counted (see
    `settle`). Sent together the server still runs them in turn: the count takes its snapshot
    once the lock is granted."""
    return [
        Statement(text(_LOCK_LIST + for_update(session)), {"l": ctx.pick_list_id}),
        Statement(_OPEN_COUNTS, {"o": ctx.order_id, "l": ctx.pick_list_id}),
    ]


_FINISH_ORDER = text(
    "UPDATE sales_order SET status = :s, updated_at = :now WHERE id = :id AND status = 'picking'"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_FINISH_LIST = text(
    "UPDATE pick_list SET status = 'done', finished_at = :now "
    "WHERE id = :id AND status IN ('claimed', 'open') RETURNING id"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_LIST_STATUS = text("SELECT status FROM pick_list WHERE id = :id")


_SHORT_PRODUCTS = text(
    "SELECT DISTINCT product_id FROM order_line WHERE order_id = :o AND qty_backordered > 0"
)


def settle(
    session: Session, ctx: TaskCtx, order_status: str, actor: Actor, counts: Rows | None = None
) -> dict[str, Any]:
    """After a task closed: the order finishes when none of its tasks is open, the list when
    none of its tasks is open. An order that ends with nothing picked waits again, back-ordered:
    free stock of what it lacks is reserved for the waiting orders at once
    (`backorders.rereserve`, most urgent first), in this transaction.

    The order row is locked (`start_order`) and so is the list row, before the open tasks are
    counted: two terminals of one picker closing a list's last two tasks at once would otherwise
    each see the other's task still open (PostgreSQL, READ COMMITTED) and leave the list claimed
    with nothing open. The count runs after the lock is granted, so it sees the other's commit.
    (SQLite: BEGIN IMMEDIATE already serialises writers; FOR UPDATE is left out.) `counts`:
    that lock and count, already sent with the pick (`pick_units(then_count=True)`)."""
    out: dict[str, Any] = {"order_status": order_status, "list_done": False}
    if counts is None:
        counts = run_together(session, _count_statements(session, ctx))[-1]
    open_order, open_list, picked = counts[0]
    now = utcnow()
    finish: list[Statement] = []
    if int(open_order) == 0 and order_status == OrderStatus.PICKING:
        # Something picked: it goes on to packing (back-ordered units stay on their lines).
        new = OrderStatus.PICKED if int(picked) > 0 else OrderStatus.BACKORDERED
        require_transition(ORDER_TRANSITIONS, order_status, new, "an order")
        finish.append(Statement(_FINISH_ORDER, {"s": new, "now": now, "id": ctx.order_id}))
        out["order_status"] = new
    if int(open_list) == 0:
        require_transition(
            PICK_LIST_TRANSITIONS, PickListStatus.CLAIMED, PickListStatus.DONE, "a pick list"
        )
        finish.append(Statement(_FINISH_LIST, {"now": now, "id": ctx.pick_list_id}))
    finished = run_together(session, finish)
    if out["order_status"] == OrderStatus.BACKORDERED and order_status == OrderStatus.PICKING:
        wanted = session.execute(_SHORT_PRODUCTS, {"o": ctx.order_id}).scalars().all()
        rereserve(session, warehouse_id=ctx.warehouse_id, product_ids=wanted, actor=actor)
    if int(open_list) == 0:
        if not finished[-1]:
            # Finished earlier in this transaction (a reservation moved off a counted shelf
            # closes the list's last task and settles it), or closed by someone else.
            status = session.execute(_LIST_STATUS, {"id": ctx.pick_list_id}).scalar()
            if status != PickListStatus.DONE:
                raise Rejected("list_closed", M.LIST_CLOSED)
            out["list_done"] = True
            return out
        out["list_done"] = True
        # Its totes go on to packing or sorting (an empty one back to free).
        out["totes"] = totes.finish_list(session, ctx.pick_list_id)
    return out
