"""The locations a warehouse keeps for stock that is not pickable, each made on first use:

- receiving: where purchase orders are received; put-away tasks take the units to the shelves.
- damaged: where a picker's damaged units wait for a supervisor to write them off or send them
  back to the shelves (`picking.damaged`).

Both sit at level 0 at the front of the depot aisle, in the zone nearest the depot; their labels
read like any location's (L-WH-AA-BB-0L). Neither is reserved from (`inventory.PICKABLE`).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wms_terminal.core.codes import location_barcode, location_code
from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import Location, LocationKind, Warehouse, Zone
from wms_terminal.core.statements import Statement

LITRES = {LocationKind.RECEIVING: 20_000, LocationKind.DAMAGED: 2_000}  # a dock; a cage


def receiving_location(session: Session, warehouse_id: int) -> Location:
    return _made(session, warehouse_id, LocationKind.RECEIVING)


def damaged_location(session: Session, warehouse_id: int) -> Location:
    return _made(session, warehouse_id, LocationKind.DAMAGED)


def _made(session: Session, warehouse_id: int, kind: str) -> Location:
    found = _find(session, warehouse_id, kind)
    if found is not None:
        return found
    wh = session.get(Warehouse, warehouse_id)
    if wh is None:
        raise NotFound(f"no warehouse {warehouse_id}")
    zone_id = session.exec(
        select(Zone.id)
        .where(col(Zone.warehouse_id) == warehouse_id)
        .order_by(col(Zone.travel_rank), col(Zone.id))
    ).first()
    try:
        with session.begin_nested():
            if zone_id is None:
                zone = Zone(warehouse_id=warehouse_id, code="RCV", name="Receiving")
                session.add(zone)
                session.flush()
                zone_id = zone.id
            assert zone_id is not None
            aisle = int((wh.layout or {}).get("depot_aisle", 1))
            taken = set(
                session.exec(select(Location.code).where(col(Location.warehouse_id) == wh.id))
            )
            bay, side = next(
                (b, s)
                for b in range(1, 1000)
                for s in "LR"
                if location_code(aisle, b, 0, s) not in taken
            )
            made = Location(
                warehouse_id=warehouse_id,
                zone_id=zone_id,
                code=location_code(aisle, bay, 0, side),
                barcode=location_barcode(wh.code, aisle, bay, 0, side),
                aisle=aisle,
                bay=bay,
                level=0,
                side=side,
                kind=kind,
                capacity=LITRES[kind],
            )
            session.add(made)
            session.flush()
    except IntegrityError:  # another terminal made it a moment ago
        found = _find(session, warehouse_id, kind)
        if found is None:
            raise
        return found
    return made


# The service location of a kind: the first active one (ids only grow: the one made first).
_WHERE = " FROM location WHERE warehouse_id = :w AND kind = :k AND active ORDER BY id LIMIT 1"


def find_statement(warehouse_id: int, kind: str) -> Statement:
    """The service location's (id, code), as a statement to send with others
    (`run_together`); no row when it is not made yet (then `receiving_location` /
    `damaged_location` make it)."""
    return Statement(text("SELECT id, code" + _WHERE), {"w": warehouse_id, "k": kind})


def _find(session: Session, warehouse_id: int, kind: str) -> Location | None:
    stmt = text("SELECT location.*" + _WHERE).bindparams(w=warehouse_id, k=kind)
    return session.scalars(select(Location).from_statement(stmt)).first()
