"""Taking reserved units off the shelf: reservation, stock row and ledger line.

Three conditional statements and no ORM objects: the reservation drops (two terminals cannot
both take the same reserved units), the stock row's on-hand and reserved drop with it, one ledger
line is written. None needs another's result (each finds the stock row through the
reservation), so they are sent together (`core.statements.run_together`: one round trip on
PostgreSQL, or together with the caller's other statements of the pick) and checked afterwards,
in order. On a refusal the caller rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.errors import InsufficientStock, NotFound, ValidationError
from wms_terminal.core.models import MoveKind
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.statements import Rows, Statement, run_together

_RESERVATION = text(
    "UPDATE reservation SET qty = qty - :q, "
    "status = CASE WHEN qty - :q = 0 THEN 'picked' ELSE status END "
    "WHERE id = :r AND qty >= :q AND :q > 0 "
    "RETURNING stock_id, location_id, product_id"
)
_STOCK = text(
    "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q "
    "WHERE id = (SELECT stock_id FROM reservation WHERE id = :r) "
    "AND reserved >= :q AND on_hand >= :q RETURNING on_hand"
)
_LEDGER = text(
    "INSERT INTO stock_ledger (warehouse_id, product_id, location_id, kind, on_hand_delta, "
    "reserved_delta, order_id, user_id, terminal, scan_id, reason, created_at) "
    "SELECT r.warehouse_id, r.product_id, r.location_id, :kind, :d, :d, r.order_id, "
    "CAST(:u AS INTEGER), :t, CAST(:scan AS VARCHAR(64)), '', :now "
    "FROM reservation r WHERE r.id = :r"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_HELD = text("SELECT qty FROM reservation WHERE id = :r")


@dataclass(frozen=True)
class Picked:
    """What a pick moved: the stock row and its on-hand after the pick."""

    stock_id: int
    location_id: int
    product_id: int
    on_hand: int


def pick_statements(
    *, reservation_id: int, qty: int, actor: Actor, scan_id: str | None = None
) -> list[Statement]:
    """The pick's three statements (reservation, stock row, ledger line), to run together."""
    common = {"q": qty, "r": reservation_id}
    ledger = {
        "r": reservation_id,
        "kind": MoveKind.PICK,
        "d": -qty,
        "u": actor.user_id,
        "t": actor.terminal,
        "scan": scan_id,
        "now": utcnow(),
    }
    return [Statement(_RESERVATION, common), Statement(_STOCK, common), Statement(_LEDGER, ledger)]


def picked(session: Session, *, reservation_id: int, qty: int, rows: Sequence[Rows]) -> Picked:
    """What the three statements did, checked in order; raises what a refused pick means."""
    reservation, stock, _ = rows
    if not reservation:
        held = session.execute(_HELD, {"r": reservation_id}).scalar()
        if held is None:
            raise NotFound(f"no reservation {reservation_id}")
        raise ValidationError(f"can pick 1 to {held} on this reservation, not {qty}")
    if not stock:
        raise InsufficientStock("the location holds less than was reserved: count it")
    stock_id, location_id, product_id = reservation[0]
    return Picked(int(stock_id), int(location_id), int(product_id), int(stock[0][0]))


def pick(
    session: Session,
    *,
    reservation_id: int,
    qty: int,
    actor: Actor,
    scan_id: str | None = None,
) -> Picked:
    """Take `qty` reserved units off the shelf (see the module docstring)."""
    statements = pick_statements(
        reservation_id=reservation_id, qty=qty, actor=actor, scan_id=scan_id
    )
    rows = run_together(session, statements)
    return picked(session, reservation_id=reservation_id, qty=qty, rows=rows)
