"""Which warehouse ships an order, and which stock rows it reserves.

The order goes to the warehouse that can ship it complete, the nearest to its destination when
several can; when none can, to the one that can ship the most (nearest on a tie), and the rest is
back-ordered. A `StockMirror` keeps free stock per warehouse and product for one import chunk, so
the whole chunk is planned in memory and applied with one conditional UPDATE (`take_planned`); a
session given to `choose_and_reserve` instead reserves row by row with conditional UPDATEs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.inventory import StockRow, Taken, candidate_rows_in, plan, take


@dataclass(frozen=True)
class WarehouseSite:
    id: int
    latitude: float
    longitude: float
    country: str


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12_742.0 * math.asin(math.sqrt(a))


def rank_warehouses(
    sites: Sequence[WarehouseSite], *, lat: float | None, lon: float | None, country: str
) -> list[int]:
    """Warehouse ids, nearest first; by country when the destination has no coordinates."""

    def key(w: WarehouseSite) -> tuple[float, int]:
        if lat is not None and lon is not None:
            return (km(lat, lon, w.latitude, w.longitude), w.id)
        return (0.0 if w.country and w.country == country else 1.0, w.id)

    return [w.id for w in sorted(sites, key=key)]


class StockMirror:
    """Free stock per warehouse and product for one chunk, kept in step with what we take."""

    def __init__(self, session: Session, warehouse_ids: list[int], product_ids: set[int]) -> None:
        self.rows = candidate_rows_in(session, warehouse_ids, product_ids)

    def free(self, wid: int, pid: int) -> int:
        return sum(r.available for r in self.rows[wid].get(pid, []))

    def taken(self, wid: int, t: Taken, sign: int = 1) -> None:
        rows = self.rows[wid][t.product_id]
        for i, r in enumerate(rows):
            if r.stock_id == t.stock_id:
                rows[i] = StockRow(
                    r.stock_id,
                    r.location_id,
                    r.product_id,
                    max(0, r.available - sign * t.qty),
                    r.pick_face,
                )


def choose_and_reserve(
    session: Session | None, need: dict[int, int], ranked: list[int], mirror: StockMirror
) -> tuple[int, list[Taken]]:
    """Pick the warehouse for `need` (units per product); returns it and what was reserved.

    With no session this only plans against the mirror; `take_planned` applies the plan later.
    """
    for wid in ranked:
        if all(mirror.free(wid, pid) >= q for pid, q in need.items()):
            takes = _take_all(session, wid, need, mirror)
            if sum(t.qty for t in takes) == sum(need.values()):
                return wid, takes
            _give_back(session, wid, takes, mirror)  # lost a race: try the next warehouse
    best = max(
        ranked,
        key=lambda w: (sum(min(mirror.free(w, p), q) for p, q in need.items()), -ranked.index(w)),
    )
    return best, _take_all(session, best, need, mirror)


def _take_all(
    session: Session | None, wid: int, need: dict[int, int], mirror: StockMirror
) -> list[Taken]:
    takes: list[Taken] = []
    for pid, qty in need.items():
        rows = mirror.rows[wid].get(pid, [])
        got = plan(rows, qty) if session is None else take(session, rows, qty)
        for t in got:
            mirror.taken(wid, t)
        takes += got
    return takes


def _give_back(session: Session | None, wid: int, takes: list[Taken], mirror: StockMirror) -> None:
    for t in takes:
        if session is not None:
            session.execute(
                text("UPDATE stock SET reserved = reserved - :q WHERE id = :id"),
                {"q": t.qty, "id": t.stock_id},
            )
        mirror.taken(wid, t, sign=-1)


def allot(pool: list[Taken], qty: int) -> list[Taken]:
    """Take up to `qty` units off the front of `pool` (splitting a Taken when needed): shares
    one product's reserved units out over the order lines that ask for it."""
    out: list[Taken] = []
    while qty > 0 and pool:
        t = pool[0]
        if t.qty <= qty:
            out.append(pool.pop(0))
            qty -= t.qty
        else:
            out.append(Taken(t.stock_id, t.location_id, t.product_id, qty))
            pool[0] = Taken(t.stock_id, t.location_id, t.product_id, t.qty - qty)
            qty = 0
    return out
