"""Pick exceptions: each with a reason code, an audit entry and what follows, in one transaction.

SHORT    fewer units on the shelf than the task needs: the units found are picked, the
         location blocked and a count task made (the count, not the picker, writes stock off),
         the rest re-allocated from another location (a new pick at the end of the route) or
         back-ordered; the outcome says which other orders hold the product's remaining stock.
DAMAGED  damaged units leave pickable stock for the warehouse's damaged location (a transfer:
         nothing is written off; a supervisor writes them off or restocks them,
         `damaged.settle_damaged`) and are replaced from stock (the same shelf first, picked
         next) or back-ordered; the task keeps its good units.
EMPTY    the location is empty: it is blocked, a count task made for each product on it, and
         every reservation on it (this task's and other orders') moves to other locations or
         is back-ordered (`relocation.move_reservations`); nothing is written off.
SKIP     the task goes to the end of the route.
FULLTOTE the slot's tote is closed as full; the next pick in that slot asks for a new tote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core import inventory
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.states import PickTaskStatus
from wms_terminal.picking import messages as M
from wms_terminal.picking import totes
from wms_terminal.picking.confirm import close_task, pick_units, settle, start_order
from wms_terminal.picking.damaged import set_aside
from wms_terminal.picking.location_block import raise_count, refuse_if_blocked
from wms_terminal.picking.reallocation import holders, reallocate
from wms_terminal.picking.relocation import Closing, move_reservations, summary_lines
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.tasks import TaskCtx, read_task
from wms_terminal.picking.views import ScanResult


class Reason:
    SHORT = "SHORT"
    DAMAGED = "DAMAGED"
    EMPTY = "EMPTY"
    SKIP = "SKIP"
    FULL_TOTE = "FULLTOTE"


def _audit(session: Session, actor: Actor, ctx: TaskCtx, reason: str, **detail: Any) -> None:
    record(
        session,
        action="pick_exception",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=ctx.warehouse_id,
        entity="pick_task",
        entity_id=str(ctx.task_id),
        reason_code=reason,
        pick_list_id=ctx.pick_list_id,
        order_id=ctx.order_id,
        product_id=ctx.product_id,
        location_id=ctx.location_id,
        **detail,
    )


def _follow_up(
    session: Session,
    ctx: TaskCtx,
    missing: int,
    actor: Actor,
    scan_id: str,
    *,
    exclude_location: bool,
) -> tuple[dict[str, Any], list[str]]:
    created, back = reallocate(
        session, ctx, missing, actor, exclude_location=exclude_location, scan_id=scan_id
    )
    return _what_follows(session, ctx, created, back, actor, [ctx.product_id])


def _what_follows(
    session: Session,
    ctx: TaskCtx,
    created: list[dict[str, Any]],
    back: int,
    actor: Actor,
    product_ids: list[int],
) -> tuple[dict[str, Any], list[str]]:
    """The outcome's data and lines for re-allocated and back-ordered units."""
    data: dict[str, Any] = {"reallocated": created, "backordered": back}
    # Units reserved elsewhere or written off lower the free stock: a reorder point may have
    # been crossed.
    raised = check_reorder_points(
        session, warehouse_id=ctx.warehouse_id, product_ids=product_ids, actor=actor
    )
    if raised:
        data["purchase_orders"] = [r.number for r in raised]
    lines = [M.fmt(M.SHORT_REALLOCATED, qty=c["qty"], location=c["location"]) for c in created]
    if back:
        lines.append(M.fmt(M.SHORT_BACKORDERED, qty=back))
        held = holders(session, ctx)
        data["held_by"] = held
        if held:
            names = ", ".join(f"{h['order']}" for h in held[:2])
            more = f" +{len(held) - 2}" if len(held) > 2 else ""
            lines.append(M.fmt(M.SHORT_HELD_BY, holders=names + more))
    if raised:
        lines.append(M.fmt(M.REORDER, number=raised[0].number))
    return data, lines


