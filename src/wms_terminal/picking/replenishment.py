"""Replenishment after a pick: a pick face that falls below its minimum gets a task from reserve;
the product's reorder point is checked too (purchase order + manager notified, in core.reorder)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.models import Location, LocationKind, ReplenishmentTask
from wms_terminal.core.reorder import check_reorder_points


@dataclass(frozen=True)
class AfterPick:
    replenishment_task_id: int | None
    replenish_location: str | None
    purchase_orders: tuple[str, ...]


def replenish_if_low(
    session: Session, *, location_id: int, product_id: int
) -> ReplenishmentTask | None:
    """A task to top up a pick face from the reserve location holding most of the product, when
    the face is below its minimum and no replenishment of it is open yet."""
    loc = session.get(Location, location_id)
    if loc is None or loc.kind != LocationKind.PICK_FACE or loc.min_qty <= 0:
        return None
    on_hand = session.execute(
        text("SELECT on_hand FROM stock WHERE location_id = :l AND product_id = :p"),
        {"l": location_id, "p": product_id},
    ).scalar()
    on_hand = int(on_hand or 0)
    if on_hand >= loc.min_qty:
        return None
    already = session.execute(
        text(
            "SELECT 1 FROM replenishment_task WHERE to_location_id = :l AND product_id = :p "
            "AND status = 'open' LIMIT 1"
        ),
        {"l": location_id, "p": product_id},
    ).scalar()
    if already:
        return None
    reserve = session.execute(
        text(
            "SELECT s.location_id, s.on_hand - s.reserved FROM stock s "
            "JOIN location l ON l.id = s.location_id "
            "WHERE s.product_id = :p AND s.warehouse_id = :w AND l.kind = 'reserve' "
            "AND l.active AND s.on_hand > s.reserved "
            "ORDER BY s.on_hand - s.reserved DESC, s.location_id LIMIT 1"
        ),
        {"p": product_id, "w": loc.warehouse_id},
    ).first()
    if reserve is None:
        return None
    target = max(loc.max_qty, loc.min_qty) - on_hand
    qty = min(int(reserve[1]), max(target, 1))
    task = ReplenishmentTask(
        warehouse_id=loc.warehouse_id,
        product_id=product_id,
        from_location_id=int(reserve[0]),
        to_location_id=location_id,
        qty=qty,
    )
    session.add(task)
    session.flush()
    return task


def after_pick(
    session: Session,
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    actor: Actor,
    reorder: bool = False,
) -> AfterPick:
    """Replenishment check after a pick. The reorder point is on free stock (on hand - reserved),
    which a pick of reserved units leaves unchanged: it is crossed when stock is reserved (intake)
    or written off (pick exceptions, which pass `reorder=True`), so a plain pick skips it."""
    task = replenish_if_low(session, location_id=location_id, product_id=product_id)
    code = None
    if task is not None:
        code = session.execute(
            text("SELECT code FROM location WHERE id = :id"), {"id": location_id}
        ).scalar()
    raised = (
        check_reorder_points(
            session, warehouse_id=warehouse_id, product_ids=[product_id], actor=actor
        )
        if reorder
        else []
    )
    return AfterPick(
        task.id if task is not None else None,
        str(code) if code else None,
        tuple(r.number for r in raised),
    )
