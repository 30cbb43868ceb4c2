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

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import case, func, insert
from sqlmodel import Session, col, select

from wms_terminal.core.db import Database, analyze
from wms_terminal.core.errors import ValidationError, WmsError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    BoxType,
    Carrier,
    CarrierService,
    Customer,
    DemandHistory,
    Location,
    OrderLine,
    Product,
    ProductBarcode,
    PurchaseOrder,
    SalesOrder,
    Stock,
    Supplier,
    Tote,
    Warehouse,
    Zone,
)
from wms_terminal.core.order_files import OrderInput
from wms_terminal.demo import catalog, history, people
from wms_terminal.demo import orders as demo_orders
from wms_terminal.demo.master_data import DEMO_ACTOR, ensure_empty, write_master
from wms_terminal.demo.opening_stock import order_demand, plan_stock
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

DEFAULT_ORDERS = 1_000
DEFAULT_SEED = 7
ORDER_BATCH = 2_000  # orders handed to import_orders at a time (it writes them in chunks)
# Orders released as one wave in each warehouse by `wms-terminal demo` and `run --demo`, so that
# a picker's first Enter gets a list, a packer gets totes once lists are picked, and a
# supervisor sees progress; the rest of the orders wait in the pool for a wave of one's own.
DEMO_WAVE_ORDERS = 12

T = TypeVar("T")


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
    pick_lists: int = 0  # released in the demo's waves, open to claim


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


def build_demo(
    db: Database,
    *,
    orders: int = DEFAULT_ORDERS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    wave_orders: int = 0,
) -> DemoSummary:
    """Build the demo warehouse into the empty database `db` (schema at head).

    Deterministic for a given `seed` and `today` (default: the current UTC date, which anchors
    order dates and ship-by cut-offs). Refuses with ValidationError when the database holds data.
    With `wave_orders`, a wave of at most that many orders is released in each warehouse that
    has orders to pick (the floor ready to try every role).
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

    plans, scarce = plan_stock(
        _stream(seed, "floor"), products, order_demand(generated(), products)
    )

    say("writing catalogue, floor, stock, users and customers")
    master_rng = _stream(seed, "master")

    with db.transaction() as session:
        write_master(session, products, plans, scarce, users, customers, master_rng)

    if orders:
        done = 0
        for batch in _batches(generated(), ORDER_BATCH):
            import_orders(db, batch, actor=DEMO_ACTOR, name="demo orders")
            done += len(batch)
            say(f"orders imported and reserved: {done:,} of {orders:,}")

    if orders:
        say("writing demand history")
        with db.transaction() as session:
            written = _write_history(session, seed, products, day)
        say(f"demand history: {written:,} product-days")

    # Fresh planner statistics for what was just bulk-loaded (issue 3: stale statistics made
    # the pick list read and the claim scan whole tables).
    analyze(db)
    lists = _release_waves(db, wave_orders, say) if orders and wave_orders else 0
    with db.reading() as session:
        return replace(_summary(session, seed, users), pick_lists=lists)


def _write_history(
    session: Session, seed: int, products: list[catalog.ProductSpec], day: date
) -> int:
    """The weeks of demand before the open orders (`demo.history`), at the rate they ask for."""
    ids = {sku: int(pid or 0) for sku, pid in session.exec(select(Product.sku, Product.id))}
    by_warehouse = session.exec(
        select(col(OrderLine.warehouse_id), func.sum(col(OrderLine.qty)))
        .where(col(OrderLine.warehouse_id).is_not(None))
        .group_by(col(OrderLine.warehouse_id))
    ).all()
    units = {int(w or 0): float(n or 0) for w, n in by_warehouse}
    rows = history.demand_rows(
        _stream(seed, "history"),
        product_ids=[ids[p.sku] for p in products],
        popularity=[p.popularity for p in products],
        warehouse_units=units,
        units_per_day=sum(units.values()) / demo_orders.ORDER_DAYS,
        first_open_day=day - timedelta(days=demo_orders.ORDER_DAYS),
    )
    if rows:
        session.execute(insert(DemandHistory.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def _release_waves(db: Database, wave_orders: int, say: Callable[[str], None]) -> int:
    """A wave of up to `wave_orders` orders in each warehouse, released as a supervisor would
    (the most urgent first); the number of pick lists made."""
    with db.reading() as session:
        codes = list(session.exec(select(Warehouse.code).order_by(col(Warehouse.code))).all())
    lists = 0
    for code in codes:
        try:
            wave = release_wave(db, DEMO_ACTOR, WaveFilter(warehouse=code, max_orders=wave_orders))
        except WmsError as exc:  # nothing to release there: that warehouse's pool stays as is
            say(f"no wave in {code}: {exc.message}")
            continue
        lists += len(wave.pick_list_ids)
        say(
            f"wave {wave.number} released in {code}: {wave.orders} orders, "
            f"{len(wave.pick_list_ids)} pick lists"
        )
    return lists


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
