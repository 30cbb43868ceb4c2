"""Stock per product and warehouse as a channel sees it: units on hand, and units available.

`available` follows the rule orders reserve by (`inventory.available_by_product`): free units
(on hand less reserved) in pick faces and reserve, not on a location being counted; stock in
receiving or in the damaged cage is on hand but not available. Every active product is listed
in every warehouse (0 where it has no stock), ordered by SKU then warehouse code.

Units in shoppers' carts (`core.cart_holds`) are reserved: `held_in_carts` shows the live holds'
units (not available); a hold past its expiry that nobody ended yet counts as available, as the
next allocation will end it (`cart_expiry`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.inventory import PICKABLE
from wms_terminal.core.models import (
    CartHold,
    CartHoldLine,
    CartHoldStatus,
    Location,
    Product,
    Stock,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow

MAX_PAGE = 1000


@dataclass(frozen=True)
class StockLevel:
    sku: str
    warehouse: str
    on_hand: int
    available: int
    held_in_carts: int = 0


def stock_levels(
    db: Database,
    actor: Actor,
    *,
    sku: str | None = None,
    warehouse: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[StockLevel]:
    """One page of levels (`limit` at most MAX_PAGE), optionally of one SKU and/or warehouse."""
    require(actor, "read_stock")
    limit = max(1, min(limit, MAX_PAGE))
    free = col(Stock.on_hand) - col(Stock.reserved)
    reservable = and_(col(Location.kind).in_(PICKABLE), col(Location.blocked).is_(False))
    totals: Any = sa_select(
        col(Stock.warehouse_id).label("wid"),
        col(Stock.product_id).label("pid"),
        func.sum(col(Stock.on_hand)).label("on_hand"),
        func.sum(case((reservable, free), else_=0)).label("available"),
    ).join(Location, col(Location.id) == col(Stock.location_id))
    products = sa_select(col(Product.id), col(Product.sku)).where(col(Product.active))
    if sku is not None:
        products = products.where(col(Product.sku) == sku)
        totals = totals.join(Product, col(Product.id) == col(Stock.product_id)).where(
            col(Product.sku) == sku
        )
    p = products.subquery("p")
    t = totals.group_by(col(Stock.warehouse_id), col(Stock.product_id)).subquery("t")
    q = (
        sa_select(
            p.c.sku,
            col(Warehouse.code),
            func.coalesce(t.c.on_hand, 0),
            func.coalesce(t.c.available, 0),
        )
        .select_from(p)
        .join(Warehouse, true())
        .outerjoin(t, and_(t.c.pid == p.c.id, t.c.wid == col(Warehouse.id)))
        .order_by(p.c.sku, col(Warehouse.code))
        .limit(limit)
        .offset(max(0, offset))
    )
    if warehouse is not None:
        q = q.where(col(Warehouse.code) == warehouse)
    with db.reading() as s:
        rows = [(str(a), str(b), int(c), int(d)) for a, b, c, d in s.execute(q)]
        carts = _in_carts(s, {r[0] for r in rows})
    out = []
    for sku_, wh, on_hand, available in rows:
        live, lapsed = carts.get((sku_, wh), (0, 0))
        out.append(StockLevel(sku_, wh, on_hand, available + lapsed, live))
    return out


def _in_carts(session: Session, skus: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(sku, warehouse) -> (units in live holds, units in holds past expiry still reserved
    where they would be available)."""
    if not skus:
        return {}
    now = utcnow()
    live = col(CartHold.expires_at) > now
    lapsed_free = and_(
        col(CartHold.expires_at) <= now,
        col(Location.kind).in_(PICKABLE),
        col(Location.blocked).is_(False),
    )
    q = (
        sa_select(
            col(Product.sku),
            col(Warehouse.code),
            func.sum(case((live, col(CartHoldLine.qty)), else_=0)),
            func.sum(case((lapsed_free, col(CartHoldLine.qty)), else_=0)),
        )
        .join(CartHold, col(CartHold.id) == col(CartHoldLine.hold_id))
        .join(Product, col(Product.id) == col(CartHoldLine.product_id))
        .join(Warehouse, col(Warehouse.id) == col(CartHoldLine.warehouse_id))
        .join(Location, col(Location.id) == col(CartHoldLine.location_id))
        .where(col(CartHold.status) == CartHoldStatus.ACTIVE, col(Product.sku).in_(sorted(skus)))
        .group_by(col(Product.sku), col(Warehouse.code))
    )
    return {(str(a), str(b)): (int(c or 0), int(d or 0)) for a, b, c, d in session.execute(q)}
