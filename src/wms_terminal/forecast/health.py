"""Stock health per product and warehouse from the latest forecast: a stockout warning when the
free units cover fewer days of demand than the supplier needs to deliver (days of cover below
lead time), an overstock warning when they cover more than `overstock_days`, or when there is
stock and no demand at all in the history."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import (
    DemandForecast,
    Location,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Stock,
    Warehouse,
)

OVERSTOCK_DAYS = 120

STOCKOUT = "stockout"
OVERSTOCK = "overstock"
NO_DEMAND = "no demand"
KINDS = (STOCKOUT, OVERSTOCK, NO_DEMAND)


@dataclass(frozen=True)
class HealthWarning:
    kind: str  # stockout | overstock | no demand
    warehouse: str
    sku: str
    name: str
    free: int
    on_order: int
    daily: float
    cover_days: float | None  # None: no demand to cover
    lead_time_days: int
    reorder_point: int

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["daily"] = round(self.daily, 3)
        out["cover_days"] = None if self.cover_days is None else round(self.cover_days, 1)
        return out


def stock_health(
    session: Session, *, warehouse: str | None = None, overstock_days: int = OVERSTOCK_DAYS
) -> list[HealthWarning]:
    """The warnings: stockouts first (least cover first), then overstock (most cover first)."""
    free_q = (
        select(Stock.warehouse_id, Stock.product_id, func.sum(Stock.on_hand - Stock.reserved))
        .join(Location, col(Location.id) == col(Stock.location_id))
        .where(col(Location.blocked).is_(False))
        .group_by(col(Stock.warehouse_id), col(Stock.product_id))
    )
    free = {(w, p): int(n or 0) for w, p, n in session.exec(free_q)}
    due_q = (
        select(
            PurchaseOrderLine.warehouse_id,
            PurchaseOrderLine.product_id,
            func.sum(PurchaseOrderLine.qty - PurchaseOrderLine.qty_received),
        )
        .join(PurchaseOrder, col(PurchaseOrder.id) == col(PurchaseOrderLine.purchase_order_id))
        .where(col(PurchaseOrder.status).in_(("open", "partially_received")))
        .group_by(col(PurchaseOrderLine.warehouse_id), col(PurchaseOrderLine.product_id))
    )
    due = {(w, p): int(n or 0) for w, p, n in session.exec(due_q)}
    rows_q = (
        select(DemandForecast, Warehouse.code, Product.sku, Product.name)
        .join(Warehouse, col(Warehouse.id) == col(DemandForecast.warehouse_id))
        .join(Product, col(Product.id) == col(DemandForecast.product_id))
    )
    if warehouse:
        if (
            session.exec(select(Warehouse.id).where(col(Warehouse.code) == warehouse)).first()
            is None
        ):
            raise NotFound(f"no warehouse {warehouse[:20]!r}")
        rows_q = rows_q.where(col(Warehouse.code) == warehouse)
    warnings: list[HealthWarning] = []
    for fc, code, sku, name in session.exec(rows_q):
        key = (fc.warehouse_id, fc.product_id)
        units = free.get(key, 0)
        cover = units / fc.daily if fc.daily > 0 else None
        if cover is not None and cover < fc.lead_time_days:
            kind = STOCKOUT
        elif cover is not None and cover > overstock_days:
            kind = OVERSTOCK
        elif cover is None and units > 0:
            kind = NO_DEMAND
        else:
            continue
        warnings.append(
            HealthWarning(
                kind=kind,
                warehouse=code,
                sku=sku,
                name=name,
                free=units,
                on_order=due.get(key, 0),
                daily=fc.daily,
                cover_days=cover,
                lead_time_days=fc.lead_time_days,
                reorder_point=fc.reorder_point,
            )
        )
    order = {STOCKOUT: 0, OVERSTOCK: 1, NO_DEMAND: 2}
    warnings.sort(
        key=lambda w: (
            order[w.kind],
            w.warehouse,
            (w.cover_days or 0.0) * (1 if w.kind == STOCKOUT else -1),
            -w.free,
            w.sku,
        )
    )
    return warnings
