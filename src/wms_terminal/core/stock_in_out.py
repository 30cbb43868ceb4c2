"""Units into a location and free units out of it: receipts, returns, count gains and put-backs
in; damage and count losses out. Each is a conditional UPDATE with its ledger line (an
addition never leaves fewer on hand than reserved; a removal takes only free units), as
statements to send together (`receive_statements`, `remove_statements`: one round trip on
PostgreSQL) or run at once (`receive`, `remove`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session, select

from wms_terminal.core.auth import Actor
from wms_terminal.core.errors import InsufficientStock, NotFound, ValidationError
from wms_terminal.core.models import Location, MoveKind, Stock
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.statements import Statement, run_together

_ENSURE_ROW = text(
    "INSERT INTO stock (warehouse_id, location_id, product_id, on_hand, reserved) "
    "VALUES (:w, :l, :p, 0, 0) ON CONFLICT (location_id, product_id) DO NOTHING"
)
_ADD_AT = text(
    "UPDATE stock SET on_hand = on_hand + :q WHERE location_id = :l AND product_id = :p "
    "AND on_hand + :q >= reserved RETURNING on_hand"
)
_TAKE_AT = text(
    "UPDATE stock SET on_hand = on_hand - :q WHERE location_id = :l AND product_id = :p "
    "AND on_hand - reserved >= :q RETURNING on_hand"
)
_LEDGER_LINE = text(
    "INSERT INTO stock_ledger (warehouse_id, product_id, location_id, kind, on_hand_delta, "
    "reserved_delta, order_id, user_id, terminal, scan_id, reason, created_at) "
    "VALUES (:w, :p, :l, :kind, :d, 0, :o, :u, :t, :scan, :reason, :now)"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def _ledger_line(
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    delta: int,
    kind: str,
    actor: Actor,
    scan_id: str | None,
    reason: str,
    order_id: int | None = None,
) -> Statement:
    assert kind in MoveKind.ALL, kind
    return Statement(
        _LEDGER_LINE,
        {
            "w": warehouse_id,
            "p": product_id,
            "l": location_id,
            "kind": kind,
            "d": delta,
            "o": order_id,
            "u": actor.user_id,
            "t": actor.terminal,
            "scan": scan_id,
            "reason": reason,
            "now": utcnow(),
        },
    )


def receive_statements(
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    scan_id: str | None = None,
    reason: str = "",
    kind: str = MoveKind.RECEIPT,
    order_id: int | None = None,
) -> list[Statement]:
    """A receipt's three statements (the stock row made if missing, its on-hand up, the ledger
    line), to run together (`run_together`: one round trip on PostgreSQL), with others of the
    caller's; `received` checks their rows."""
    if qty <= 0:
        raise ValidationError("quantity must be positive")
    at = {"w": warehouse_id, "l": location_id, "p": product_id}
    return [
        Statement(_ENSURE_ROW, at),
        Statement(_ADD_AT, {**at, "q": qty}),
        _ledger_line(
            warehouse_id=warehouse_id,
            location_id=location_id,
            product_id=product_id,
            delta=qty,
            kind=kind,
            actor=actor,
            scan_id=scan_id,
            reason=reason,
            order_id=order_id,
        ),
    ]


def received(rows: Sequence[Sequence[Any]]) -> int:
    """The new on-hand after `receive_statements`' rows (checked)."""
    added = rows[1]
    if not added:
        raise InsufficientStock("the stock row holds more reserved than on hand: count it")
    return int(added[0][0])


def remove_statements(
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    kind: str = MoveKind.ADJUSTMENT,
    scan_id: str | None = None,
    reason: str = "",
) -> list[Statement]:
    """Taking free units out, as two statements (on-hand down if that many are free, the ledger
    line) to run together; `removed` checks their rows (a refusal must roll back)."""
    if qty <= 0:
        raise ValidationError("quantity must be positive")
    return [
        Statement(_TAKE_AT, {"l": location_id, "p": product_id, "q": qty}),
        _ledger_line(
            warehouse_id=warehouse_id,
            location_id=location_id,
            product_id=product_id,
            delta=-qty,
            kind=kind,
            actor=actor,
            scan_id=scan_id,
            reason=reason,
        ),
    ]


def removed(rows: Sequence[Sequence[Any]], location_id: int) -> int:
    """The new on-hand after `remove_statements`' rows (InsufficientStock when refused)."""
    if not rows[0]:
        raise InsufficientStock(
            f"only reserved or no stock left to remove at location {location_id}"
        )
    return int(rows[0][0][0])


def receive(
    session: Session,
    *,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    scan_id: str | None = None,
    reason: str = "",
    kind: str = MoveKind.RECEIPT,
    order_id: int | None = None,
) -> int:
    """Put `qty` units into a location (receipt, return, count gain, put-back); returns the new
    on-hand. `order_id` goes on the ledger line (units a cancelled wave had picked for it)."""
    if qty <= 0:
        raise ValidationError("quantity must be positive")
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound(f"no location {location_id}")
    statements = receive_statements(
        warehouse_id=location.warehouse_id,
        location_id=location_id,
        product_id=product_id,
        qty=qty,
        actor=actor,
        scan_id=scan_id,
        reason=reason,
        kind=kind,
        order_id=order_id,
    )
    return received(run_together(session, statements))


def remove(
    session: Session,
    *,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    kind: str = MoveKind.ADJUSTMENT,
    scan_id: str | None = None,
    reason: str = "",
) -> int:
    """Take free (unreserved) units out of a location: damage, count loss. Returns new on-hand."""
    if qty <= 0:
        raise ValidationError("quantity must be positive")
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound(f"no location {location_id}")
    _stock_id(session, location_id, product_id)  # NotFound when the product is not there
    statements = remove_statements(
        warehouse_id=location.warehouse_id,
        location_id=location_id,
        product_id=product_id,
        qty=qty,
        actor=actor,
        kind=kind,
        scan_id=scan_id,
        reason=reason,
    )
    return removed(run_together(session, statements), location_id)


def _stock_id(session: Session, location_id: int, product_id: int) -> int:
    sid = session.exec(
        select(Stock.id).where(Stock.location_id == location_id, Stock.product_id == product_id)
    ).first()
    if sid is None:
        raise NotFound(f"product {product_id} is not stocked at location {location_id}")
    return sid
