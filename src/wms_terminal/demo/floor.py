"""The demo floor: two warehouses with zones, locations, slotting and opening stock (pure planning;
`wms_terminal.demo.build` writes it).

Geometry is the routing model of `picking/layout.py`, stored in `Warehouse.layout`: aisle `a` at
x = (a-1) * pitch, bay `b` at y = (b-0.5) * bay width, the depot at the front of the depot aisle.
Both sides (L, R) of an aisle are picked from its centre line.

- Levels 1..pick_levels are pick faces (one product each), the levels above are reserve pallets.
- `Location.capacity` is the usable volume in litres (a shelf bin for pick faces, a pallet for
  reserve); `max_qty` is how many units of the slotted product fit in its pick face and `min_qty`
  (a quarter of that) is the replenishment trigger. Unslotted pick faces have min = max = 0.
- Zones are bands of aisles ordered by walking distance from the depot: travel rank 0 is the
  nearest. Products are slotted by popularity rank: the fastest movers get the pick faces of the
  travel-rank-0 zone, nearest the depot first.
- Opening stock covers the demand the demo's orders are expected to make (so `--orders 100000`
  still reserves most orders), with a floor per ABC class; A and B products also hold reserve
  pallets above their pick face. A few products are deliberately scarce or out of stock, so that
  back-orders and purchase orders show.
"""

from __future__ import annotations

import functools
import math
import random
import tomllib
from dataclasses import dataclass, field
from typing import Any

from wms_terminal.core.codes import location_barcode, location_code
from wms_terminal.core.models import LocationKind
from wms_terminal.demo.catalog import ProductSpec
from wms_terminal.resources import asset

# Usable volume (litres) of a shelf bin per pick face and of a pallet position in reserve.
PICK_FACE_LITRES = 300
RESERVE_LITRES = 1_400
FILL = 0.8  # share of a location's volume that boxes really fill


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    aisles: tuple[int, ...]


