"""A small warehouse with stock, users and reserved orders, on each backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlmodel import Session

from tests import factories as f
from wms_terminal.core.auth import SYSTEM, Actor, create_user
from wms_terminal.core.codes import location_barcode, location_code
from wms_terminal.core.db import Database
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import Location, Product, Zone
from wms_terminal.picking.wave_release import ReleasedWave, release_wave
from wms_terminal.picking.wave_selection import WaveFilter

WH = "MAIN"


@dataclass
class Floor:
    db: Database
    warehouse_id: int
    zones: dict[str, int]
    products: dict[int, Product]  # by number n: SKU-0000n
    face: dict[int, Location]  # pick face of product n
    reserve: dict[int, Location] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    badges: dict[str, str] = field(default_factory=dict)  # PIN: factories.CLI_PIN
    _orders: int = 0

    def sku(self, n: int) -> str:
        return f"SKU-{n:05d}"

    def gtin(self, n: int) -> str:
        return f.gtin13(n)

    def order(
        self, lines: list[tuple[int, int]], *, flags: tuple[str, ...] = (), ext: str | None = None
    ) -> str:
        """Import one order (lines as (product n, qty)); returns its number."""
        self._orders += 1
        spec = f.order(ext or f"T{self._orders:05d}", [(self.sku(n), q) for n, q in lines])
        if flags:
            spec = type(spec)(**{**spec.__dict__, "flags": flags})
        result = import_orders(self.db, [spec], actor=SYSTEM)
        return result.order_numbers[0] if result.order_numbers else ""

    def release(self, strategy: str = "per-order", **filters: object) -> ReleasedWave:
        flt = WaveFilter(warehouse=WH, **filters)  # type: ignore[arg-type]
        return release_wave(self.db, self.actors["boss"], flt, strategy=strategy)


def _loc(
    s: Session,
    wid: int,
    zone: int,
    aisle: int,
    bay: int,
    *,
    level: int = 1,
    kind: str = "pick_face",
    min_qty: int = 0,
) -> Location:
    loc = Location(
        warehouse_id=wid,
        zone_id=zone,
        code=location_code(aisle, bay, level, "L"),
        barcode=location_barcode(WH, aisle, bay, level, "L"),
        aisle=aisle,
        bay=bay,
        level=level,
        side="L",
        kind=kind,
        capacity=500,
        min_qty=min_qty,
        max_qty=60,
    )
    s.add(loc)
    s.flush()
    return loc


def build_floor(db: Database, *, stock: int = 50, products: int = 8) -> Floor:
    """Products 1..n, each on one pick face (zone A: aisles 1-2, zone B: aisles 3-4) with `stock`
    units; product 1 also has a second pick face (aisle 2, bay 9, 20 units) and a reserve
    location (aisle 4, bay 10, level 3, 100 units); product 2's face has min_qty 45."""
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, WH, 52.37, 4.90)
        assert wh.id is not None
        zone_a = s.exec(Zone.__table__.select()).first()  # type: ignore[attr-defined]
        assert zone_a is not None
        zb = Zone(warehouse_id=wh.id, code="B", name="Zone B")
        s.add(zb)
        s.flush()
        zones = {"A": int(zone_a.id), "B": int(zb.id)}  # type: ignore[arg-type]
        floor = Floor(db, wh.id, zones, {}, {})
        for n in range(1, products + 1):
            p = f.product(s, n)
            aisle = (n - 1) % 4 + 1
            loc = _loc(
                s, wh.id, zones["A" if aisle <= 2 else "B"], aisle, n, min_qty=45 if n == 2 else 0
            )
            f.put(s, loc, p, stock)
            floor.products[n] = p
            floor.face[n] = loc
        second = _loc(s, wh.id, zones["A"], 2, 9)
        f.put(s, second, floor.products[1], 20)
        floor.reserve[1] = _loc(s, wh.id, zones["B"], 4, 10, level=3, kind="reserve")
        f.put(s, floor.reserve[1], floor.products[1], 100)
        floor.reserve[2] = _loc(s, wh.id, zones["B"], 4, 9, level=3, kind="reserve")
        f.put(s, floor.reserve[2], floor.products[2], 100)
        for username, role in (
            ("pat", "picker"),
            ("quinn", "picker"),
            ("boss", "supervisor"),
        ):
            u = create_user(s, username=username, name=username.title(), role=role, pin=f.CLI_PIN)
            assert u.id is not None
            floor.badges[username] = u.badge_code
            floor.actors[username] = Actor(u.id, username, role, terminal=f"T-{username}")
    return floor


@pytest.fixture
def floor(db: Database) -> Floor:
    return build_floor(db)
