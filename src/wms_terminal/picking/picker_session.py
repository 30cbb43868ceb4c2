"""What a picker's terminal reads besides the flows: where the picker works and the list they
hold (the metres left on a route: picking.route_left).

Read-only, one short transaction each; the screens and the headless driver call these instead of
touching tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ConfigurationError, WmsError
from wms_terminal.core.models import User, Warehouse, Zone
from wms_terminal.picking.claims import held_in


@dataclass(frozen=True)
class Workplace:
    """The signed-in user's name and the warehouse their terminal works in."""

    user_name: str
    warehouse_id: int
    warehouse_code: str


class WhichWarehouse(WmsError):
    """Several warehouses and none chosen nor the user's own: the terminal asks for its code."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        super().__init__(f"Which warehouse? Scan or key its code: {', '.join(codes)}")
        self.codes = codes


def workplace(db: Database, actor: Actor, code: str | None = None) -> Workplace:
    """Where the terminal works: the warehouse `code` names (chosen on the terminal or given as
    --warehouse, any case), else the user's home warehouse, else the only one. Several and none
    of these: `WhichWarehouse` (asked, never guessed); an unknown code or no warehouse at all:
    WmsError."""
    with db.reading() as s:
        user = s.get(User, actor.user_id) if actor.user_id is not None else None
        if code and code.strip():
            wanted = code.strip().upper()
            wh = s.exec(select(Warehouse).where(func.upper(col(Warehouse.code)) == wanted)).first()
            if wh is None:
                raise WmsError(f"no warehouse {code.strip()}")
        else:
            wh = s.get(Warehouse, user.warehouse_id) if user and user.warehouse_id else None
        if wh is None:
            found = s.exec(select(Warehouse).order_by(col(Warehouse.code)).limit(50)).all()
            if not found:
                raise ConfigurationError("no warehouse is set up: import the floor first")
            if len(found) > 1:
                raise WhichWarehouse(tuple(w.code for w in found))
            wh = found[0]
        assert wh.id is not None
        return Workplace(user.name if user else actor.username, wh.id, wh.code)


def zone_id(db: Database, warehouse_id: int, code: str) -> int:
    """The zone of that warehouse with this code (WmsError when there is none)."""
    with db.reading() as s:
        zone = s.exec(
            select(Zone).where(Zone.warehouse_id == warehouse_id, Zone.code == code)
        ).first()
    if zone is None or zone.id is None:
        raise WmsError(f"no zone {code} in that warehouse")
    return zone.id


def held_list(db: Database, actor: Actor, warehouse_id: int) -> int | None:
    """The pick list this picker holds in that warehouse (signed out or dropped mid-list)."""
    if actor.user_id is None:
        return None
    user_id = actor.user_id
    with db.reading() as s:
        return held_in(s, user_id, warehouse_id)