@dataclass(frozen=True)
class WarehouseSpec:
    code: str
    name: str
    street: str
    city: str
    postcode: str
    country: str
    latitude: float
    longitude: float
    aisles: int
    bays: int
    levels: int
    pick_levels: int
    aisle_pitch_m: float
    bay_width_m: float
    cross_aisles: int
    depot_aisle: int
    zone_names: tuple[str, ...]
    totes: int
    assortment: int  # how many of the most popular products it stocks

    def layout(self) -> dict[str, Any]:
        return {
            "aisles": self.aisles,
            "bays": self.bays,
            "aisle_pitch_m": self.aisle_pitch_m,
            "bay_width_m": self.bay_width_m,
            "cross_aisles": self.cross_aisles,
            "depot_aisle": self.depot_aisle,
        }

    def zones(self) -> list[ZoneSpec]:
        """Bands of aisles by distance from the depot aisle, nearest first."""
        order = sorted(range(1, self.aisles + 1), key=lambda a: (abs(a - self.depot_aisle), a))
        n = len(self.zone_names)
        out = []
        for i, name in enumerate(self.zone_names):
            part = order[i * len(order) // n : (i + 1) * len(order) // n]
            out.append(ZoneSpec(chr(ord("A") + i), name, tuple(sorted(part))))
        return out

    def walk_m(self, aisle: int, bay: int) -> float:
        """Walking distance from the depot to a pick point along the front cross-aisle."""
        return abs(aisle - self.depot_aisle) * self.aisle_pitch_m + (bay - 0.5) * self.bay_width_m


DEFINITION = ("demo", "warehouse.toml")  # under assets/


@functools.cache
def definition() -> dict[str, Any]:
    """The demo warehouse definition file (assets/demo/warehouse.toml), read once."""
    with asset(*DEFINITION).open("rb") as fh:
        return tomllib.load(fh)


@functools.cache
def warehouses() -> tuple[WarehouseSpec, ...]:
    """The demo warehouses from the definition file, the main one first."""
    out = []
    for w in definition()["warehouse"]:
        out.append(WarehouseSpec(**{**w, "zone_names": tuple(w["zone_names"])}))
    return tuple(out)


@dataclass
class LocSpec:
    aisle: int
    bay: int
    level: int
    side: str
    zone: str
    kind: str
    capacity: int
    min_qty: int = 0
    max_qty: int = 0
    walk_m: float = 0.0

    def code(self) -> str:
        return location_code(self.aisle, self.bay, self.level, self.side)

    def barcode(self, warehouse: str) -> str:
        return location_barcode(warehouse, self.aisle, self.bay, self.level, self.side)


@dataclass
class FloorPlan:
    warehouse: WarehouseSpec
    zones: list[ZoneSpec]
    locations: list[LocSpec]
    # (location index, product index, units)
    stock: list[tuple[int, int, int]] = field(default_factory=list)
    # product index -> pick face location index
    faces: dict[int, int] = field(default_factory=dict)


def locations(wh: WarehouseSpec, zones: list[ZoneSpec]) -> list[LocSpec]:
    zone_of = {a: z.code for z in zones for a in z.aisles}
    out = []
    for aisle in range(1, wh.aisles + 1):
        for bay in range(1, wh.bays + 1):
            for level in range(1, wh.levels + 1):
                for side in ("L", "R"):
                    face = level <= wh.pick_levels
                    out.append(
                        LocSpec(
                            aisle=aisle,
                            bay=bay,
                            level=level,
                            side=side,
                            zone=zone_of[aisle],
                            kind=LocationKind.PICK_FACE if face else LocationKind.RESERVE,
                            capacity=PICK_FACE_LITRES if face else RESERVE_LITRES,
                            walk_m=wh.walk_m(aisle, bay),
                        )
                    )
    return out


MAX_FACE_UNITS = 400  # a pick face holds at most this many units, however small they are


def units_fitting(litres: float, product: ProductSpec, cap: int = 9_999) -> int:
    return max(1, min(cap, math.floor(litres * FILL / max(product.volume_l, 0.01))))


def plan_floor(
    rng: random.Random,
    wh: WarehouseSpec,
    products: list[ProductSpec],
    demand: dict[int, float],
    scarce: dict[int, int],
) -> FloorPlan:
    """Slot the warehouse's assortment and lay out its opening stock.

    `demand` is the expected units per product index this warehouse should cover; `scarce` maps
    product index -> the few units (possibly 0) it holds instead.
    """
    zones = wh.zones()
    locs = locations(wh, zones)
    plan = FloorPlan(wh, zones, locs)
    zone_rank = {z.code: i for i, z in enumerate(zones)}
    faces = sorted(
        (i for i, loc in enumerate(locs) if loc.kind == LocationKind.PICK_FACE),
        key=lambda i: (zone_rank[locs[i].zone], locs[i].walk_m, locs[i].level, locs[i].side),
    )
    by_rank = sorted(products, key=lambda p: p.rank)[: min(wh.assortment, len(faces))]
    above: dict[tuple[int, int, str], list[int]] = {}
    for i, loc in enumerate(locs):
        if loc.kind == LocationKind.RESERVE:
            above.setdefault((loc.aisle, loc.bay, loc.side), []).append(i)
    used: set[int] = set()
    overflow: list[tuple[int, int, int]] = []  # (product index, face index, units left)
    for product, face_idx in zip(by_rank, faces, strict=False):
        face = locs[face_idx]
        face.max_qty = units_fitting(face.capacity, product, MAX_FACE_UNITS)
        face.min_qty = max(1, face.max_qty // 4)
        plan.faces[product.index] = face_idx
        if product.index in scarce:
            if scarce[product.index]:
                plan.stock.append((face_idx, product.index, scarce[product.index]))
            continue
        floor = {"A": (30, 120), "B": (12, 60), "C": (3, 24)}[product.abc]
        target = max(rng.randint(*floor), math.ceil(demand.get(product.index, 0.0)))
        in_face = min(target, face.max_qty)
        if in_face < face.max_qty and product.abc != "C":
            # Top the face up towards its maximum the way a replenishment would.
            in_face = max(in_face, min(face.max_qty, face.min_qty + rng.randint(0, face.max_qty)))
        plan.stock.append((face_idx, product.index, in_face))
        rest = target - in_face
        if product.abc in ("A", "B"):
            cases = rng.randint(6, 24) if product.abc == "A" else rng.randint(2, 10)
            rest = max(rest, cases * product.case_qty)
        if rest <= 0:
            continue
        pallet = units_fitting(RESERVE_LITRES, product)
        for r in above.get((face.aisle, face.bay, face.side), []):
            if rest <= 0:
                break
            qty = min(rest, pallet)
            plan.stock.append((r, product.index, qty))
            used.add(r)
            rest -= qty
        if rest > 0:
            overflow.append((product.index, face_idx, rest))
    # Products that need more than the pallets above their face: the nearest free reserve.
    free = [i for i, loc in enumerate(locs) if loc.kind == LocationKind.RESERVE and i not in used]
    for pidx, face_idx, rest in overflow:
        face = locs[face_idx]
        pallet = units_fitting(RESERVE_LITRES, products[pidx])
        free.sort(key=lambda i: abs(locs[i].aisle - face.aisle) * 10 + abs(locs[i].bay - face.bay))
        while rest > 0 and free:
            r = free.pop(0)
            qty = min(rest, pallet)
            plan.stock.append((r, pidx, qty))
            rest -= qty
    return plan
