"""The confirm-a-pick hot path: SQLAlchemy Core statements only, no ORM objects, no re-reads;
on PostgreSQL one call of the `wms_confirm_pick` function (migration 0002), which mirrors it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session

from wms_terminal.core import inventory
from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import TOTE_RE
from wms_terminal.core.db import driver_connection
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, can_transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.pickops import TaskCtx, check_task
from wms_terminal.picking.scans import Rejected

_CONFIRM_CTX = text(
    "SELECT pt.id, pt.pick_list_id, pt.warehouse_id, pt.seq, pt.order_id, pt.order_line_id, "
    "pt.reservation_id, pt.product_id, pt.location_id, pt.qty, pt.qty_picked, pt.status, "
    "pt.tote_slot, pl.status, pl.claimed_by, l.barcode, l.code, "
    "p.sku, l.kind, l.min_qty, "
    "(SELECT t.id FROM pick_task o JOIN tote t ON t.id = o.tote_id "
    " WHERE o.pick_list_id = pt.pick_list_id "
    " AND COALESCE(o.tote_slot, 1) = COALESCE(pt.tote_slot, 1) "
    " AND t.status = 'in_use' AND t.pick_list_id = pt.pick_list_id "
    " ORDER BY o.picked_at DESC LIMIT 1) "
    "FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "JOIN location l ON l.id = pt.location_id JOIN product p ON p.id = pt.product_id "
    "WHERE pt.id = :id"
)


@dataclass(frozen=True)
class ConfirmCtx:
    """A task with everything confirming a pick needs, read in one statement."""

    task: TaskCtx
    sku: str
    location_kind: str
    min_qty: int
    tote_in_use: int | None


def confirm_ctx(session: Session, task_id: int, actor: Actor) -> ConfirmCtx:
    """The task, its list, location, product and the tote in use for its slot; checked."""
    row = session.execute(_CONFIRM_CTX, {"id": task_id}).first()
    if row is None:
        raise Rejected("no_task", M.TASK_CLOSED, clean=True)
    ctx = TaskCtx(*row[:17])
    check_task(ctx, actor)
    tote = row[20]
    return ConfirmCtx(ctx, str(row[17]), str(row[18]), int(row[19] or 0), tote and int(tote))


_START_ORDER = text(
    "UPDATE sales_order SET "
    "updated_at = CASE WHEN status = 'released' THEN :now ELSE updated_at END, "
    "status = CASE WHEN status = 'released' THEN 'picking' ELSE status END "
    "WHERE id = :id RETURNING status"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def start_order_lean(session: Session, order_id: int) -> str:
    """`start_order` in one statement: the UPDATE locks the order row (PostgreSQL) as the
    `FOR UPDATE` did, and moves a released order to picking. Returns the order's status."""
    status = session.execute(_START_ORDER, {"id": order_id, "now": utcnow()}).scalar()
    assert status is not None
    return str(status)


