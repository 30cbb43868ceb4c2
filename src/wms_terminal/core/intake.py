"""Order intake: validated orders in, customers and orders written, stock reserved.

Each order goes to the warehouse that can ship it complete, the nearest to its destination when
several can; when none can, to the one that can ship the most, and the rest is back-ordered.
Orders are written in short chunks (one transaction each) so that terminals keep working during a
large import; importing the same orders again creates nothing (unique channel + external id).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wms_terminal.core.allocation import (
    StockMirror,
    WarehouseSite,
    allot,
    choose_and_reserve,
    rank_warehouses,
)
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.customers import add_lifetime_value, match_or_create
from wms_terminal.core.db import Database, insert_rows
from wms_terminal.core.errors import DatabaseBusy
from wms_terminal.core.inventory import (
    Taken,
    move,
    take_planned,
    write_moves,
)
from wms_terminal.core.models import (
    Address,
    CarrierService,
    CurrencyRate,
    MoveKind,
    OrderFlag,
    OrderLine,
    Product,
    Reservation,
    SalesOrder,
    SalesOrderFlag,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import to_base
from wms_terminal.core.order_files import ImportFileError, OrderInput, Problem
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.sequences import allocate
from wms_terminal.core.states import OrderStatus

CHUNK = 250


@dataclass
class ImportResult:
    created: int = 0
    already_present: int = 0
    lines: int = 0
    backordered_lines: int = 0
    purchase_orders: list[str] = field(default_factory=list)
    order_numbers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Refs:
    products: dict[str, int]
    flags: dict[str, int]
    services: dict[str, int]
    rates: dict[str, Decimal]
    warehouses: list[WarehouseSite]


def import_orders(
    db: Database,
    orders: Sequence[OrderInput],
    *,
    actor: Actor,
    name: str = "import",
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate references for every order first; then write the new ones in chunks."""
    require(actor, "import_orders")
    with db.reading() as session:
        refs = _load_refs(session, orders)
        existing = _existing(session, orders)
    _check_refs(name, orders, refs)
    todo = [o for o in orders if (o.channel, o.external_id) not in existing]
    result = ImportResult(already_present=len(orders) - len(todo))
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start : start + chunk_size]
        _write_chunk_retrying(db, chunk, refs, actor, result)
        if progress:
            progress(start + len(chunk))
    if result.created:
        db.run(
            lambda s: record(
                s,
                action="orders_imported",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="import",
                entity_id=name[:64],
                created=result.created,
                already_present=result.already_present,
                backordered_lines=result.backordered_lines,
            )
        )
    return result


def _write_chunk_retrying(
    db: Database, chunk: list[OrderInput], refs: _Refs, actor: Actor, result: ImportResult
) -> None:
    planned = True
    for _ in range(4):
        try:
            part = db.run(
                functools.partial(
                    _write_chunk, chunk=chunk, refs=refs, actor=actor, planned=planned
                ),
                what="order import",
            )
        except _PlanOutdated:
            planned = False  # another terminal moved stock meanwhile: go row by row
            continue
        except IntegrityError:
            # Another import wrote some of these orders meanwhile: drop them and write the rest.
            with db.reading() as session:
                done = _existing(session, chunk)
            if not done:
                raise  # not a duplicate order: a real constraint broke, report it
            result.already_present += len(done)
            chunk = [o for o in chunk if (o.channel, o.external_id) not in done]
            if not chunk:
                return
            continue
        result.created += part.created
        result.lines += part.lines
        result.backordered_lines += part.backordered_lines
        result.purchase_orders += part.purchase_orders
        result.order_numbers += part.order_numbers
        return
    raise DatabaseBusy("order import kept colliding with another import; run it again")