def report_short(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    task_id: int,
    found: int,
    tote: str | None = None,
) -> ScanResult:
    """The shelf holds only `found` of the units still to pick for this task."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor)
        if not 0 <= found < ctx.remaining:
            raise Rejected("bad_qty", M.fmt(M.BAD_QTY, max=ctx.remaining - 1))
        order_status = start_order(session, ctx.order_id)
        missing = ctx.remaining - found
        if found:
            refuse_if_blocked(session, ctx.location_id)
            tote_id = totes.take_scanned(session, ctx, tote) if tote else ctx.tote_id
            pick_units(
                session,
                ctx,
                found,
                actor,
                scan_id=scan_id,
                tote_id=tote_id,
                close=PickTaskStatus.SHORT,
            )
        if ctx.reservation_id is not None:
            inventory.unreserve(
                session,
                reservation_id=ctx.reservation_id,
                qty=missing,
                actor=actor,
                reason="short pick",
                scan_id=scan_id,
            )
        if not found:
            close_task(session, ctx, PickTaskStatus.SHORT, Reason.SHORT)
        else:
            session.execute(
                text("UPDATE pick_task SET reason_code = :r WHERE id = :id"),
                {"r": Reason.SHORT, "id": ctx.task_id},
            )
        count_id = raise_count(
            session,
            warehouse_id=ctx.warehouse_id,
            location_id=ctx.location_id,
            product_id=ctx.product_id,
            reason="short_pick",
            actor=actor,
        )
        data, lines = _follow_up(session, ctx, missing, actor, scan_id, exclude_location=True)
        data.update(
            {"task_id": task_id, "found": found, "missing": missing, "count_task_id": count_id}
        )
        data.update(settle(session, ctx, order_status, actor))
        _audit(
            session,
            actor,
            ctx,
            Reason.SHORT,
            found=found,
            missing=missing,
            backordered=data["backordered"],
            held_by=data.get("held_by", []),
        )
        message = "\n".join([M.fmt(M.SHORT_DONE, missing=missing), *lines])
        return Outcome("short", message, data, ctx.warehouse_id)

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        task_id=task_id,
        action="pick_short",
        raw=f"SHORT {found}",
        body=body,
    )


def report_damaged(
    db: Database, actor: Actor, *, scan_id: str, task_id: int, damaged: int
) -> ScanResult:
    """`damaged` of the units still to pick are damaged: set aside in the damaged location (for
    a supervisor to write off or restock) and replaced."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor)
        if not 1 <= damaged <= ctx.remaining:
            raise Rejected("bad_qty", M.fmt(M.BAD_QTY, max=ctx.remaining))
        refuse_if_blocked(session, ctx.location_id)  # being counted: units stay put
        order_status = start_order(session, ctx.order_id)
        cage = set_aside(
            session,
            warehouse_id=ctx.warehouse_id,
            location_id=ctx.location_id,
            product_id=ctx.product_id,
            qty=damaged,
            actor=actor,
            scan_id=scan_id,
            reserved_by_task=ctx.reservation_id,
        )
        if damaged == ctx.remaining:
            close_task(session, ctx, PickTaskStatus.DAMAGED, Reason.DAMAGED)
        else:
            session.execute(
                text(
                    "UPDATE pick_task SET qty = qty - :d, reason_code = :r "
                    "WHERE id = :id AND status = 'open' AND qty - :d >= qty_picked"
                ),
                {"d": damaged, "r": Reason.DAMAGED, "id": ctx.task_id},
            )
        data, lines = _follow_up(session, ctx, damaged, actor, scan_id, exclude_location=False)
        data.update({"task_id": task_id, "damaged": damaged, "damaged_location": cage})
        data.update(settle(session, ctx, order_status, actor))
        _audit(
            session,
            actor,
            ctx,
            Reason.DAMAGED,
            damaged=damaged,
            to_location=cage,
            backordered=data["backordered"],
        )
        message = "\n".join([M.fmt(M.DAMAGED_DONE, qty=damaged, location=cage), *lines])
        return Outcome("damaged", message, data, ctx.warehouse_id)

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        task_id=task_id,
        action="pick_damaged",
        raw=f"DAMAGED {damaged}",
        body=body,
    )


