"""What raises move tasks (core.move_tasks does them).

- Replenishment: a pick face below its minimum, with no open task for it yet, gets one from the
  reserve location holding the most free units of its product (`replenish_if_low`).
- Put-away: stock in a receiving location that no open task plans to move yet goes to the
  product's pick face while it has room, the rest to a reserve location already holding the
  product, else to the first empty reserve location (`raise_putaways`).

Neither draws from nor puts into a blocked location (being counted): the count would be wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.models import Location, LocationKind, MoveTask, MoveTaskKind
from wms_terminal.core.statements import Statement, run_together

_OPEN_TO = text(
    "SELECT 1 FROM replenishment_task WHERE to_location_id = :l AND product_id = :p "
    "AND status = 'open' LIMIT 1"
)


def replenish_if_low(session: Session, *, location_id: int, product_id: int) -> MoveTask | None:
    """A task to top up a pick face from the reserve location holding most of the product, when
    the face is below its minimum and no task to it is open yet."""
    loc = session.get(Location, location_id)
    if loc is None or loc.kind != LocationKind.PICK_FACE or loc.min_qty <= 0:
        return None
    on_hand = int(_on_hand(session, location_id, product_id))
    if on_hand >= loc.min_qty:
        return None
    if session.execute(_OPEN_TO, {"l": location_id, "p": product_id}).scalar():
        return None
    reserve = session.execute(
        text(
            "SELECT s.location_id, s.on_hand - s.reserved FROM stock s "
            "JOIN location l ON l.id = s.location_id "
            "WHERE s.product_id = :p AND s.warehouse_id = :w AND l.kind = 'reserve' "
            "AND l.active AND NOT l.blocked AND s.on_hand > s.reserved "
            "ORDER BY s.on_hand - s.reserved DESC, s.location_id LIMIT 1"
        ),
        {"p": product_id, "w": loc.warehouse_id},
    ).first()
    if reserve is None:
        return None
    target = max(loc.max_qty, loc.min_qty) - on_hand
    qty = min(int(reserve[1]), max(target, 1))
    return _add(
        session, MoveTaskKind.REPLENISH, loc.warehouse_id, product_id, int(reserve[0]), loc.id, qty
    )


def raise_putaways(
    session: Session,
    *,
    receiving_location_id: int,
    product_ids: Iterable[int],
    limit: int | None = None,
) -> list[MoveTask]:
    """Put-away tasks for the units of `product_ids` in the receiving location (or the damaged
    location, units a supervisor restocks) that no open task moves yet, at most `limit` units
    per product. Units with nowhere to go stay where they are (no task) until there is room."""
    dock = session.get(Location, receiving_location_id)
    assert dock is not None and dock.id is not None
    raised: list[MoveTask] = []
    for pid in sorted(set(product_ids)):
        reads = putaway_statements(dock_id=dock.id, warehouse_id=dock.warehouse_id, product_id=pid)
        plan = putaway_plan(run_together(session, reads), limit=limit)
        raised += add_putaways(session, dock.warehouse_id, dock.id, pid, plan)
    return raised


# What of the product in the dock no open task moves yet: on hand there less what is planned.
_LEFT = text(
    "SELECT COALESCE((SELECT on_hand FROM stock WHERE location_id = :l AND product_id = :p), 0) "
    "- COALESCE((SELECT SUM(qty) FROM replenishment_task WHERE from_location_id = :l "
    "AND product_id = :p AND status = 'open'), 0)"
)
# The product's pick faces, up to their maximum counting what is already on its way.
_FACES = text(
    "SELECT l.id, l.max_qty - s.on_hand - COALESCE((SELECT SUM(t.qty) FROM "
    "replenishment_task t WHERE t.to_location_id = l.id AND t.product_id = :p "
    "AND t.status = 'open'), 0) FROM location l JOIN stock s ON s.location_id = l.id "
    "WHERE s.product_id = :p AND l.warehouse_id = :w AND l.kind = 'pick_face' "
    "AND l.active AND NOT l.blocked AND l.max_qty > 0 "
    "ORDER BY l.aisle, l.bay, l.level, l.id"
)
# The rest: a reserve location already holding the product, else the first empty one
# (COALESCE evaluates the second only when the first finds none).
_RESERVE = text(
    "SELECT COALESCE((SELECT l.id FROM location l JOIN stock s ON s.location_id = l.id "
    "WHERE s.product_id = :p AND l.warehouse_id = :w AND l.kind = 'reserve' AND l.active "
    "AND NOT l.blocked ORDER BY s.on_hand DESC, l.id LIMIT 1), "
    "(SELECT l.id FROM location l WHERE l.warehouse_id = :w AND l.kind = 'reserve' "
    "AND l.active AND NOT l.blocked AND NOT EXISTS (SELECT 1 FROM stock s "
    "WHERE s.location_id = l.id AND s.on_hand > 0) AND NOT EXISTS (SELECT 1 "
    "FROM replenishment_task t WHERE t.to_location_id = l.id AND t.status = 'open') "
    "ORDER BY l.aisle, l.bay, l.level, l.id LIMIT 1))"
)


def putaway_statements(*, dock_id: int, warehouse_id: int, product_id: int) -> list[Statement]:
    """The reads a put-away of `product_id` from the dock is planned with, to send together
    (also after the caller's own statements that put the units there); `putaway_plan` reads
    their rows."""
    return [
        Statement(_LEFT, {"l": dock_id, "p": product_id}),
        Statement(_FACES, {"p": product_id, "w": warehouse_id}),
        Statement(_RESERVE, {"p": product_id, "w": warehouse_id}),
    ]


def putaway_plan(
    rows: Sequence[Sequence[Sequence[Any]]], *, limit: int | None = None
) -> list[tuple[int, int]]:
    """(destination, units) in the order put-away fills them: the pick faces while they have
    room, the rest to the reserve location."""
    left = int(rows[0][0][0]) if rows[0] else 0
    if limit is not None:
        left = min(left, limit)
    out: list[tuple[int, int]] = []
    for to_id, room in rows[1]:
        if left <= 0:
            break
        n = min(left, int(room))
        if n > 0:
            out.append((int(to_id), n))
            left -= n
    reserve = rows[2][0][0] if rows[2] else None
    if left > 0 and reserve is not None:
        out.append((int(reserve), left))
    return out


def add_putaways(
    session: Session, warehouse_id: int, dock_id: int, product_id: int, plan: list[tuple[int, int]]
) -> list[MoveTask]:
    """The put-away tasks of a `putaway_plan`."""
    return [
        _add(session, MoveTaskKind.PUTAWAY, warehouse_id, product_id, dock_id, to_id, n)
        for to_id, n in plan
    ]


def _on_hand(session: Session, location_id: int, product_id: int) -> int:
    value = session.execute(
        text("SELECT on_hand FROM stock WHERE location_id = :l AND product_id = :p"),
        {"l": location_id, "p": product_id},
    ).scalar()
    return int(value or 0)


def _add(
    session: Session,
    kind: str,
    warehouse_id: int,
    product_id: int,
    from_id: int | None,
    to_id: int | None,
    qty: int,
) -> MoveTask:
    assert to_id is not None
    task = MoveTask(
        warehouse_id=warehouse_id,
        kind=kind,
        product_id=product_id,
        from_location_id=from_id,
        to_location_id=to_id,
        qty=qty,
    )
    session.add(task)
    session.flush()
    return task
