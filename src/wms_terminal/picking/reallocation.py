"""What follows a pick exception: the missing units reserved elsewhere (new pick tasks on the
same list) or back-ordered, and who holds the rest of the product's stock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from wms_terminal.core import inventory
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import Location, MoveKind, PickTask, Reservation
from wms_terminal.picking.tasks import TaskCtx


def reallocate(
    session: Session,
    ctx: TaskCtx,
    qty: int,
    actor: Actor,
    *,
    exclude_location: bool,
    scan_id: str | None,
) -> tuple[list[dict[str, Any]], int]:
    """Reserve `qty` units of the task's product elsewhere and add pick tasks for them to the
    list; what cannot be found is back-ordered on the order line. Returns (new picks, backordered).
    """
    rows = inventory.candidate_rows(session, ctx.warehouse_id, [ctx.product_id])[ctx.product_id]
    if exclude_location:
        rows = [r for r in rows if r.location_id != ctx.location_id]
    taken = inventory.take(session, rows, qty)
    got = sum(t.qty for t in taken)
    created: list[dict[str, Any]] = []
    if taken:
        max_seq = session.execute(
            text("SELECT MAX(seq) FROM pick_task WHERE pick_list_id = :l"),
            {"l": ctx.pick_list_id},
        ).scalar_one()
        seq = int(max_seq or 0)
        moves = []
        for t in taken:
            res = Reservation(
                warehouse_id=ctx.warehouse_id,
                order_id=ctx.order_id,
                order_line_id=ctx.order_line_id,
                stock_id=t.stock_id,
                product_id=t.product_id,
                location_id=t.location_id,
                qty=t.qty,
            )
            session.add(res)
            session.flush()
            # Same location (damaged units replaced from the same shelf): pick it right away.
            if t.location_id == ctx.location_id:
                new_seq = ctx.seq
            else:
                seq += 1
                new_seq = seq
            task = PickTask(
                warehouse_id=ctx.warehouse_id,
                pick_list_id=ctx.pick_list_id,
                seq=new_seq,
                order_id=ctx.order_id,
                order_line_id=ctx.order_line_id,
                reservation_id=res.id,
                product_id=t.product_id,
                location_id=t.location_id,
                qty=t.qty,
                tote_slot=ctx.tote_slot,
            )
            session.add(task)
            code = session.execute(
                select(Location.code).where(Location.id == t.location_id)
            ).scalar_one()
            created.append({"location": code, "qty": t.qty})
            moves.append(
                inventory.move(
                    warehouse_id=ctx.warehouse_id,
                    product_id=t.product_id,
                    location_id=t.location_id,
                    kind=MoveKind.RESERVATION,
                    actor=actor,
                    reserved_delta=t.qty,
                    order_id=ctx.order_id,
                    scan_id=scan_id,
                    reason="re-allocated after pick exception",
                )
            )
        inventory.write_moves(session, moves)
    back = qty - got
    session.execute(
        text(
            "UPDATE order_line SET qty_reserved = qty_reserved - :lost + :got, "
            "qty_backordered = qty_backordered + :back WHERE id = :id"
        ),
        {"lost": qty, "got": got, "back": back, "id": ctx.order_line_id},
    )
    session.flush()
    return created, back


def holders(session: Session, ctx: TaskCtx, limit: int = 5) -> list[dict[str, Any]]:
    """Who holds the product's remaining stock in this warehouse: other orders' reservations."""
    rows = session.execute(
        text(
            "SELECT so.number, l.code, r.qty FROM reservation r "
            "JOIN sales_order so ON so.id = r.order_id JOIN location l ON l.id = r.location_id "
            "WHERE r.product_id = :p AND r.warehouse_id = :w AND r.status = 'active' "
            "AND r.qty > 0 AND r.order_id <> :o ORDER BY r.qty DESC, so.number LIMIT :n"
        ),
        {"p": ctx.product_id, "w": ctx.warehouse_id, "o": ctx.order_id, "n": limit},
    ).all()
    return [{"order": n, "location": c, "qty": int(q)} for n, c, q in rows]
