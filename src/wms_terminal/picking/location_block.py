"""A location blocked while it is counted: raised by short picks, empty reports and supervisors.

A blocked location is skipped by allocation (`inventory.candidate_rows`) and refused by the
confirm-a-pick path (and, as a guard, by the database: no pick ledger line at a blocked
location). It opens again when its last open count ends (done or cancelled). Every function runs
inside the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import CountTask
from wms_terminal.core.states import CountStatus
from wms_terminal.picking import messages as M
from wms_terminal.picking.scans import Rejected

_ACTIVE = "(" + ", ".join(f"'{s}'" for s in CountStatus.ACTIVE) + ")"


def block(session: Session, location_id: int, reason: str) -> None:
    session.execute(
        text("UPDATE location SET blocked = :t, blocked_reason = :r WHERE id = :l"),
        {"t": True, "r": reason[:40], "l": location_id},
    )


def unblock_if_uncounted(session: Session, location_id: int) -> bool:
    """Open the location again when no count on it is still open; True when it opened."""
    done = session.execute(
        text(
            "UPDATE location SET blocked = :f, blocked_reason = '' WHERE id = :l AND blocked "
            f"AND NOT EXISTS (SELECT 1 FROM count_task WHERE location_id = :l "
            f"AND status IN {_ACTIVE}) RETURNING id"
        ),
        {"f": False, "l": location_id},
    ).first()
    return done is not None


def refuse_if_blocked(session: Session, location_id: int) -> None:
    blocked = session.execute(
        text("SELECT blocked FROM location WHERE id = :l"), {"l": location_id}
    ).scalar()
    if blocked:
        raise Rejected("location_blocked", M.LOCATION_BLOCKED, clean=True)


def raise_count(
    session: Session,
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    reason: str,
    actor: Actor,
    block_reason: str = "count",
) -> int:
    """Make a count task for the product at the location (or keep the open one) and block the
    location; returns the count task's id."""
    block(session, location_id, block_reason)
    found = session.execute(
        text(
            "SELECT id FROM count_task WHERE location_id = :l AND product_id = :p "
            f"AND status IN {_ACTIVE} ORDER BY id LIMIT 1"
        ),
        {"l": location_id, "p": product_id},
    ).scalar()
    if found is not None:
        return int(found)
    on_hand = session.execute(
        text("SELECT on_hand FROM stock WHERE location_id = :l AND product_id = :p"),
        {"l": location_id, "p": product_id},
    ).scalar()
    task = CountTask(
        warehouse_id=warehouse_id,
        product_id=product_id,
        location_id=location_id,
        reason=reason,
        expected_qty=int(on_hand or 0),
    )
    session.add(task)
    session.flush()
    assert task.id is not None
    record(
        session,
        action="count_raised",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=warehouse_id,
        entity="count_task",
        entity_id=str(task.id),
        reason_code=reason,
        location_id=location_id,
        product_id=product_id,
    )
    return task.id
