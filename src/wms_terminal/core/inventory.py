"""Reserving stock, giving reservations back, and the ledger (units into and out of a location:
`core.stock_in_out`).

Every change here is a conditional UPDATE: the database checks the quantity in the same statement
that changes it (`... WHERE on_hand - reserved >= :q RETURNING`), so two terminals can never both
take the last unit, on SQLite or PostgreSQL. Callers run these inside one transaction
(`Database.run`), together with the ledger lines written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from wms_terminal.core.auth import Actor
from wms_terminal.core.bulk_sql import insert_rows, values_source
from wms_terminal.core.cart_expiry import release_expired
from wms_terminal.core.errors import InsufficientStock, NotFound
from wms_terminal.core.models import (
    Location,
    LocationKind,
    MoveKind,
    Reservation,
    Stock,
    StockMove,
)
from wms_terminal.core.models._base import utcnow

# A reservation is taken only where the location is not blocked (being counted, reported empty)
# at that moment. On PostgreSQL the location row is share-locked with it: a block (an UPDATE of
# that row) either waits for this transaction, then moves what it reserved, or went first, and
# this statement sees it (READ COMMITTED re-checks a row it waited for).
_OPEN_LOCATION = (
    "EXISTS (SELECT 1 FROM location l WHERE l.id = stock.location_id AND NOT l.blocked{lock})"
)
_TAKE_RESERVED = (
    "UPDATE stock SET reserved = reserved + :q WHERE id = :id AND on_hand - reserved >= :q "
    "AND " + _OPEN_LOCATION + " RETURNING on_hand - reserved"
)
_FREE_NOW = text(
    "SELECT s.on_hand - s.reserved FROM stock s JOIN location l ON l.id = s.location_id "
    "WHERE s.id = :id AND NOT l.blocked"
)


def _share_lock(session: Session) -> str:
    return " FOR SHARE" if session.get_bind().dialect.name == "postgresql" else ""


_UNRESERVE = text(
    "UPDATE stock SET reserved = reserved - :q WHERE id = :id AND reserved >= :q RETURNING id"
)


# Where orders reserve and pickers pick. Stock in a receiving location is on hand but not
# pickable: put-away makes it so (and re-reserves the back-orders waiting for it).
PICKABLE = (LocationKind.PICK_FACE, LocationKind.RESERVE)


@dataclass(frozen=True)
class StockRow:
    stock_id: int
    location_id: int
    product_id: int
    available: int
    pick_face: bool


@dataclass(frozen=True)
class Taken:
    """Units reserved on one stock row."""

    stock_id: int
    location_id: int
    product_id: int
    qty: int


def candidate_rows(
    session: Session, warehouse_id: int, product_ids: Iterable[int]
) -> dict[int, list[StockRow]]:
    """Stock rows with free units, per product: pick faces first, fullest first.

    A hint only: the quantities may change before the conditional UPDATE that uses them.
    Expired cart holds on these products are ended first (`cart_expiry`): their units are free
    for whoever allocates, whether or not the sweeper has come by.
    """
    return candidate_rows_in(session, [warehouse_id], product_ids)[warehouse_id]


def candidate_rows_in(
    session: Session, warehouse_ids: Sequence[int], product_ids: Iterable[int]
) -> dict[int, dict[int, list[StockRow]]]:
    """`candidate_rows` of several warehouses at once (an import chunk weighing its sites):
    per warehouse, per product; two statements whatever the number of warehouses."""
    ids = sorted(set(product_ids))
    rows: dict[int, dict[int, list[StockRow]]] = {
        wid: {pid: [] for pid in ids} for wid in warehouse_ids
    }
    if not ids or not warehouse_ids:
        return rows
    release_expired(session, warehouse_ids, ids)
    stmt = (
        sa_select(
            col(Stock.id),
            col(Stock.location_id),
            col(Stock.product_id),
            col(Stock.on_hand) - col(Stock.reserved),
            col(Location.kind),
            col(Stock.warehouse_id),
        )
        .join(Location, col(Location.id) == col(Stock.location_id))
        .where(col(Stock.warehouse_id).in_(list(warehouse_ids)))
        .where(col(Stock.product_id).in_(ids))
        .where(col(Stock.on_hand) > col(Stock.reserved))
        .where(col(Location.active))
        .where(col(Location.kind).in_(PICKABLE))  # not receiving: put away first
        .where(col(Location.blocked).is_(False))  # being counted: not reserved from
    )
    for sid, lid, pid, avail, kind, wid in session.execute(stmt):
        rows[wid][pid].append(StockRow(sid, lid, pid, int(avail), kind == LocationKind.PICK_FACE))
    for per_product in rows.values():
        for found in per_product.values():
            found.sort(key=lambda r: (not r.pick_face, -r.available, r.stock_id))
    return rows


def available_by_product(
    session: Session, warehouse_id: int, product_ids: Iterable[int]
) -> dict[int, int]:
    """Free units per product; stock on a location being counted (blocked) is not free, nor
    stock waiting in receiving."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    stmt = (
        select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved))
        .join(Location, col(Location.id) == col(Stock.location_id))
        .where(Stock.warehouse_id == warehouse_id)
        .where(Stock.product_id.in_(ids))  # type: ignore[attr-defined]
        .where(col(Location.blocked).is_(False))
        .where(col(Location.kind).in_(PICKABLE))
        .group_by(Stock.product_id)  # type: ignore[arg-type]
    )
    found = {pid: int(total or 0) for pid, total in session.exec(stmt)}
    return {pid: found.get(pid, 0) for pid in ids}