_PICK_TASK = text(
    "UPDATE pick_task SET qty_picked = qty_picked + :q, "
    "status = CASE WHEN qty_picked + :q = qty THEN 'picked' ELSE status END, "
    "picked_by = :u, picked_at = :now, tote_id = COALESCE(CAST(:tote AS INTEGER), tote_id) "
    "WHERE id = :id AND status = 'open' AND qty_picked + :q <= qty RETURNING status"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_PICK_LINE = text(
    "UPDATE order_line SET qty_picked = qty_picked + :q "
    "WHERE id = :id AND qty_picked + :q <= qty RETURNING id"
)


def apply_pick_lean(
    session: Session,
    ctx: TaskCtx,
    qty: int,
    actor: Actor,
    *,
    scan_id: str | None,
    tote_id: int | None,
) -> tuple[str, inventory.Picked]:
    """`apply_pick` with Core statements only: task, reservation, stock, ledger line, order line,
    each a conditional UPDATE (or the INSERT of the ledger line). Returns the task's new status
    and what the stock row holds now."""
    status = session.execute(
        _PICK_TASK,
        {"q": qty, "u": actor.user_id, "now": utcnow(), "tote": tote_id, "id": ctx.task_id},
    ).scalar()
    if status is None:
        raise Rejected("task_closed", M.TASK_CLOSED)
    if ctx.reservation_id is None:
        raise Rejected("no_reservation", M.STOCK_MISSING)
    picked = inventory.pick_lean(
        session, reservation_id=ctx.reservation_id, qty=qty, actor=actor, scan_id=scan_id
    )
    if session.execute(_PICK_LINE, {"q": qty, "id": ctx.order_line_id}).first() is None:
        raise Rejected("line_done", M.TASK_CLOSED)
    return str(status), picked


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
_FINISH_ORDER = text(
    "UPDATE sales_order SET status = :s, updated_at = :now WHERE id = :id AND status = 'picking'"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_FINISH_LIST = text(
    "UPDATE pick_list SET status = 'done', finished_at = :now "
    "WHERE id = :id AND status = 'claimed' RETURNING id"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def settle_lean(session: Session, ctx: TaskCtx, order_status: str) -> dict[str, Any]:
    """`settle` in one read (open tasks of the order and of the list, units picked on the order)
    and an UPDATE only for what finishes. The order row is locked (`start_order_lean`)."""
    out: dict[str, Any] = {"order_status": order_status, "list_done": False}
    open_order, open_list, picked = session.execute(
        _OPEN_COUNTS, {"o": ctx.order_id, "l": ctx.pick_list_id}
    ).one()
    now = utcnow()
    if int(open_order) == 0 and order_status == OrderStatus.PICKING:
        # Something picked: it goes on to packing (back-ordered units stay on their lines).
        new = OrderStatus.PICKED if int(picked) > 0 else OrderStatus.BACKORDERED
        if not can_transition(ORDER_TRANSITIONS, order_status, new):  # pragma: no cover
            raise Rejected("refused", f"order cannot go from {order_status} to {new}")
        session.execute(_FINISH_ORDER, {"s": new, "now": now, "id": ctx.order_id})
        out["order_status"] = new
    if int(open_list) == 0:
        if session.execute(_FINISH_LIST, {"now": now, "id": ctx.pick_list_id}).first() is None:
            raise Rejected("list_closed", M.LIST_CLOSED)
        out["list_done"] = True
    return out


# --------------------------------------------------------------------------------------------
# PostgreSQL: the whole lean confirm in one round trip (`wms_confirm_pick`, migration 0002).

_FAST_CONFIRM = "SELECT wms_confirm_pick(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
# Raised by the function before it changed anything (the statement is rolled back whole):
# WM001 a refusal (its code in the message), WM002 a case the Python path handles (a replayed
# scan id).
FAST_REFUSED = "WM001"
FAST_FALLBACK = "WM002"


def confirm_fast(
    engine: Any,
    actor: Actor,
    *,
    scan_id: str,
    task_id: int,
    qty: int,
    raw: str,
    tote: str | None = None,
) -> tuple[dict[str, Any] | None, str | None]:
    """Run `wms_confirm_pick` as one autocommit statement (one transaction, one round trip) on
    the raw DBAPI connection, prepared server-side. Returns (stored outcome, None) when the pick
    was confirmed, (None, refusal code or None) when it changed nothing and the caller must run
    the Python path (which then stores the same refusal, or answers the replay)."""
    tote_code = tote_wh = None
    if tote is not None:
        tote_code = tote.strip()
        m = TOTE_RE.match(tote_code)
        if m is None:
            return None, "not_tote"
        tote_wh = m.group("wh")
    try:
        with driver_connection(engine) as conn:
            row = conn.execute(
                _FAST_CONFIRM,
                (
                    scan_id,
                    task_id,
                    qty,
                    actor.user_id,
                    actor.terminal[:64],
                    raw[:400],
                    M.OK_PICKED,
                    M.OK_LIST_DONE,
                    M.WIDTH,
                    utcnow(),
                    tote_code,
                    tote_wh,
                    M.REPLENISH,
                ),
                prepare=True,
            ).fetchone()
    except psycopg.Error as exc:
        if exc.sqlstate == FAST_REFUSED:
            return None, str(exc.diag.message_primary or "")
        # WM002, a unique violation on the scan id (another terminal stored it first), a
        # deadlock: nothing was committed; the Python path decides. (A lost connection raised
        # DatabaseUnavailable.)
        return None, None
    assert row is not None
    return json.loads(row[0]), None
