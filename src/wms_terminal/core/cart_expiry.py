"""Ending cart holds (`core.cart_holds`): their units leave `stock.reserved` with a ledger line,
their lines go, in the caller's transaction. Below `core.inventory` (no import of it): every
allocation reads its candidate rows through `inventory.candidate_rows`, which first ends the
expired holds on those products here, so an expired hold never blocks stock even before the
sweeper comes by.

The end is a conditional UPDATE of the hold (`... WHERE status = 'active'`): of a checkout, the
sweeper and an allocation meeting on one hold exactly one ends it (row lock on PostgreSQL; one
writer on SQLite), so its units are freed once and never both freed and checked out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, exists, func, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from wms_terminal.core.bulk_sql import insert_rows
from wms_terminal.core.errors import WmsError
from wms_terminal.core.models import CartHold, CartHoldLine, CartHoldStatus, MoveKind, StockMove
from wms_terminal.core.models._base import utcnow

_UNRESERVE = text(
    "UPDATE stock SET reserved = reserved - :q WHERE id = :id AND reserved >= :q RETURNING id"
)


def end_hold(
    session: Session,
    hold_id: int,
    status: str,
    *,
    user_id: int | None,
    terminal: str,
    reason: str,
    live_only: bool = False,
) -> dict[int, set[int]] | None:
    """End an active hold (-> `status`) and free its units. Returns {warehouse: products freed},
    or None when the hold was not active (someone else ended it first), or, with `live_only`,
    had expired meanwhile."""
    now = utcnow()
    cond = [col(CartHold.id) == hold_id, col(CartHold.status) == CartHoldStatus.ACTIVE]
    if live_only:
        cond.append(col(CartHold.expires_at) > now)
    done = session.execute(
        update(CartHold)
        .where(*cond)
        .values(status=status, closed_at=now)
        .returning(col(CartHold.id))
    ).first()
    if done is None:
        return None
    lines = session.execute(
        sa_select(
            col(CartHoldLine.stock_id),
            col(CartHoldLine.warehouse_id),
            col(CartHoldLine.product_id),
            col(CartHoldLine.location_id),
            col(CartHoldLine.qty),
        )
        .where(col(CartHoldLine.hold_id) == hold_id)
        .order_by(col(CartHoldLine.stock_id))
    ).all()
    freed: dict[int, set[int]] = {}
    ledger = []
    for sid, wid, pid, lid, qty in lines:
        got = session.execute(_UNRESERVE, {"q": int(qty), "id": int(sid)}).first()
        if got is None:
            raise WmsError(f"stock row {sid} holds fewer reserved units than cart hold {hold_id}")
        freed.setdefault(int(wid), set()).add(int(pid))
        ledger.append(
            {
                "warehouse_id": wid,
                "product_id": pid,
                "location_id": lid,
                "kind": MoveKind.UNRESERVE,
                "on_hand_delta": 0,
                "reserved_delta": -int(qty),
                "order_id": None,
                "user_id": user_id,
                "terminal": terminal,
                "scan_id": None,
                "reason": reason[:200],
                "created_at": now,
            }
        )
    insert_rows(session, StockMove, ledger, returning_ids=False)
    session.execute(delete(CartHoldLine).where(col(CartHoldLine.hold_id) == hold_id))
    return freed


def release_expired(
    session: Session,
    warehouse_ids: Iterable[int],
    product_ids: Iterable[int],
    *,
    user_id: int | None = None,
    terminal: str = "",
) -> dict[int, set[int]]:
    """End the expired holds that hold any of `product_ids` in these warehouses (a hold another
    transaction is ending right now is skipped: it is being freed). Returns what was freed."""
    ids = sorted(set(product_ids))
    wids = sorted(set(warehouse_ids))
    if not ids or not wids:
        return {}
    in_scope = [
        col(CartHold.warehouse_id).in_(wids),
        exists().where(
            col(CartHoldLine.hold_id) == col(CartHold.id), col(CartHoldLine.product_id).in_(ids)
        ),
    ]
    return end_expired(session, in_scope, user_id=user_id, terminal=terminal)[1]


def end_expired(
    session: Session,
    where: Sequence[ColumnElement[bool]] = (),
    *,
    user_id: int | None,
    terminal: str,
    limit: int = 1000,
) -> tuple[int, dict[int, set[int]]]:
    """End up to `limit` expired holds (those matching `where`), oldest expiry first.
    Returns (holds ended, {warehouse: products freed})."""
    q = (
        sa_select(col(CartHold.id))
        .where(
            col(CartHold.status) == CartHoldStatus.ACTIVE,
            col(CartHold.expires_at) <= utcnow(),
            *where,
        )
        .order_by(col(CartHold.expires_at), col(CartHold.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    freed: dict[int, set[int]] = {}
    ended = 0
    for (hid,) in session.execute(q).all():
        got = end_hold(
            session,
            int(hid),
            CartHoldStatus.EXPIRED,
            user_id=user_id,
            terminal=terminal,
            reason="cart hold expired",
        )
        if got is not None:
            ended += 1
            for wid, pids in got.items():
                freed.setdefault(wid, set()).update(pids)
    return ended, freed


def release_on_stock(
    session: Session,
    *,
    location_id: int,
    product_id: int,
    need: int,
    user_id: int | None,
    terminal: str,
) -> int:
    """Units found missing where carts hold them (a count, an adjustment): end the holds on that
    stock row, newest first, until `need` units are free (the carts lose their guarantee; their
    checkout reserves what is free then). Returns the units freed on the row."""
    rows = session.execute(
        sa_select(col(CartHoldLine.hold_id), func.sum(col(CartHoldLine.qty)))
        .join(CartHold, col(CartHold.id) == col(CartHoldLine.hold_id))
        .where(
            col(CartHoldLine.location_id) == location_id,
            col(CartHoldLine.product_id) == product_id,
            col(CartHold.status) == CartHoldStatus.ACTIVE,
        )
        .group_by(col(CartHoldLine.hold_id))
        .order_by(col(CartHoldLine.hold_id).desc())
    ).all()
    freed = 0
    for hid, qty in rows:
        if freed >= need:
            break
        if (
            end_hold(
                session,
                int(hid),
                CartHoldStatus.RELEASED,
                user_id=user_id,
                terminal=terminal,
                reason="stock under the cart found missing",
            )
            is not None
        ):
            freed += int(qty)
    return freed
