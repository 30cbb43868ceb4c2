"""What a picker's terminal reads besides the flows: where the picker works, the list they hold,
and the metres left on the route of a list.

Read-only, one short transaction each; the screens and the headless driver call these instead of
touching tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import col, select

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.core.models import User, Warehouse
from wms_terminal.picking.layout import DEPOT, Stop
from wms_terminal.picking.wave_batching import clamp, layout_of


@dataclass(frozen=True)
class Workplace:
    """The signed-in user's name and the warehouse their terminal works in."""

    user_name: str
    warehouse_id: int
    warehouse_code: str


def workplace(db: Database, actor: Actor) -> Workplace:
    """The user's home warehouse, or the first warehouse when they have none."""
    with db.reading() as s:
        user = s.get(User, actor.user_id) if actor.user_id is not None else None
        wh = s.get(Warehouse, user.warehouse_id) if user and user.warehouse_id else None
        if wh is None:
            wh = s.exec(select(Warehouse).order_by(col(Warehouse.id))).first()
        if wh is None or wh.id is None:
            raise ConfigurationError("no warehouse is set up: import the floor first")
        return Workplace(user.name if user else actor.username, wh.id, wh.code)


def held_list(db: Database, actor: Actor, warehouse_id: int) -> int | None:
    """The pick list this picker holds in that warehouse (signed out or dropped mid-list)."""
    if actor.user_id is None:
        return None
    with db.reading() as s:
        got = s.execute(
            text(
                "SELECT id FROM pick_list WHERE claimed_by = :u AND status = 'claimed' "
                "AND warehouse_id = :w ORDER BY claimed_at, id LIMIT 1"
            ),
            {"u": actor.user_id, "w": warehouse_id},
        ).scalar()
    return int(got) if got is not None else None


_STOPS = (
    "SELECT pt.status, l.aisle, l.bay FROM pick_task pt JOIN location l ON l.id = pt.location_id "
    "WHERE pt.pick_list_id = :l ORDER BY pt.seq, pt.id"
)


def metres_left(db: Database, pick_list_id: int) -> float:
    """Walking metres from the last pick made (or the depot) through the open picks, in route
    order, back to the depot."""
    with db.reading() as s:
        layout_data = s.execute(
            text(
                "SELECT w.layout, w.code FROM pick_list pl JOIN warehouse w "
                "ON w.id = pl.warehouse_id WHERE pl.id = :l"
            ),
            {"l": pick_list_id},
        ).first()
        rows = s.execute(text(_STOPS), {"l": pick_list_id}).all()
    if layout_data is None:
        return 0.0
    data = layout_data[0]
    if isinstance(data, str):  # SQLite hands JSON back as text through a plain SELECT
        import json

        data = json.loads(data)
    layout = layout_of(data, warehouse=str(layout_data[1]))
    here: Stop = DEPOT
    left, open_picks = 0.0, 0
    for status, aisle, bay in rows:
        point = clamp(layout, int(aisle), int(bay))
        if status == "open":
            left += layout.distance(here, point)
            open_picks += 1
        here = point
    return left + layout.distance(here, DEPOT) if open_picks else 0.0
