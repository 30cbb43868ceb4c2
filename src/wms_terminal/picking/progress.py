"""The floor's live progress for a supervisor's desk, read in one short read-only transaction:
waves and pick lists by status, lines per picker per hour, short picks, open replenishment and
count tasks, stock alerts (free stock at or under the reorder point) and purchase orders raised.
All of one warehouse (`warehouse_id`): the desk shows one at a time (`desk_warehouses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from wms_terminal.core.db import Database
from wms_terminal.core.models import (
    CountTask,
    DemandForecast,
    Location,
    MoveTask,
    MoveTaskKind,
    PickList,
    PickTask,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Stock,
    User,
    Warehouse,
    Wave,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import CountStatus, PickTaskStatus

HOURS = 8  # the sparkline's reach
SHORT_ROWS = 20
ALERT_ROWS = 20
PO_ROWS = 10
EXCEPTIONS = (PickTaskStatus.SHORT, PickTaskStatus.DAMAGED, PickTaskStatus.EMPTY)


@dataclass(frozen=True)
class PickerRate:
    username: str
    name: str
    last_hour: int  # lines finished in the last 60 minutes
    hourly: tuple[int, ...]  # lines per hour, oldest first, the last HOURS hours


@dataclass(frozen=True)
class ShortPick:
    pick_list_id: int
    sku: str
    location: str
    qty: int
    picked: int
    status: str
    picker: str


@dataclass(frozen=True)
class StockAlert:
    sku: str
    name: str
    free: int
    reorder_point: int


@dataclass(frozen=True)
class RaisedOrder:
    number: str
    status: str
    created_at: datetime
    units: int
    reason: str


@dataclass(frozen=True)
class FloorProgress:
    read_at: datetime
    waves: dict[str, int]
    lists: dict[str, int]
    pickers: tuple[PickerRate, ...]
    shorts: tuple[ShortPick, ...]
    open_replenishments: int
    open_putaways: int
    open_counts: int
    alerts: tuple[StockAlert, ...]
    purchase_orders: tuple[RaisedOrder, ...]
    live_purchase_orders: int


@dataclass(frozen=True)
class DeskWarehouses:
    """The warehouses a desk can show, by code, and the one it starts with: the user's home
    warehouse, else the first by code."""

    ids: dict[str, int]
    first: str


def desk_warehouses(db: Database, user_id: int | None) -> DeskWarehouses:
    with db.reading() as s:
        ids = {
            str(code): int(wid)
            for code, wid in s.exec(
                select(Warehouse.code, Warehouse.id).order_by(col(Warehouse.code))
            )
            if wid is not None
        }
        user = s.get(User, user_id) if user_id is not None else None
    home = next((c for c, i in ids.items() if user and i == user.warehouse_id), None)
    return DeskWarehouses(ids, home or next(iter(ids), ""))


def floor_progress(
    db: Database, *, warehouse_id: int | None = None, now: datetime | None = None
) -> FloorProgress:
    at = now or utcnow()
    with db.reading() as s:
        return FloorProgress(
            read_at=at,
            waves=_by_status(s, Wave, warehouse_id),
            lists=_by_status(s, PickList, warehouse_id),
            pickers=_rates(s, warehouse_id, at),
            shorts=_shorts(s, warehouse_id),
            open_replenishments=_open_moves(s, warehouse_id, MoveTaskKind.REPLENISH),
            open_putaways=_open_moves(s, warehouse_id, MoveTaskKind.PUTAWAY),
            open_counts=_count(
                s,
                select(func.count())
                .select_from(CountTask)
                .where(col(CountTask.status).in_(CountStatus.ACTIVE)),
                CountTask,
                warehouse_id,
            ),
            alerts=_alerts(s, warehouse_id),
            purchase_orders=_purchase_orders(s, warehouse_id),
            live_purchase_orders=_count(
                s,
                select(func.count())
                .select_from(PurchaseOrder)
                .where(col(PurchaseOrder.status).in_(("open", "partially_received"))),
                PurchaseOrder,
                warehouse_id,
            ),
        )


def _in(stmt, table, warehouse_id: int | None):  # type: ignore[no-untyped-def]
    return stmt if warehouse_id is None else stmt.where(table.warehouse_id == warehouse_id)


def _count(s: Session, stmt, table, warehouse_id: int | None) -> int:  # type: ignore[no-untyped-def]
    return int(s.exec(_in(stmt, table, warehouse_id)).one())


def _by_status(s: Session, table: type[Wave] | type[PickList], wid: int | None) -> dict[str, int]:
    stmt = _in(select(table.status, func.count()).group_by(table.status), table, wid)
    return {str(k): int(n) for k, n in s.exec(stmt)}


def _open_moves(s: Session, wid: int | None, kind: str) -> int:
    stmt = (
        select(func.count())
        .select_from(MoveTask)
        .where(col(MoveTask.kind) == kind, col(MoveTask.status).in_(("open", "claimed")))
    )
    return _count(s, stmt, MoveTask, wid)


def _rates(s: Session, wid: int | None, at: datetime) -> tuple[PickerRate, ...]:
    """Tasks finished per picker per hour (one statement: a sum per hour bucket)."""
    edges = [at - timedelta(hours=HOURS - i) for i in range(HOURS + 1)]
    picked_at = col(PickTask.picked_at)
    buckets = [
        func.sum(case(((picked_at >= edges[i]) & (picked_at < edges[i + 1]), 1), else_=0))
        for i in range(HOURS)
    ]
    hour = func.sum(case((picked_at >= at - timedelta(hours=1), 1), else_=0))
    stmt = (
        select(User.username, User.name, hour, *buckets)
        .join(User, col(User.id) == col(PickTask.picked_by))
        .where(picked_at >= edges[0])
        .group_by(col(User.username), col(User.name))
        .order_by(col(User.username))
    )
    rows = s.exec(_in(stmt, PickTask, wid)).all()
    return tuple(
        PickerRate(str(r[0]), str(r[1]), int(r[2] or 0), tuple(int(v or 0) for v in r[3:]))
        for r in rows
    )


def _shorts(s: Session, wid: int | None) -> tuple[ShortPick, ...]:
    stmt = (
        sa_select(
            col(PickTask.pick_list_id),
            col(Product.sku),
            col(Location.code),
            col(PickTask.qty),
            col(PickTask.qty_picked),
            col(PickTask.status),
            func.coalesce(User.username, ""),
        )
        .join(Product, col(Product.id) == col(PickTask.product_id))
        .join(Location, col(Location.id) == col(PickTask.location_id))
        .join(PickList, col(PickList.id) == col(PickTask.pick_list_id))
        .outerjoin(User, col(User.id) == col(PickList.claimed_by))
        .where(col(PickTask.status).in_(EXCEPTIONS))
        .order_by(col(PickTask.id).desc())
        .limit(SHORT_ROWS)
    )
    return tuple(
        ShortPick(int(a), str(b), str(c), int(d), int(e), str(f), str(g))
        for a, b, c, d, e, f, g in s.execute(_in(stmt, PickTask, wid))
    )


def _alerts(s: Session, wid: int | None) -> tuple[StockAlert, ...]:
    """Products whose free units (unblocked locations) in a warehouse are at or under their
    reorder point there: the forecast's (`demand_forecast`) when it set one, else the product's
    (the rule of `core.reorder`)."""
    free = func.coalesce(func.sum(Stock.on_hand - Stock.reserved), 0)
    point = func.coalesce(col(DemandForecast.reorder_point), col(Product.reorder_point))
    stmt = (
        select(Product.sku, Product.name, free, point)
        .join(Stock, col(Stock.product_id) == col(Product.id))
        .join(Location, col(Location.id) == col(Stock.location_id))
        .outerjoin(
            DemandForecast,
            (col(DemandForecast.product_id) == col(Product.id))
            & (col(DemandForecast.warehouse_id) == col(Stock.warehouse_id)),
        )
        .where(point > 0, col(Location.blocked).is_(False))
        .group_by(
            col(Product.id), col(Product.sku), col(Product.name), col(Stock.warehouse_id), point
        )
        .having(free <= point)
        .order_by(free, col(Product.sku))
        .limit(ALERT_ROWS)
    )
    rows = s.exec(_in(stmt, Stock, wid)).all()
    return tuple(StockAlert(str(a), str(b), int(c), int(d)) for a, b, c, d in rows)


def _purchase_orders(s: Session, wid: int | None) -> tuple[RaisedOrder, ...]:
    units = (
        select(func.coalesce(func.sum(PurchaseOrderLine.qty), 0))
        .where(col(PurchaseOrderLine.purchase_order_id) == col(PurchaseOrder.id))
        .scalar_subquery()
    )
    stmt = (
        sa_select(
            col(PurchaseOrder.number),
            col(PurchaseOrder.status),
            col(PurchaseOrder.created_at),
            units,
            col(PurchaseOrder.reason),
        )
        .order_by(col(PurchaseOrder.id).desc())
        .limit(PO_ROWS)
    )
    return tuple(
        RaisedOrder(str(a), str(b), c, int(d), str(e))
        for a, b, c, d, e in s.execute(_in(stmt, PurchaseOrder, wid))
    )
