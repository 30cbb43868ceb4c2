"""Setting a location's stock to what is really there: the count's result and a supervisor's
adjustment share it.

A gain goes in with its ledger line and re-reserves waiting back-orders; a loss takes the free
units first, and when it reaches reserved units those reservations move elsewhere or are
back-ordered (`relocation.move_reservations`) before the units leave the books. All in the
caller's transaction.

    adjust_stock(db, actor, location=, sku=, qty= | delta=, reason_code=, note=) -> Adjusted
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session, col

from wms_terminal.core import stock_in_out
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.cart_expiry import release_on_stock
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import MoveKind, Stock
from wms_terminal.picking.relocation import Closing, MovedOrder, move_reservations

# Why a supervisor changes stock by hand (the ledger line and the audit entry carry it).
ADJUST_REASONS = ("damaged", "lost", "found", "expired", "theft", "correction")
MAX_UNITS = 1_000_000


@dataclass(frozen=True)
class Change:
    location_id: int
    product_id: int
    before: int
    after: int
    moved: list[MovedOrder] = field(default_factory=list)
    rereserved: list[int] = field(default_factory=list)

    @property
    def diff(self) -> int:
        return self.after - self.before

    def as_data(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "diff": self.diff,
            "moved_orders": [m.as_data() for m in self.moved],
            "backordered": sum(m.backordered for m in self.moved),
            "rereserved_orders": self.rereserved,
        }


def set_quantity(
    session: Session,
    *,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    kind: str,
    reason: str,
    closing: Closing,
    scan_id: str | None = None,
) -> Change:
    """Make the on-hand of the product at the location `qty`, with ledger lines."""
    # Locked (PostgreSQL): nothing else moves this row until the change is committed.
    row = session.execute(
        sa_select(col(Stock.on_hand), col(Stock.reserved))
        .where(col(Stock.location_id) == location_id, col(Stock.product_id) == product_id)
        .with_for_update()
    ).first()
    before, reserved = (int(row[0]), int(row[1])) if row else (0, 0)
    moved: list[MovedOrder] = []
    rereserved: list[int] = []
    if qty > before:
        stock_in_out.receive(
            session,
            location_id=location_id,
            product_id=product_id,
            qty=qty - before,
            actor=actor,
            scan_id=scan_id,
            reason=reason,
            kind=kind,
        )
        wid = session.execute(
            text("SELECT warehouse_id FROM location WHERE id = :l"), {"l": location_id}
        ).scalar_one()
        rereserved = rereserve(session, warehouse_id=wid, product_ids=[product_id], actor=actor)
    elif qty < before:
        loss = before - qty
        free = before - reserved
        if loss > free:  # shoppers' carts give way first: no order loses its units for them
            free += release_on_stock(
                session,
                location_id=location_id,
                product_id=product_id,
                need=loss - free,
                user_id=actor.user_id,
                terminal=actor.terminal,
            )
        if loss > free:
            moved = move_reservations(
                session,
                location_id=location_id,
                product_id=product_id,
                qty=loss - free,
                actor=actor,
                closing=closing,
                reason=reason,
                scan_id=scan_id,
            )
        stock_in_out.remove(
            session,
            location_id=location_id,
            product_id=product_id,
            qty=loss,
            actor=actor,
            kind=kind,
            scan_id=scan_id,
            reason=reason,
        )
    return Change(location_id, product_id, before, qty, moved, rereserved)


@dataclass(frozen=True)
class Adjusted:
    location: str
    sku: str
    reason_code: str
    change: Change

    def as_data(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "sku": self.sku,
            "reason_code": self.reason_code,
            **self.change.as_data(),
        }


def find_location(session: Session, code: str, warehouse_id: int | None = None) -> tuple[int, str]:
    """(id, code) of a location by its label (L-...) or its code, e.g. 01-02-1L."""
    code = code.strip()
    rows = session.execute(
        text(
            "SELECT id, code, warehouse_id FROM location WHERE barcode = :c OR code = :c "
            "ORDER BY id"
        ),
        {"c": code},
    ).all()
    rows = [r for r in rows if warehouse_id is None or r[2] == warehouse_id]
    if not rows:
        raise NotFound(f"no location {code!r}")
    if len(rows) > 1:
        raise ValidationError(f"location {code!r} exists in several warehouses: scan its label")
    return int(rows[0][0]), str(rows[0][1])


def find_product(session: Session, sku: str) -> int:
    pid = session.execute(
        text("SELECT id FROM product WHERE sku = :s"), {"s": sku.strip()}
    ).scalar()
    if pid is None:
        raise NotFound(f"no product with SKU {sku.strip()!r}")
    return int(pid)


def adjust_stock(
    db: Database,
    actor: Actor,
    *,
    location: str,
    sku: str,
    reason_code: str,
    qty: int | None = None,
    delta: int | None = None,
    note: str = "",
) -> Adjusted:
    """A supervisor sets the stock of `sku` at `location` to `qty` (or changes it by `delta`),
    with a reason code: ledger lines, moved reservations and the audit entry in one
    transaction."""
    require(actor, "adjust_stock")
    if reason_code not in ADJUST_REASONS:
        raise ValidationError(f"reason code must be one of {', '.join(ADJUST_REASONS)}")
    if (qty is None) == (delta is None):
        raise ValidationError("give the new quantity or the change, not both")
    for value in (qty, delta):
        if value is not None and abs(value) > MAX_UNITS:
            raise ValidationError(f"at most {MAX_UNITS:,} units")
    if qty is not None and qty < 0:
        raise ValidationError("the new quantity cannot be negative")
    if len(note) > 150 or any(not ch.isprintable() for ch in note):
        raise ValidationError("the note is at most 150 printable characters")

    def body(session: Session) -> Adjusted:
        lid, code = find_location(session, location)
        pid = find_product(session, sku)
        before = session.execute(
            text("SELECT on_hand FROM stock WHERE location_id = :l AND product_id = :p"),
            {"l": lid, "p": pid},
        ).scalar()
        new = qty if qty is not None else int(before or 0) + (delta or 0)
        if new < 0:
            raise ValidationError(f"{code} holds {int(before or 0)}: cannot take {-(delta or 0)}")
        reason = f"adjust {reason_code}" + (f": {note}" if note else "")
        change = set_quantity(
            session,
            location_id=lid,
            product_id=pid,
            qty=new,
            actor=actor,
            kind=MoveKind.ADJUSTMENT,
            reason=reason[:200],
            closing=Closing("short", "ADJUST"),
        )
        wid = session.execute(
            text("SELECT warehouse_id FROM location WHERE id = :l"), {"l": lid}
        ).scalar_one()
        record(
            session,
            action="stock_adjusted",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=wid,
            entity="stock",
            entity_id=f"{lid}:{pid}",
            reason_code=reason_code,
            location=code,
            sku=sku.strip(),
            note=note,
            **change.as_data(),
        )
        return Adjusted(code, sku.strip(), reason_code, change)

    return db.run(body, what="stock adjustment")
