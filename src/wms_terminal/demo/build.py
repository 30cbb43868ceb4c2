"""Build the demo warehouse into an empty database.

Master data (reference data, catalogue, floor, opening stock with its ledger, users, customers) is
written in one transaction with bulk inserts; the open orders then go through
`core.intake.import_orders`, in batches, so that they are reserved, back-ordered and trigger
purchase orders exactly as imported orders do. The orders are generated twice from the same
stream: once to size the opening stock to what they ask for, once to import them (never all held
in memory, so `--orders 100000` stays small). If the order import stops half-way (a crash, a
locked database), the master data and the orders written so far stay: build into a new database.

Everything comes from `random.Random` streams derived from the seed (one per part, so that the
catalogue does not change with the number of orders); the only input from the clock is `today`,
which anchors order dates and ship-by cut-offs (see `orders`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import case, func, insert
from sqlmodel import Session, col, select

from wms_terminal.core import auth
from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import tote_code
from wms_terminal.core.db import Database, analyze
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.inventory import move
from wms_terminal.core.models import (
    BoxType,
    Carrier,
    CarrierService,
    CurrencyRate,
    Customer,
    CustomerContact,
    Location,
    MoveKind,
    OrderFlag,
    OrderLine,
    Product,
    ProductBarcode,
    PurchaseOrder,
    Role,
    SalesOrder,
    Stock,
    StockMove,
    Supplier,
    Tote,
    User,
    Warehouse,
    Zone,
)
from wms_terminal.core.order_files import OrderInput
from wms_terminal.core.receiving import receiving_location
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.demo import catalog, floor, people, reference
from wms_terminal.demo import orders as demo_orders
from wms_terminal.demo.catalog import ProductSpec
from wms_terminal.demo.floor import FloorPlan

DEFAULT_ORDERS = 1_000
DEFAULT_SEED = 7
ORDER_BATCH = 2_000  # orders handed to import_orders at a time (it writes them in chunks)
SCARCE = {"A": 4, "B": 12, "C": 12}  # products per class with only a handful of units
OUT_OF_STOCK = 6  # products with none at all

T = TypeVar("T")
DEMO_ACTOR = Actor(user_id=None, username="demo", role=Role.MANAGER, terminal="demo")


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    warehouses: int
    zones: int
    locations: int
    products: int
    barcodes: int
    suppliers: int
    stock_rows: int
    units_on_hand: int
    customers: int
    orders: int
    order_lines: int
    backordered_lines: int
    purchase_orders: int
    totes: int
    box_types: int
    carriers: int
    carrier_services: int
    # (role, username, name, badge, PIN)
    users: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def demo_users(seed: int = DEFAULT_SEED) -> list[tuple[str, str, str, str, str]]:
    """The (role, username, name, badge, PIN) of the users `build_demo(seed=seed)` creates."""
    return [
        (u.role, u.username, u.name, u.badge, u.pin) for u in people.users(_stream(seed, "users"))
    ]


def _stream(seed: int, part: str) -> random.Random:
    # A string seed is hashed (SHA-512) by random.seed: stable across runs and platforms.
    return random.Random(f"wms-terminal-demo:{seed}:{part}")


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12_742.0 * math.asin(math.sqrt(a))


def _demand(orders: Iterable[OrderInput], products: list[ProductSpec]) -> dict[str, list[float]]:
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


def _plans(
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


def _insert_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [r[0] for r in session.execute(stmt, rows)]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)


def ensure_empty(session: Session) -> None:
    held = [
        what
        for model, what in (
            (Warehouse, "warehouses"),
            (Product, "products"),
            (SalesOrder, "orders"),
            (User, "users"),
        )
        if session.exec(select(func.count()).select_from(model)).one()
    ]
    if held:
        codes = ", ".join(session.exec(select(Warehouse.code).order_by(Warehouse.code)).all())
        raise ValidationError(
            "the database already holds "
            + ", ".join(held)
            + (f" (warehouse {codes})" if codes else "")
            + ": the demo is built only into an empty database; "
            "point --database (or WMS_DATABASE_URL) at a new one"
        )


def _write_master(
    session: Session,
    products: list[ProductSpec],
    plans: list[FloorPlan],
    scarce: dict[int, int],
    users: list[people.DemoUserSpec],
    customers: list[people.CustomerSpec],
    rng: random.Random,
) -> None:
    ensure_empty(session)
    _insert(
        session,
        CurrencyRate,
        [{"currency": c, "rate_to_eur": r} for c, r in reference.RATES.items()],
    )
    _insert(
        session,
        OrderFlag,
        [{"code": c, "name": n, "wave_priority": p} for c, n, p in reference.FLAGS],
    )
    for carrier in reference.CARRIERS:
        cid = _insert_ids(
            session,
            Carrier,
            [{"code": carrier.code, "name": carrier.name, "gs1_prefix": carrier.gs1_prefix}],
        )[0]
        _insert(
            session,
            CarrierService,
            [
                {
                    "carrier_id": cid,
                    "code": s.code,
                    "name": s.name,
                    "cutoff": s.cutoff,
                    "max_weight_g": s.max_weight_g,
                    "transit_days": s.transit_days,
                    "base_rate": s.base_rate,
                }
                for s in carrier.services
            ],
        )
    _insert(
        session,
        BoxType,
        [
            {
                "code": code,
                "name": name,
                "inner_length_mm": length,
                "inner_width_mm": width,
                "inner_height_mm": height,
                "max_weight_g": max_g,
                "tare_weight_g": tare,
                "cost": cost,
            }
            for code, name, length, width, height, max_g, tare, cost in reference.box_types()
        ],
    )
    sups = catalog.suppliers()
    supplier_ids = _insert_ids(
        session,
        Supplier,
        [
            {"code": s.code, "name": s.name, "email": s.email, "lead_time_days": s.lead_time_days}
            for s in sups
        ],
    )
    # Reorder points from the main warehouse's opening stock: about 6 % of it (scarce products
    # start below theirs, so purchase orders are raised at once).
    main_units: dict[int, int] = {}
    for _loc, pidx, qty in plans[0].stock:
        main_units[pidx] = main_units.get(pidx, 0) + qty
    product_rows = []
    for p in products:
        units = main_units.get(p.index, 0)
        if p.index in scarce:
            point = rng.randint(8, 25)
            base = rng.randint(40, 200)
        else:
            point = max(2, round(units * 0.06))
            base = max(point * 2, units // 2)
        reorder_qty = max(p.case_qty, math.ceil(base / p.case_qty) * p.case_qty)
        product_rows.append(
            {
                "sku": p.sku,
                "name": p.name,
                "length_mm": p.length_mm,
                "width_mm": p.width_mm,
                "height_mm": p.height_mm,
                "weight_g": p.weight_g,
                "reorder_point": point,
                "reorder_qty": reorder_qty,
                "supplier_id": supplier_ids[p.supplier],
                "cost": p.cost,
                "price": p.price,
                "currency": "EUR",
                "active": True,
            }
        )
    product_ids = _insert_ids(session, Product, product_rows)
    barcodes = [
        {"product_id": product_ids[p.index], "barcode": p.gtin13, "kind": "gtin13", "pack_qty": 1}
        for p in products
    ] + [
        {
            "product_id": product_ids[p.index],
            "barcode": p.gtin14,
            "kind": "gtin14",
            "pack_qty": p.case_qty,
        }
        for p in products
        if p.gtin14
    ]
    _insert(session, ProductBarcode, barcodes)

    manager_wh: int | None = None
    for plan in plans:
        wh = plan.warehouse
        wid = _insert_ids(
            session,
            Warehouse,
            [
                {
                    "code": wh.code,
                    "name": wh.name,
                    "street": wh.street,
                    "city": wh.city,
                    "postcode": wh.postcode,
                    "country": wh.country,
                    "latitude": wh.latitude,
                    "longitude": wh.longitude,
                    "layout": wh.layout(),
                }
            ],
        )[0]
        manager_wh = manager_wh or wid
        zone_ids = dict(
            zip(
                [z.code for z in plan.zones],
                _insert_ids(
                    session,
                    Zone,
                    [
                        {"warehouse_id": wid, "code": z.code, "name": z.name, "travel_rank": rank}
                        for rank, z in enumerate(plan.zones)
                    ],
                ),
                strict=True,
            )
        )
        loc_ids = _insert_ids(
            session,
            Location,
            [
                {
                    "warehouse_id": wid,
                    "zone_id": zone_ids[loc.zone],
                    "code": loc.code(),
                    "barcode": loc.barcode(wh.code),
                    "aisle": loc.aisle,
                    "bay": loc.bay,
                    "level": loc.level,
                    "side": loc.side,
                    "kind": loc.kind,
                    "capacity": loc.capacity,
                    "min_qty": loc.min_qty,
                    "max_qty": loc.max_qty,
                    "active": True,
                }
                for loc in plan.locations
            ],
        )
        receiving_location(session, wid)  # where purchase orders are received
        _insert(
            session,
            Stock,
            [
                {
                    "warehouse_id": wid,
                    "location_id": loc_ids[li],
                    "product_id": product_ids[pi],
                    "on_hand": qty,
                    "reserved": 0,
                }
                for li, pi, qty in plan.stock
            ],
        )
        # The ledger accounts for every unit: one receipt line per opening stock row.
        _insert(
            session,
            StockMove,
            [
                move(
                    warehouse_id=wid,
                    product_id=product_ids[pi],
                    location_id=loc_ids[li],
                    kind=MoveKind.RECEIPT,
                    actor=DEMO_ACTOR,
                    on_hand_delta=qty,
                    reason="demo opening stock",
                )
                for li, pi, qty in plan.stock
            ],
        )
        _insert(
            session,
            Tote,
            [
                {"warehouse_id": wid, "code": tote_code(wh.code, n), "status": "free"}
                for n in range(1, wh.totes + 1)
            ],
        )
        # Scarce products already sit at or below their reorder point: raise their orders now.
        check_reorder_points(
            session,
            warehouse_id=wid,
            product_ids=[product_ids[i] for i in plan.faces],
            actor=DEMO_ACTOR,
        )

    for u in users:
        auth.create_user(
            session,
            username=u.username,
            name=u.name,
            role=u.role,
            pin=u.pin,
            badge=u.badge,
            warehouse_id=manager_wh,
            email=f"{u.username}@wms-demo.example",
        )
    customer_ids = _insert_ids(
        session,
        Customer,
        [
            {
                "external_ref": c.ref,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "lifetime_value_eur": Decimal("0.00"),
                "order_count": 0,
                "created_at": datetime(2020, 1, 1, tzinfo=UTC),
            }
            for c in customers
        ],
    )
    _insert(
        session,
        CustomerContact,
        [
            {
                "customer_id": cid,
                "name": c.contact,
                "role": "buyer",
                "email": c.email,
                "phone": c.phone,
            }
            for cid, c in zip(customer_ids, customers, strict=True)
            if c.contact
        ],
    )


def build_demo(
    db: Database,
    *,
    orders: int = DEFAULT_ORDERS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Build the demo warehouse into the empty database `db` (schema at head).

    Deterministic for a given `seed` and `today` (default: the current UTC date, which anchors
    order dates and ship-by cut-offs). Refuses with ValidationError when the database holds data.
    """
    if orders < 0:
        raise ValidationError("the number of demo orders cannot be negative")
    say = progress or (lambda _msg: None)
    day = today or datetime.now(UTC).date()
    with db.reading() as session:
        ensure_empty(session)

    say("planning catalogue, floor and stock")
    products = catalog.products(_stream(seed, "catalog"))
    users = people.users(_stream(seed, "users"))
    customer_count = max(25, round(orders * 0.6))
    customers = people.customers(_stream(seed, "customers"), customer_count)
    ctx = demo_orders.OrderContext(products=products, customers=customers, today=day)

    def generated() -> Iterator[OrderInput]:
        return demo_orders.generate(_stream(seed, "orders"), orders, ctx)

    plans, scarce = _plans(_stream(seed, "floor"), products, _demand(generated(), products))

    say("writing catalogue, floor, stock, users and customers")
    master_rng = _stream(seed, "master")

    with db.transaction() as session:
        _write_master(session, products, plans, scarce, users, customers, master_rng)

    if orders:
        done = 0
        for batch in _batches(generated(), ORDER_BATCH):
            import_orders(db, batch, actor=DEMO_ACTOR, name="demo orders")
            done += len(batch)
            say(f"orders imported and reserved: {done:,} of {orders:,}")

    # Fresh planner statistics for what was just bulk-loaded (issue 3: stale statistics made
    # the pick list read and the claim scan whole tables).
    analyze(db)
    with db.reading() as session:
        return _summary(session, seed, users)


def _count(session: Session, model: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def _summary(session: Session, seed: int, users: list[people.DemoUserSpec]) -> DemoSummary:
    lines = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(OrderLine.qty_backordered) > 0, 1), else_=0)), 0),
        )
    ).one()
    return DemoSummary(
        seed=seed,
        warehouses=_count(session, Warehouse),
        zones=_count(session, Zone),
        locations=_count(session, Location),
        products=_count(session, Product),
        barcodes=_count(session, ProductBarcode),
        suppliers=_count(session, Supplier),
        stock_rows=_count(session, Stock),
        units_on_hand=int(session.exec(select(func.coalesce(func.sum(Stock.on_hand), 0))).one()),
        customers=_count(session, Customer),
        orders=_count(session, SalesOrder),
        order_lines=int(lines[0]),
        backordered_lines=int(lines[1]),
        purchase_orders=_count(session, PurchaseOrder),
        totes=_count(session, Tote),
        box_types=_count(session, BoxType),
        carriers=_count(session, Carrier),
        carrier_services=_count(session, CarrierService),
        users=[(u.role, u.username, u.name, u.badge, u.pin) for u in users],
    )
