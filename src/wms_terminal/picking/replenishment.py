"""Replenishment after a pick: a pick face that falls below its minimum gets a task from reserve;
the product's reorder point is checked too (purchase order + manager notified, in core.reorder)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.task_sources import replenish_if_low

__all__ = ["AfterPick", "after_pick", "replenish_if_low"]


@dataclass(frozen=True)
class AfterPick:
    replenishment_task_id: int | None
    replenish_location: str | None
    purchase_orders: tuple[str, ...]


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
