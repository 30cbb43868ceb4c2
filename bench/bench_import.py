"""Import and reserve 10,000 orders (about 50,000 lines) on SQLite and PostgreSQL.

Targets (issue 2): <= 10 s on SQLite, <= 20 s on PostgreSQL, on a 2-core machine.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import insert
from stdnum import ean

from _setup import scratch_postgres, scratch_sqlite
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    CurrencyRate,
    Location,
    Product,
    ProductBarcode,
    Stock,
    Warehouse,
    Zone,
)
from wms_terminal.core.order_files import AddressInput, LineInput, OrderInput

ORDERS = 10_000
PRODUCTS = 2_000


def populate(db: Database) -> None:
    """Two warehouses, 2,000 products each stocked in one pick face per warehouse."""
    with db.transaction() as s:
        s.add_all(
            [
                CurrencyRate(currency=c, rate_to_eur=Decimal(r))
                for c, r in (("EUR", "1"), ("USD", "0.92"), ("GBP", "1.17"))
            ]
        )
        for code, lat, lon in (("MAIN", 51.92, 4.48), ("EAST", 52.52, 13.40)):
            wh = Warehouse(code=code, name=code, latitude=lat, longitude=lon, layout={})
            s.add(wh)
            s.flush()
            zone = Zone(warehouse_id=wh.id or 0, code="A", name="A")
            s.add(zone)
            s.flush()
            s.execute(
                insert(Location.__table__),
                [  # type: ignore[attr-defined]
                    {
                        "warehouse_id": wh.id,
                        "zone_id": zone.id,
                        "code": f"{i}",
                        "barcode": f"L-{code}-{i:05d}",
                        "aisle": 1 + i // 100,
                        "bay": 1 + i % 100,
                        "level": 1,
                        "side": "L",
                        "kind": "pick_face",
                        "capacity": 10_000,
                        "min_qty": 0,
                        "max_qty": 0,
                        "active": True,
                    }
                    for i in range(PRODUCTS)
                ],
            )
        s.execute(
            insert(Product.__table__),
            [  # type: ignore[attr-defined]
                {
                    "sku": f"SKU-{i:05d}",
                    "name": f"Product {i}",
                    "length_mm": 100,
                    "width_mm": 100,
                    "height_mm": 100,
                    "weight_g": 250,
                    "reorder_point": 20,
                    "reorder_qty": 100,
                    "cost": Decimal("1"),
                    "price": Decimal("5"),
                    "currency": "EUR",
                    "active": True,
                }
                for i in range(PRODUCTS)
            ],
        )
        s.execute(
            insert(ProductBarcode.__table__),
            [  # type: ignore[attr-defined]
                {
                    "product_id": i + 1,
                    "barcode": (b := f"871{i:09d}") + ean.calc_check_digit(b),
                    "kind": "gtin13",
                    "pack_qty": 1,
                }
                for i in range(PRODUCTS)
            ],
        )
        s.execute(
            insert(Stock.__table__),
            [  # type: ignore[attr-defined]
                {
                    "warehouse_id": w + 1,
                    "location_id": w * PRODUCTS + i + 1,
                    "product_id": i + 1,
                    "on_hand": 150 if w == 0 else 60,
                    "reserved": 0,
                }
                for w in range(2)
                for i in range(PRODUCTS)
            ],
        )


def orders(seed: int = 1) -> list[OrderInput]:
    rng = random.Random(seed)
    out = []
    for n in range(ORDERS):
        k = min(12, max(1, int(rng.expovariate(1 / 5)) + 1))
        skus = rng.sample(range(PRODUCTS), k)
        lat, lon = rng.uniform(43, 55), rng.uniform(-3, 16)
        out.append(
            OrderInput(
                channel=rng.choice(("web", "marketplace", "phone")),
                external_id=f"B-{n}",
                currency=rng.choice(("EUR", "USD", "GBP")),
                customer_name=f"Customer {n % 3000}",
                customer_email=f"c{n % 3000}@example.com",
                ship_to=AddressInput(
                    name=f"Customer {n}", country="DE", latitude=lat, longitude=lon
                ),
                lines=tuple(
                    LineInput(f"SKU-{i:05d}", rng.randint(1, 3), Decimal("9.99")) for i in skus
                ),
            )
        )
    return out


def run(label: str, db: Database, work: list[OrderInput]) -> None:
    populate(db)
    lines = sum(len(o.lines) for o in work)
    started = time.perf_counter()
    result = import_orders(db, work, actor=SYSTEM, name="bench")
    elapsed = time.perf_counter() - started
    print(
        f"{label:10s} {result.created:6d} orders {lines:6d} lines in {elapsed:6.2f} s "
        f"= {lines / elapsed:8.0f} lines/s; back-ordered lines {result.backordered_lines}, "
        f"purchase orders {len(result.purchase_orders)}"
    )
    db.dispose()


def main() -> None:
    work = orders()
    run("SQLite", scratch_sqlite("bench_import"), work)
    pg = scratch_postgres("wms_bench_import")
    if pg is not None:
        run("PostgreSQL", pg, work)


if __name__ == "__main__":
    main()