def _load_refs(session: Session, orders: Sequence[OrderInput]) -> _Refs:
    skus = {ln.sku for o in orders for ln in o.lines}
    products: dict[str, int] = {}
    sku_list = sorted(skus)
    for i in range(0, len(sku_list), 900):
        part = sku_list[i : i + 900]
        for pid, sku in session.exec(
            select(col(Product.id), col(Product.sku)).where(
                col(Product.sku).in_(part), col(Product.active)
            )
        ):
            if pid is not None:
                products[sku] = pid
    flags = {
        c: i
        for i, c in session.exec(select(col(OrderFlag.id), col(OrderFlag.code)))
        if i is not None
    }
    services = {
        c: i
        for i, c in session.exec(select(col(CarrierService.id), col(CarrierService.code)))
        if i is not None
    }
    rates = {
        c: r
        for c, r in session.exec(select(col(CurrencyRate.currency), col(CurrencyRate.rate_to_eur)))
    }
    rates.setdefault("EUR", Decimal("1"))
    warehouses = [
        WarehouseSite(w.id, w.latitude, w.longitude, w.country)
        for w in session.exec(select(Warehouse).order_by(col(Warehouse.id)))
        if w.id is not None
    ]
    return _Refs(products, flags, services, rates, warehouses)


def _check_refs(name: str, orders: Sequence[OrderInput], refs: _Refs) -> None:
    problems: list[Problem] = []
    for o in orders:
        for ln in o.lines:
            if ln.sku not in refs.products:
                problems.append(Problem(o.source, f"unknown SKU {ln.sku!r}"))
        for flag in o.flags:
            if flag not in refs.flags:
                problems.append(Problem(o.source, f"unknown special-order flag {flag!r}"))
        if o.carrier_service and o.carrier_service not in refs.services:
            problems.append(Problem(o.source, f"unknown carrier service {o.carrier_service!r}"))
        if o.currency not in refs.rates:
            problems.append(Problem(o.source, f"no exchange rate for currency {o.currency}"))
    if not refs.warehouses:
        problems.append(Problem("database", "no warehouse is set up"))
    if problems:
        raise ImportFileError(name, problems)


def _existing(session: Session, orders: Sequence[OrderInput]) -> set[tuple[str, str]]:
    keys = sorted({(o.channel, o.external_id) for o in orders})
    found: set[tuple[str, str]] = set()
    for i in range(0, len(keys), 400):
        part = keys[i : i + 400]
        stmt = select(SalesOrder.channel, SalesOrder.external_id).where(
            tuple_(SalesOrder.channel, SalesOrder.external_id).in_(part)
        )
        found.update((c, e) for c, e in session.exec(stmt))
    return found


def _needs(order: OrderInput, refs: _Refs) -> dict[int, int]:
    need: dict[int, int] = defaultdict(int)
    for ln in order.lines:
        need[refs.products[ln.sku]] += ln.qty
    return need


class _PlanOutdated(Exception):
    """Stock changed under a planned chunk: roll it back and reserve row by row instead."""


