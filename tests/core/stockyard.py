"""A small warehouse for move-task and receiving tests: pick faces below their minimum, reserve
stock, an empty reserve location, users who log in, and helpers that read what a user would."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from tests import factories as f
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.models import Location, Reservation, Stock, StockMove


@dataclass
class Yard:
    db: Database
    wh: int
    product: dict[int, int]  # product n -> id
    face: dict[int, Location]
    reserve: dict[int, Location]
    empty_reserve: Location
    actors: dict[str, Actor] = field(default_factory=dict)

    def sku(self, n: int) -> str:
        return f"SKU-{n:05d}"

    def gtin(self, n: int) -> str:
        return f.gtin13(n)

    def stock(self, loc: Location | int, n: int) -> tuple[int, int]:
        lid = loc if isinstance(loc, int) else loc.id
        with self.db.reading() as s:
            row = s.exec(
                select(Stock).where(Stock.location_id == lid, Stock.product_id == self.product[n])
            ).first()
            return (row.on_hand, row.reserved) if row else (0, 0)


def build(db: Database) -> Yard:
    """Products 1 and 2: pick face (min 5, max 200) with 3 and 2 units, reserve with 50 and 40.
    Product 3 (reorder point 2, reorder qty 10): 1 unit on its face, nothing in reserve."""
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "MAIN", 52.37, 4.90)
        assert wh.id is not None
        product, face, reserve = {}, {}, {}
        for n, (on_face, in_reserve) in {1: (3, 50), 2: (2, 40), 3: (1, 0)}.items():
            p = f.product(s, n, reorder_point=2 if n == 3 else 0, reorder_qty=10 if n == 3 else 0)
            assert p.id is not None
            product[n] = p.id
            face[n] = f.location(s, wh, 1, n, min_qty=5)
            f.put(s, face[n], p, on_face)
            reserve[n] = f.location(s, wh, 3, n, level=3, kind="reserve")
            if in_reserve:
                f.put(s, reserve[n], p, in_reserve)
        empty = f.location(s, wh, 4, 1, level=3, kind="reserve")
        actors = {}
        for name, role in (("ann", "picker"), ("bob", "picker"), ("cy", "picker")):
            u = create_user(s, username=name, name=name.title(), role=role, pin="1234")
            actors[name] = Actor(user_id=u.id, username=name, role=role, terminal=f"T-{name}")
        u = create_user(s, username="sue", name="Sue", role="supervisor", pin="1234")
        actors["sue"] = Actor(user_id=u.id, username="sue", role="supervisor", terminal="T-sue")
        s.expunge_all()
    return Yard(db, wh.id, product, face, reserve, empty, actors)


def ledger_matches_stock(db: Database) -> None:
    """What `wms-terminal check` verifies: stock equals its ledger per location and product, and
    the reserved units equal the active reservations on each row."""
    with db.reading() as s:
        for st in s.exec(select(Stock)):
            on_hand, reserved = s.execute(
                select(
                    func.coalesce(func.sum(StockMove.on_hand_delta), 0),
                    func.coalesce(func.sum(StockMove.reserved_delta), 0),
                ).where(
                    StockMove.location_id == st.location_id, StockMove.product_id == st.product_id
                )
            ).one()
            held = s.execute(
                select(func.coalesce(func.sum(Reservation.qty), 0)).where(
                    Reservation.stock_id == st.id, Reservation.status == "active"
                )
            ).scalar_one()
            assert (st.on_hand, st.reserved) == (on_hand, reserved), st
            assert st.reserved == held, st
            assert 0 <= st.reserved <= st.on_hand, st
