"""Moving stock between two locations of a warehouse (put-away, replenishment), with its ledger.

Free units move first. When more must move, reservations go with their units: a reservation that
no open pick task points at moves to the new location (split when only part of it moves), so a
back-order filled at the receiving dock follows its stock to the shelf. Units under an open pick
task never move: a picker is on the way to them.

Both stock rows change with conditional UPDATEs in the caller's transaction, and each side gets
its ledger lines (kind `transfer`; reserved units carry their order).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core import inventory
from wms_terminal.core.auth import Actor
from wms_terminal.core.bulk_sql import insert_ignore
from wms_terminal.core.errors import InsufficientStock, NotFound, ValidationError
from wms_terminal.core.models import Location, MoveKind, Reservation, Stock

_MOVABLE = (
    "SELECT r.id, r.qty, r.order_id, r.order_line_id FROM reservation r "
    "WHERE r.stock_id = :s AND r.status = 'active' AND r.qty > 0 AND NOT EXISTS ("
    "SELECT 1 FROM pick_task t WHERE t.reservation_id = r.id AND t.status = 'open') "
    "ORDER BY r.id"
)
_TAKE_OUT = text(
    "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :r "
    "WHERE id = :id AND reserved >= :r AND on_hand - :q >= reserved - :r RETURNING on_hand"
)
_PUT_IN = text(
    "UPDATE stock SET on_hand = on_hand + :q, reserved = reserved + :r WHERE id = :id "
    "RETURNING on_hand"
)


@dataclass(frozen=True)
class Transferred:
    qty: int
    reserved_moved: int
    from_on_hand: int
    to_on_hand: int


def transfer(
    session: Session,
    *,
    product_id: int,
    from_location_id: int,
    to_location_id: int,
    qty: int,
    actor: Actor,
    reason: str = "",
    scan_id: str | None = None,
) -> Transferred:
    """Move `qty` units; raises (and the caller rolls back) when they cannot all move."""
    if qty <= 0:
        raise ValidationError("quantity must be positive")
    if from_location_id == to_location_id:
        raise ValidationError("from and to are the same location")
    src = session.execute(
        text(
            "SELECT id, warehouse_id, on_hand - reserved FROM stock "
            "WHERE location_id = :l AND product_id = :p"
        ),
        {"l": from_location_id, "p": product_id},
    ).first()
    if src is None:
        raise InsufficientStock("nothing of this product at that location")
    src_id, warehouse_id, free = int(src[0]), int(src[1]), int(src[2])
    dest = session.get(Location, to_location_id)
    if dest is None:
        raise NotFound(f"no location {to_location_id}")
    if dest.warehouse_id != warehouse_id:
        raise ValidationError("stock moves only inside one warehouse")
    take_free = max(0, min(qty, free))
    need = qty - take_free
    moving: list[tuple[int, int, int, int, int]] = []  # reservation, its qty, moved, order, line
    if need > 0:
        lock = " FOR UPDATE OF r" if session.get_bind().dialect.name == "postgresql" else ""
        for rid, rqty, oid, lid in session.execute(text(_MOVABLE + lock), {"s": src_id}):
            if need <= 0:
                break
            m = min(need, int(rqty))
            moving.append((int(rid), int(rqty), m, int(oid), int(lid)))
            need -= m
        if need > 0:
            raise InsufficientStock(
                f"only {qty - need} can move from there now: the rest is promised to picks "
                "under way"
            )
    reserved_moved = sum(m for _, _, m, _, _ in moving)
    from_on_hand = session.execute(
        _TAKE_OUT, {"q": qty, "r": reserved_moved, "id": src_id}
    ).scalar()
    if from_on_hand is None:
        raise InsufficientStock("the stock changed meanwhile: scan again")
    insert_ignore(
        session,
        Stock,
        [
            {
                "warehouse_id": warehouse_id,
                "location_id": to_location_id,
                "product_id": product_id,
                "on_hand": 0,
                "reserved": 0,
            }
        ],
    )
    dest_id = session.execute(
        text("SELECT id FROM stock WHERE location_id = :l AND product_id = :p"),
        {"l": to_location_id, "p": product_id},
    ).scalar_one()
    to_on_hand = session.execute(
        _PUT_IN, {"q": qty, "r": reserved_moved, "id": dest_id}
    ).scalar_one()

    def line(
        location_id: int, sign: int, n: int, held: int, order_id: int | None
    ) -> dict[str, object]:
        return inventory.move(
            warehouse_id=warehouse_id,
            product_id=product_id,
            location_id=location_id,
            kind=MoveKind.TRANSFER,
            actor=actor,
            on_hand_delta=sign * n,
            reserved_delta=sign * held,
            order_id=order_id,
            scan_id=scan_id,
            reason=reason,
        )

    moves: list[dict[str, object]] = []
    if take_free:
        moves += [line(from_location_id, -1, take_free, 0, None)]
        moves += [line(to_location_id, 1, take_free, 0, None)]
    for rid, rqty, m, oid, lid in moving:
        if m == rqty:
            session.execute(
                text("UPDATE reservation SET stock_id = :s, location_id = :l WHERE id = :id"),
                {"s": dest_id, "l": to_location_id, "id": rid},
            )
        else:
            session.execute(
                text("UPDATE reservation SET qty = qty - :m WHERE id = :id"), {"m": m, "id": rid}
            )
            session.add(
                Reservation(
                    warehouse_id=warehouse_id,
                    order_id=oid,
                    order_line_id=lid,
                    stock_id=dest_id,
                    product_id=product_id,
                    location_id=to_location_id,
                    qty=m,
                )
            )
        moves += [line(from_location_id, -1, m, m, oid), line(to_location_id, 1, m, m, oid)]
    inventory.write_moves(session, moves)
    session.flush()
    return Transferred(qty, reserved_moved, int(from_on_hand), int(to_on_hand))