def _write_chunk(
    session: Session, chunk: list[OrderInput], refs: _Refs, actor: Actor, *, planned: bool
) -> ImportResult:
    result = ImportResult()
    now = utcnow()
    numbers = allocate(session, "sales_order", len(chunk))
    customer_ids = match_or_create(session, chunk)
    address_ids = insert_rows(
        session,
        Address,
        [
            {
                "customer_id": customer_ids[n],
                "name": o.ship_to.name,
                "street": o.ship_to.street,
                "city": o.ship_to.city,
                "postcode": o.ship_to.postcode,
                "country": o.ship_to.country,
                "latitude": o.ship_to.latitude,
                "longitude": o.ship_to.longitude,
            }
            for n, o in enumerate(chunk)
        ],
    )
    mirror = StockMirror(
        session,
        [w.id for w in refs.warehouses],
        {refs.products[ln.sku] for o in chunk for ln in o.lines},
    )
    headers: list[dict[str, Any]] = []
    plans: list[tuple[int, list[Taken]]] = []
    ltv: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for n, o in enumerate(chunk):
        ranked = rank_warehouses(
            refs.warehouses,
            lat=o.ship_to.latitude,
            lon=o.ship_to.longitude,
            country=o.ship_to.country,
        )
        wid, takes = choose_and_reserve(
            None if planned else session, _needs(o, refs), ranked, mirror
        )
        plans.append((wid, takes))
        reserved, wanted = sum(t.qty for t in takes), sum(ln.qty for ln in o.lines)
        status = (
            OrderStatus.RESERVED
            if reserved == wanted
            else OrderStatus.PARTIALLY_RESERVED
            if reserved
            else OrderStatus.BACKORDERED
        )
        subtotal = sum((ln.unit_price * ln.qty for ln in o.lines), Decimal("0.00"))
        total = subtotal + o.shipping + o.tax
        ltv[customer_ids[n]] += to_base(total, o.currency, refs.rates[o.currency])
        counts[customer_ids[n]] += 1
        number = f"SO-{numbers[n]:07d}"
        result.order_numbers.append(number)
        headers.append(
            {
                "number": number,
                "channel": o.channel,
                "external_id": o.external_id,
                "warehouse_id": wid,
                "customer_id": customer_ids[n],
                "ship_address_id": address_ids[n],
                "currency": o.currency,
                "subtotal": subtotal,
                "shipping": o.shipping,
                "tax": o.tax,
                "total": total,
                "status": status,
                "priority": o.priority,
                "gift_message": o.gift_message,
                "carrier_service_id": refs.services.get(o.carrier_service or ""),
                "ship_by": o.ship_by,
                "ordered_at": o.ordered_at or now,
                "updated_at": now,
            }
        )
    if planned and not take_planned(session, [t for _, takes in plans for t in takes]):
        raise _PlanOutdated
    order_ids = insert_rows(session, SalesOrder, headers)
    flag_rows = [
        {"order_id": oid, "flag_id": refs.flags[f]}
        for oid, o in zip(order_ids, chunk, strict=True)
        for f in o.flags
    ]
    if flag_rows:
        session.execute(insert(SalesOrderFlag.__table__), flag_rows)  # type: ignore[attr-defined]
    line_rows: list[dict[str, Any]] = []
    allotments: list[list[Taken]] = []
    for oid, o, (wid, takes) in zip(order_ids, chunk, plans, strict=True):
        # Share each product's reserved units out over the order's lines, in line order.
        pool: dict[int, list[Taken]] = defaultdict(list)
        for t in takes:
            pool[t.product_id].append(t)
        for no, ln in enumerate(o.lines, start=1):
            pid = refs.products[ln.sku]
            mine = allot(pool[pid], ln.qty)
            got = sum(t.qty for t in mine)
            allotments.append(mine)
            line_rows.append(
                {
                    "order_id": oid,
                    "warehouse_id": wid,
                    "line_no": no,
                    "product_id": pid,
                    "qty": ln.qty,
                    "unit_price": ln.unit_price,
                    "qty_reserved": got,
                    "qty_backordered": ln.qty - got,
                    "qty_picked": 0,
                    "qty_packed": 0,
                    "qty_shipped": 0,
                }
            )
            result.backordered_lines += int(got < ln.qty)
    line_ids = insert_rows(session, OrderLine, line_rows)
    reservations: list[dict[str, Any]] = []
    moves: list[dict[str, object]] = []
    for lid, row, mine in zip(line_ids, line_rows, allotments, strict=True):
        for t in mine:
            reservations.append(
                {
                    "warehouse_id": row["warehouse_id"],
                    "order_id": row["order_id"],
                    "order_line_id": lid,
                    "stock_id": t.stock_id,
                    "product_id": t.product_id,
                    "location_id": t.location_id,
                    "qty": t.qty,
                    "status": "active",
                    "created_at": now,
                }
            )
            moves.append(
                move(
                    warehouse_id=row["warehouse_id"],
                    product_id=t.product_id,
                    location_id=t.location_id,
                    kind=MoveKind.RESERVATION,
                    actor=actor,
                    reserved_delta=t.qty,
                    order_id=row["order_id"],
                )
            )
    if reservations:
        insert_rows(session, Reservation, reservations, returning_ids=False)
    write_moves(session, moves)
    add_lifetime_value(session, ltv, counts)
    # Every product the chunk asked of a warehouse, back-ordered ones included: a product
    # with nothing left must be reordered most of all.
    touched: dict[int, set[int]] = defaultdict(set)
    for (wid, _takes), o in zip(plans, chunk, strict=True):
        touched[wid].update(_needs(o, refs))
    for wid, pids in touched.items():
        result.purchase_orders += [
            r.number
            for r in check_reorder_points(session, warehouse_id=wid, product_ids=pids, actor=actor)
        ]
    result.created = len(chunk)
    result.lines = len(line_rows)
    return result
