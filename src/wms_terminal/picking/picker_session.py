"""What a picker's terminal reads besides the flows: where the picker works and the list they
hold (the metres left on a route: picking.route_left).

Read-only, one short transaction each; the screens and the headless driver call these instead of
touching tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.core.models import User, Warehouse
from wms_terminal.picking.claims import held_in


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
    user_id = actor.user_id
    with db.reading() as s:
        return held_in(s, user_id, warehouse_id)
