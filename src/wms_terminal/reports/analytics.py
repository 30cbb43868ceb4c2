"""Manager analytics over a period (orders, shipments, picks, packing, returns):

- sales: orders and order value per channel and currency (ordered in the period, not
  cancelled), in the order's own currency and in the base currency at the stored rate;
- on-time: orders shipped in the period (their first shipment) by their ship-by promise;
- pick-accuracy: lines picked, and mis-picks caught at packing: a wrong item scanned (refused
  as not on the order) and lines shipped short as missing or a wrong item in its place;
- pickers: lines per hour per picker; a picker's time on a list runs from the claim of the list
  (or the first pick, when another claimed it) to their last pick on it;
- cycle-time: hours from an order's arrival (`ordered_at`: the import, unless the channel sent
  the time it was placed) to its first shipment, for orders shipped in the period;
- returns: returns opened in the period per reason, with the share of the orders shipped in the
  period.

Every report is a `Report`: columns, rows and the series a chart draws; `to_csv` and `to_json`
give the same figures."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from wms_terminal.core.bounds import date_problem
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import (
    AuditEntry,
    CurrencyRate,
    PickList,
    PickTask,
    ReturnLine,
    ReturnOrder,
    SalesOrder,
    ScanRecord,
    Shipment,
    User,
    Warehouse,
)
from wms_terminal.core.money import BASE_CURRENCY, to_base

DEFAULT_DAYS = 30
MISPICK_SHORT_REASONS = ("MISSING", "WRONG")

Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class Period:
    since: datetime  # inclusive
    until: datetime  # exclusive
    warehouse: str | None = None

    @classmethod
    def days(
        cls,
        start: date | None = None,
        end: date | None = None,
        *,
        warehouse: str | None = None,
        today: date | None = None,
    ) -> Period:
        """From the start of `start` to the end of `end` (UTC days); by default the last 30 days
        up to today included."""
        last = end or today or datetime.now(UTC).date()
        first = start or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise ValidationError(f"the period starts ({first}) after it ends ({last})")
        for name, day in (("the start", first), ("the end", last)):
            # A typing error (9999-12-31): the day after it is not a date Python can make.
            problem = date_problem(name, datetime.combine(day, time(0), tzinfo=UTC))
            if problem:
                raise ValidationError(problem)
        return cls(
            datetime.combine(first, time(0), tzinfo=UTC),
            datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC),
            warehouse,
        )


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    # What the chart draws: one bar per label.
    chart_title: str = ""
    chart: list[tuple[str, float]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def value(v: Cell) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        return {
            "report": self.name,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[value(v) for v in row] for row in self.rows],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if v is None else v for v in row])
        return out.getvalue()


def _warehouses(session: Session, period: Period) -> dict[int, str]:
    rows = {int(w or 0): c for w, c in session.exec(select(Warehouse.id, Warehouse.code))}
    if period.warehouse is None:
        return rows
    chosen = {w: c for w, c in rows.items() if c == period.warehouse}
    if not chosen:
        raise NotFound(f"no warehouse {period.warehouse}")
    return chosen


def _bars(
    rows: list[tuple[Cell, ...]], value: int, label: tuple[int, ...] = (0,)
) -> list[tuple[str, float]]:
    """The chart's bars: a label from the `label` columns, the height from column `value`."""
    return [(" ".join(str(r[i]) for i in label), float(r[value] or 0)) for r in rows]


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def sales(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    stmt = (
        select(
            col(SalesOrder.channel),
            col(SalesOrder.currency),
            func.count(),
            func.sum(col(SalesOrder.total)),
        )
        .where(
            col(SalesOrder.ordered_at) >= period.since, col(SalesOrder.ordered_at) < period.until
        )
        .where(col(SalesOrder.status) != "cancelled")
        .group_by(col(SalesOrder.channel), col(SalesOrder.currency))
        .order_by(col(SalesOrder.channel), col(SalesOrder.currency))
    )
    if period.warehouse is not None:
        stmt = stmt.where(col(SalesOrder.warehouse_id).in_(list(wh)))
    rates: dict[str, Decimal] = {
        r.currency: r.rate_to_eur for r in session.exec(select(CurrencyRate))
    }
    rows: list[tuple[Cell, ...]] = []
    for channel, currency, orders, total in session.exec(stmt):
        amount = _money(total)
        rate = rates.get(currency)
        base = None if rate is None else to_base(amount, currency, rate)
        rows.append(
            (channel, currency, int(orders), amount, (amount / orders).quantize(_CENT), base)
        )
    return Report(
        "sales",
        "Sales by channel and currency",
        ("channel", "currency", "orders", "total", "average", f"total_{BASE_CURRENCY.lower()}"),
        rows,
        f"order value in {BASE_CURRENCY} per channel and currency",
        _bars(rows, 5, label=(0, 1)),
    )


_CENT = Decimal("0.01")


def _money(total: Any) -> Decimal:
    # SUM keeps the column's exact type: a Decimal on both backends.
    return Decimal("0.00") if total is None else Decimal(total).quantize(_CENT)


def _first_shipments(session: Session, period: Period) -> list[tuple[int, datetime, Any]]:
    """(warehouse id, first shipped at, the order) of the orders first shipped in the period."""
    first = (
        select(col(Shipment.order_id), func.min(col(Shipment.shipped_at)).label("at"))
        .where(col(Shipment.shipped_at).is_not(None))
        .group_by(col(Shipment.order_id))
        .subquery()
    )
    stmt = (
        select(SalesOrder, first.c.at)
        .join(first, first.c.order_id == col(SalesOrder.id))
        .where(first.c.at >= period.since, first.c.at < period.until)
    )
    from wms_terminal.core.models._base import UTC_DATETIME

    out = []
    for order, at in session.exec(stmt):
        shipped = UTC_DATETIME.process_result_value(at, session.get_bind().dialect)
        assert shipped is not None
        out.append((int(order.warehouse_id or 0), shipped, order))
    return out


def on_time(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # shipped, on time, late, none
    for wid, shipped, order in _first_shipments(session, period):
        if wid not in wh:
            continue
        c = counts[wid]
        c[0] += 1
        if order.ship_by is None:
            c[3] += 1
        elif shipped <= order.ship_by:
            c[1] += 1
        else:
            c[2] += 1
    rows: list[tuple[Cell, ...]] = []
    for wid in sorted(counts, key=lambda w: wh[w]):
        total, ok, late, none = counts[wid]
        rows.append((wh[wid], total, ok, late, none, _pct(ok, ok + late)))
    return Report(
        "on-time",
        "On-time shipping (first shipment by the ship-by promise)",
        ("warehouse", "shipped", "on_time", "late", "no_promise", "on_time_pct"),
        rows,
        "% shipped on time",
        _bars(rows, 5),
    )


def pick_accuracy(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    picked = dict(
        session.exec(
            select(col(PickTask.warehouse_id), func.count())
            .where(col(PickTask.qty_picked) > 0)
            .where(col(PickTask.picked_at) >= period.since, col(PickTask.picked_at) < period.until)
            .group_by(col(PickTask.warehouse_id))
        ).all()
    )
    wrong: dict[int, int] = defaultdict(int)
    scans = select(ScanRecord.warehouse_id, ScanRecord.outcome).where(
        col(ScanRecord.action) == "pack_verify",
        col(ScanRecord.accepted).is_(False),
        col(ScanRecord.created_at) >= period.since,
        col(ScanRecord.created_at) < period.until,
    )
    for wid, outcome in session.exec(scans):
        if (outcome or {}).get("code") == "wrong_item":
            # The station's refusal names the order's warehouse (the scan row has none).
            at = (outcome.get("data") or {}).get("warehouse_id") or wid
            wrong[int(at or 0)] += 1
    short: dict[int, int] = defaultdict(int)
    shorts = select(AuditEntry.warehouse_id, AuditEntry.detail).where(
        col(AuditEntry.action) == "pack_short",
        col(AuditEntry.reason_code).in_(MISPICK_SHORT_REASONS),
        col(AuditEntry.at) >= period.since,
        col(AuditEntry.at) < period.until,
    )
    for wid, detail in session.exec(shorts):
        short[int(wid or 0)] += len((detail or {}).get("units") or {})
    rows: list[tuple[Cell, ...]] = []
    for wid in sorted(wh, key=lambda w: wh[w]):
        lines = int(picked.get(wid, 0))
        caught = wrong[wid] + short[wid]
        if not lines and not caught:
            continue
        accuracy = round(100.0 - 100.0 * caught / lines, 2) if lines else None
        rows.append((wh[wid], lines, wrong[wid], short[wid], accuracy))
    return Report(
        "pick-accuracy",
        "Pick accuracy (mis-picks caught at packing)",
        ("warehouse", "lines_picked", "wrong_item_scans", "lines_short", "accuracy_pct"),
        rows,
        "% of picked lines right",
        _bars(rows, 4),
    )


def pickers(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    stmt = (
        sa_select(
            col(PickTask.picked_by),
            col(PickTask.pick_list_id),
            col(PickTask.picked_at),
            col(PickList.claimed_by),
            col(PickList.claimed_at),
        )
        .join(PickList, col(PickList.id) == col(PickTask.pick_list_id))
        .where(col(PickTask.qty_picked) > 0, col(PickTask.picked_by).is_not(None))
        .where(col(PickTask.picked_at) >= period.since, col(PickTask.picked_at) < period.until)
        .where(col(PickTask.warehouse_id).in_(list(wh)))
    )
    spans: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    claims: dict[int, tuple[int | None, datetime | None]] = {}
    for user, list_id, at, claimed_by, claimed_at in session.execute(stmt):
        spans[(int(user), int(list_id))].append(at)
        claims[int(list_id)] = (claimed_by, claimed_at)
    lines: dict[int, int] = defaultdict(int)
    seconds: dict[int, float] = defaultdict(float)
    for (user, list_id), times in spans.items():
        start, end = min(times), max(times)
        claimed_by, claimed_at = claims[list_id]
        if claimed_by == user and claimed_at is not None and claimed_at <= start:
            start = claimed_at
        lines[user] += len(times)
        seconds[user] += (end - start).total_seconds()
    names = dict(
        session.exec(select(User.id, User.username).where(col(User.id).in_(list(lines)))).all()
    )
    rows: list[tuple[Cell, ...]] = []
    for user in sorted(lines, key=lambda u: str(names.get(u, u))):
        hours = seconds[user] / 3600
        rate = round(lines[user] / hours, 1) if hours > 0 else None
        rows.append((str(names.get(user, user)), lines[user], round(hours, 2), rate))
    return Report(
        "pickers",
        "Lines per hour per picker",
        ("picker", "lines", "hours", "lines_per_hour"),
        rows,
        "lines per hour",
        _bars(rows, 3),
    )


def cycle_time(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    hours: dict[int, list[float]] = defaultdict(list)
    for wid, shipped, order in _first_shipments(session, period):
        if wid in wh:
            hours[wid].append((shipped - order.ordered_at).total_seconds() / 3600)
    rows: list[tuple[Cell, ...]] = []
    for wid in sorted(hours, key=lambda w: wh[w]):
        h = sorted(hours[wid])
        p90 = h[min(len(h) - 1, max(0, round(0.9 * len(h) + 0.5) - 1))]
        rows.append(
            (
                wh[wid],
                len(h),
                round(statistics.fmean(h), 1),
                round(statistics.median(h), 1),
                round(p90, 1),
            )
        )
    return Report(
        "cycle-time",
        "Order cycle time, arrival to first shipment (hours)",
        ("warehouse", "orders", "mean_h", "median_h", "p90_h"),
        rows,
        "median hours to ship",
        _bars(rows, 3),
    )


def returns(session: Session, period: Period) -> Report:
    wh = _warehouses(session, period)
    shipped = sum(1 for wid, _at, _o in _first_shipments(session, period) if wid in wh)
    units = (
        select(func.coalesce(func.sum(col(ReturnLine.qty)), 0))
        .where(col(ReturnLine.return_id) == col(ReturnOrder.id))
        .scalar_subquery()
    )
    stmt = (
        select(col(ReturnOrder.reason_code), func.count(), func.sum(units))
        .where(col(ReturnOrder.status) != "cancelled")
        .where(col(ReturnOrder.created_at) >= period.since)
        .where(col(ReturnOrder.created_at) < period.until)
        .where(col(ReturnOrder.warehouse_id).in_(list(wh)))
        .group_by(col(ReturnOrder.reason_code))
        .order_by(func.count().desc(), col(ReturnOrder.reason_code))
    )
    rows: list[tuple[Cell, ...]] = [
        (reason or "(none)", int(n), int(u or 0), _pct(int(n), shipped))
        for reason, n, u in session.exec(stmt)
    ]
    return Report(
        "returns",
        f"Returns by reason ({shipped} orders shipped in the period)",
        ("reason", "returns", "units", "pct_of_shipped_orders"),
        rows,
        "returns per reason",
        _bars(rows, 1),
    )


REPORTS: dict[str, Callable[[Session, Period], Report]] = {
    "sales": sales,
    "on-time": on_time,
    "pick-accuracy": pick_accuracy,
    "pickers": pickers,
    "cycle-time": cycle_time,
    "returns": returns,
}


def report(session: Session, name: str, period: Period) -> Report:
    try:
        make = REPORTS[name]
    except KeyError:
        raise ValidationError(f"no report {name!r}: one of {', '.join(REPORTS)}") from None
    return make(session, period)
