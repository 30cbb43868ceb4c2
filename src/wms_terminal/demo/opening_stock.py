"""The demo's opening stock, sized to the open orders it will import: per warehouse and product,
1.3 to 1.7 times what the orders ask of it (the main warehouse ships what the others cannot ship
complete, so it covers all of it; each other warehouse the orders nearest to it), with a few
products scarce or out of stock so that back-orders and purchase orders appear at once.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from wms_terminal.core.order_files import OrderInput
from wms_terminal.demo import floor
from wms_terminal.demo.catalog import ProductSpec
from wms_terminal.demo.floor import FloorPlan

SCARCE = {"A": 4, "B": 12, "C": 12}  # products per class with only a handful of units
OUT_OF_STOCK = 6  # products with none at all


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12_742.0 * math.asin(math.sqrt(a))


def order_demand(
    orders: Iterable[OrderInput], products: list[ProductSpec]
) -> dict[str, list[float]]:
    """Units the orders ask for, per warehouse code and product index: all of it for the main
    warehouse (it ships what the others cannot ship complete), the part nearest to it for each
    of the others. One pass over the generated orders (about 3 s for 100,000)."""
    index = {p.sku: p.index for p in products}
    out = {w.code: [0.0] * len(products) for w in floor.warehouses()}
    main = floor.warehouses()[0].code
    for order in orders:
        lat, lon = order.ship_to.latitude or 0.0, order.ship_to.longitude or 0.0
        nearest = min(floor.warehouses(), key=lambda w: _km(lat, lon, w.latitude, w.longitude)).code
        for line in order.lines:
            k = index[line.sku]
            out[main][k] += line.qty
            if nearest != main:
                out[nearest][k] += line.qty
    return out


def _scarce(rng: random.Random, products: list[ProductSpec]) -> dict[int, int]:
    """Product index -> the few units it holds (0 = out of stock)."""
    out: dict[int, int] = {}
    by_class: dict[str, list[ProductSpec]] = {"A": [], "B": [], "C": []}
    for p in products:
        if p.rank > 10:  # keep the ten best sellers healthy
            by_class[p.abc].append(p)
    for cls, n in SCARCE.items():
        for p in rng.sample(by_class[cls], n):
            out[p.index] = rng.randint(1, 4)
    rest = [p for p in by_class["B"] + by_class["C"] if p.index not in out]
    for p in rng.sample(rest, OUT_OF_STOCK):
        out[p.index] = 0
    return out


def plan_stock(
    rng: random.Random, products: list[ProductSpec], demand: dict[str, list[float]]
) -> tuple[list[FloorPlan], dict[int, int]]:
    scarce = _scarce(rng, products)
    # Opening stock covers 1.3 to 1.7 times the demand of the open orders.
    cover = [rng.uniform(1.3, 1.7) for _ in products]
    plans = []
    for wh in floor.warehouses():
        wanted = {p.index: demand[wh.code][p.index] * cover[p.index] for p in products}
        plans.append(floor.plan_floor(rng, wh, products, wanted, scarce))
    return plans, scarce