def report_empty(db: Database, actor: Actor, *, scan_id: str, task_id: int) -> ScanResult:
    """The location is empty: block it, raise counts, move every reservation on it elsewhere or
    back-order it. Stock is written off only by the count (or a supervisor's adjustment)."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor)
        order = start_order(session, ctx.order_id)
        products = session.execute(
            text(
                "SELECT product_id FROM stock WHERE location_id = :l "
                "AND (on_hand > 0 OR reserved > 0) ORDER BY product_id"
            ),
            {"l": ctx.location_id},
        ).scalars()
        counts = {
            pid: raise_count(
                session,
                warehouse_id=ctx.warehouse_id,
                location_id=ctx.location_id,
                product_id=pid,
                reason="zero_check",
                actor=actor,
                block_reason="empty",
            )
            for pid in sorted({ctx.product_id, *products})
        }
        moved = move_reservations(
            session,
            location_id=ctx.location_id,
            actor=actor,
            closing=Closing(PickTaskStatus.EMPTY, Reason.EMPTY),
            reason="empty location",
            scan_id=scan_id,
        )
        mine = next((m for m in moved if m.task_id == ctx.task_id), None)
        if mine is None:  # a task without a reservation: nothing held here for it
            close_task(session, ctx, PickTaskStatus.EMPTY, Reason.EMPTY)
            created, back = reallocate(
                session, ctx, ctx.remaining, actor, exclude_location=True, scan_id=scan_id
            )
        else:
            created, back = mine.moved_to, mine.backordered
        data, lines = _what_follows(session, ctx, created, back, actor, list(counts))
        data.update(
            {
                "task_id": task_id,
                "missing": ctx.remaining,
                "written_off": 0,
                "count_task_id": counts[ctx.product_id],
                "count_task_ids": sorted(counts.values()),
                "moved_orders": [m.as_data() for m in moved if m.task_id != ctx.task_id],
            }
        )
        lines += summary_lines(moved, skip_order_id=ctx.order_id)
        data.update(settle(session, ctx, order, actor))
        _audit(
            session,
            actor,
            ctx,
            Reason.EMPTY,
            missing=ctx.remaining,
            backordered=back,
            held_by=data.get("held_by", []),
            moved_orders=data["moved_orders"],
            count_task_ids=data["count_task_ids"],
        )
        return Outcome("empty", "\n".join([M.EMPTY_DONE, *lines]), data, ctx.warehouse_id)

    return run_scan(
        db, actor, scan_id=scan_id, task_id=task_id, action="pick_empty", raw="EMPTY", body=body
    )


def skip_task(db: Database, actor: Actor, *, scan_id: str, task_id: int) -> ScanResult:
    """Put the task at the end of the route."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor)
        last = session.execute(
            text("SELECT MAX(seq) FROM pick_task WHERE pick_list_id = :l"),
            {"l": ctx.pick_list_id},
        ).scalar_one()
        new_seq = int(last or 0) + 1
        session.execute(
            text("UPDATE pick_task SET seq = :s WHERE id = :id AND status = 'open'"),
            {"s": new_seq, "id": task_id},
        )
        _audit(session, actor, ctx, Reason.SKIP, from_seq=ctx.seq, to_seq=new_seq)
        return Outcome("skipped", M.SKIPPED, {"task_id": task_id, "seq": new_seq}, ctx.warehouse_id)

    return run_scan(
        db, actor, scan_id=scan_id, task_id=task_id, action="pick_skip", raw="SKIP", body=body
    )


def full_tote(db: Database, actor: Actor, *, scan_id: str, task_id: int) -> ScanResult:
    """The tote of this task's slot is full: close it; the next pick asks for a new one."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor)
        if ctx.tote_id is None:
            raise Rejected("no_tote", M.fmt(M.PROMPT_TOTE_NEW, slot=ctx.slot))
        if not totes.mark_full(session, ctx.tote_id):
            raise Rejected("no_tote", M.fmt(M.PROMPT_TOTE_NEW, slot=ctx.slot))
        session.execute(
            text("UPDATE pick_list SET tote_count = tote_count + 1 WHERE id = :l"),
            {"l": ctx.pick_list_id},
        )
        _audit(session, actor, ctx, Reason.FULL_TOTE, tote=ctx.tote_code, slot=ctx.slot)
        return Outcome(
            "tote_full",
            M.fmt(M.TOTE_CLOSED, tote=ctx.tote_code),
            {"task_id": task_id, "tote": ctx.tote_code, "slot": ctx.slot},
            ctx.warehouse_id,
        )

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        task_id=task_id,
        action="pick_full_tote",
        raw="FULLTOTE",
        body=body,
    )
