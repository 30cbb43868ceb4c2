"""One chunk of validated orders written in one transaction: customers, addresses, orders,
lines, reservations with their ledger rows, lifetime values, reorder points and an audit entry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from wms_terminal.core.allocation import (
    StockMirror,
    WarehouseSite,
    allot,
    choose_and_reserve,
    rank_warehouses,
)
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.bulk_sql import insert_rows
from wms_terminal.core.customers import add_lifetime_value, match_or_create
from wms_terminal.core.inventory import Taken, move, take_planned, write_moves
from wms_terminal.core.models import (
    Address,
    MoveKind,
    OrderLine,
    Reservation,
    SalesOrder,
    SalesOrderFlag,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import to_base
from wms_terminal.core.order_holds import apply_intake_holds
from wms_terminal.core.order_input import OrderInput
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.sequences import allocate
from wms_terminal.core.states import OrderStatus


@dataclass
class ImportResult:
    created: int = 0
    already_present: int = 0
    lines: int = 0
    backordered_lines: int = 0
    purchase_orders: list[str] = field(default_factory=list)
    order_numbers: list[str] = field(default_factory=list)
    warehouses: dict[str, list[str]] = field(default_factory=dict)  # code -> order numbers
    # Orders that wait before release (`core.release_rule`): number -> hold.
    held: dict[str, str] = field(default_factory=dict)
    # (channel, external id) -> (order number, status) of each order written
    written: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Refs:
    products: dict[str, int]
    flags: dict[str, int]
    services: dict[str, int]
    rates: dict[str, Decimal]
    warehouses: list[WarehouseSite]
    codes: dict[int, str]  # warehouse id -> code


@dataclass(frozen=True)
class Part:
    """Which part of which import a chunk is, for its audit entry."""

    name: str
    start: int
    of: int


def _needs(order: OrderInput, refs: Refs) -> dict[int, int]:
    need: dict[int, int] = defaultdict(int)
    for ln in order.lines:
        need[refs.products[ln.sku]] += ln.qty
    return need


class PlanOutdated(Exception):
    """Stock changed under a planned chunk: roll it back and reserve row by row instead."""


def write_chunk(
    session: Session,
    chunk: list[OrderInput],
    refs: Refs,
    actor: Actor,
    *,
    planned: bool,
    part: Part,
    prefer_warehouse: int | None = None,
) -> ImportResult:
    """`prefer_warehouse` is tried first for every order (a checked-out cart's warehouse)."""
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
        if prefer_warehouse in ranked:
            ranked.remove(prefer_warehouse)
            ranked.insert(0, prefer_warehouse)
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
        total = subtotal - o.discount + o.shipping + o.tax
        ltv[customer_ids[n]] += to_base(total, o.currency, refs.rates[o.currency])
        counts[customer_ids[n]] += 1
        number = f"SO-{numbers[n]:07d}"
        result.order_numbers.append(number)
        result.written[(o.channel, o.external_id)] = (number, status)
        result.warehouses.setdefault(refs.codes[wid], []).append(number)
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
                "discount": o.discount,
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
        raise PlanOutdated
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
    by_id = dict(zip(order_ids, result.order_numbers, strict=True))
    for oid, hold in apply_intake_holds(session, order_ids).items():
        result.held[by_id[oid]] = hold
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
    # Each chunk is audited in its own transaction: an interrupted import leaves its trail.
    record(
        session,
        action="orders_import_part",
        user_id=actor.user_id,
        terminal=actor.terminal,
        entity="import",
        entity_id=part.name[:64],
        first=result.order_numbers[0],
        last=result.order_numbers[-1],
        orders=len(chunk),
        done=part.start + len(chunk),
        of=part.of,
    )
    result.created = len(chunk)
    result.lines = len(line_rows)
    return result
