"""Daily demand per product and warehouse: the units of the order lines ordered each day (orders
not cancelled; the warehouse that ships the line), plus the `demand_history` kept beyond the order
tables. Every active product in every warehouse gets a series, days without demand as zeros."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_terminal.core.bounds import date_problem
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import (
    DemandHistory,
    OrderLine,
    Product,
    SalesOrder,
    Warehouse,
)

if TYPE_CHECKING:
    import numpy as np

#: Days of history a forecast reads (eight weeks).
HISTORY_DAYS = 56


@dataclass(frozen=True)
class History:
    start: date  # the first day of every series
    keys: list[tuple[int, int]]  # (warehouse_id, product_id) of each row
    units: np.ndarray  # shape (len(keys), days): units ordered per day, oldest first

    @property
    def days(self) -> int:
        return int(self.units.shape[1])


def read_history(session: Session, *, end: date, days: int = HISTORY_DAYS) -> History:
    """The `days` days before `end` (not `end` itself: a day still under way would read low)."""
    import numpy as np

    # A typing error (9999-12-31, 0001-01-01): refused before anything is read or set.
    problem = date_problem("the day the history ends", datetime.combine(end, time(0), tzinfo=UTC))
    if problem:
        raise ValidationError(problem)
    start = end - timedelta(days=days)
    warehouses = list(session.exec(select(Warehouse.id).order_by(col(Warehouse.id))).all())
    products = list(
        session.exec(
            select(Product.id).where(col(Product.active).is_(True)).order_by(col(Product.id))
        ).all()
    )
    keys = [(w, p) for w in warehouses if w for p in products if p]
    row = {k: i for i, k in enumerate(keys)}
    units = np.zeros((len(keys), days), dtype=float)

    archived = select(
        col(DemandHistory.warehouse_id),
        col(DemandHistory.product_id),
        col(DemandHistory.day),
        col(DemandHistory.qty),
    ).where(col(DemandHistory.day) >= start, col(DemandHistory.day) < end)
    for wid, pid, day, qty in session.exec(archived):
        i = row.get((wid, pid))
        if i is not None:
            units[i, (day - start).days] += qty

    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(end, time(0), tzinfo=UTC)
    ordered = (
        select(
            func.coalesce(col(OrderLine.warehouse_id), col(SalesOrder.warehouse_id)),
            col(OrderLine.product_id),
            col(SalesOrder.ordered_at),
            col(OrderLine.qty),
        )
        .join(SalesOrder, col(SalesOrder.id) == col(OrderLine.order_id))
        .where(col(SalesOrder.ordered_at) >= since, col(SalesOrder.ordered_at) < until)
        .where(col(SalesOrder.status) != "cancelled")
    )
    for wid, pid, at, qty in session.exec(ordered):
        i = row.get((wid, pid))
        if i is not None:
            units[i, (at.astimezone(UTC).date() - start).days] += qty
    return History(start=start, keys=keys, units=units)