def take(session: Session, rows: Sequence[StockRow], qty: int) -> list[Taken]:
    """Reserve up to `qty` units across `rows` with conditional UPDATEs; returns what was taken.

    When another terminal got there first, the row's UPDATE matches nothing and we re-read the
    row once and take what is left of it.
    """
    taken: list[Taken] = []
    need = qty
    reserve = text(_TAKE_RESERVED.format(lock=_share_lock(session)))
    for row in rows:
        if need <= 0:
            break
        want = min(need, row.available)
        while want > 0:
            left = session.execute(reserve, {"q": want, "id": row.stock_id}).first()
            if left is not None:
                taken.append(Taken(row.stock_id, row.location_id, row.product_id, want))
                need -= want
                break
            # Lost a race: the row now has less free stock than the hint said, or its location
            # was blocked meanwhile (nothing free there).
            free = session.execute(_FREE_NOW, {"id": row.stock_id}).scalar()
            want = min(need, int(free or 0))
    return taken


def plan(rows: Sequence[StockRow], qty: int) -> list[Taken]:
    """What `take` would reserve if nothing changed meanwhile (no database access)."""
    out: list[Taken] = []
    for row in rows:
        if qty <= 0:
            break
        n = min(qty, row.available)
        if n > 0:
            out.append(Taken(row.stock_id, row.location_id, row.product_id, n))
            qty -= n
    return out


def take_planned(session: Session, takes: Sequence[Taken]) -> bool:
    """Apply planned reservations in one conditional UPDATE per few hundred stock rows.

    All or nothing: returns False (and changes nothing that the caller keeps: it must roll back)
    when any row no longer has the free stock the plan counted on, or its location was blocked.
    """
    per_row: dict[int, int] = {}
    for t in takes:
        per_row[t.stock_id] = per_row.get(t.stock_id, 0) + t.qty
    items = sorted(per_row.items())  # a fixed order: no deadlock between two importers
    for start in range(0, len(items), 500):
        part = items[start : start + 500]
        source, params = values_source(session, ("id", "q"), part)
        updated = session.execute(
            text(
                f"UPDATE stock SET reserved = stock.reserved + v.q FROM {source} "
                "WHERE stock.id = v.id AND stock.on_hand - stock.reserved >= v.q AND "
                + _OPEN_LOCATION.format(lock=_share_lock(session))
                + " RETURNING stock.id"
            ),
            params,
        ).all()
        if len(updated) != len(part):
            return False
    return True


def write_moves(session: Session, moves: list[dict[str, Any]]) -> None:
    """Append ledger lines (one executemany)."""
    insert_rows(session, StockMove, moves, returning_ids=False)


def move(
    *,
    warehouse_id: int,
    product_id: int,
    location_id: int | None,
    kind: str,
    actor: Actor,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    order_id: int | None = None,
    scan_id: str | None = None,
    reason: str = "",
) -> dict[str, object]:
    """One ledger line as a row for `write_moves`."""
    assert kind in MoveKind.ALL, kind
    return {
        "warehouse_id": warehouse_id,
        "product_id": product_id,
        "location_id": location_id,
        "kind": kind,
        "on_hand_delta": on_hand_delta,
        "reserved_delta": reserved_delta,
        "order_id": order_id,
        "user_id": actor.user_id,
        "terminal": actor.terminal,
        "scan_id": scan_id,
        "reason": reason,
        "created_at": utcnow(),
    }


def unreserve(
    session: Session,
    *,
    reservation_id: int,
    qty: int | None = None,
    actor: Actor,
    reason: str = "",
    scan_id: str | None = None,
) -> int:
    """Give reserved units back to free stock; returns how many."""
    res = _locked_reservation(session, reservation_id)
    amount = res.qty if qty is None else min(qty, res.qty)
    if amount <= 0:
        return 0
    if session.execute(_UNRESERVE, {"q": amount, "id": res.stock_id}).first() is None:
        raise InsufficientStock("stock row holds fewer reserved units than the reservation")
    _settle(
        session,
        res,
        -amount,
        "released",
        kind=MoveKind.UNRESERVE,
        actor=actor,
        reason=reason,
        scan_id=scan_id,
    )
    return amount


def _locked_reservation(session: Session, reservation_id: int) -> Reservation:
    # Locked (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers): two terminals
    # must not both take the same reserved units and leave the reservation counting one.
    res = session.get(Reservation, reservation_id, with_for_update=True, populate_existing=True)
    if res is None:
        raise NotFound(f"no reservation {reservation_id}")
    return res


def _settle(
    session: Session,
    res: Reservation,
    delta: int,
    spent_status: str,
    *,
    kind: str,
    actor: Actor,
    on_hand_delta: int = 0,
    reason: str = "",
    scan_id: str | None = None,
) -> None:
    """Apply `delta` to the reservation (closing it with `spent_status` at zero) and write the
    ledger line for the stock change that caused it."""
    res.qty += delta
    if res.qty == 0:
        res.status = spent_status
    session.add(res)
    write_moves(
        session,
        [
            move(
                warehouse_id=res.warehouse_id,
                product_id=res.product_id,
                location_id=res.location_id,
                kind=kind,
                actor=actor,
                on_hand_delta=on_hand_delta,
                reserved_delta=delta,
                order_id=res.order_id,
                reason=reason,
                scan_id=scan_id,
            )
        ],
    )
