"""`forecast run`: fit every product in every warehouse, store the forecast with its reorder
point (the reorder rule of `core.reorder` uses it from then on), raise the purchase orders now
due at the new points, and mail the manager the stock-health warnings (notices outbox).

The history is read in one read-only transaction and fitted outside any transaction (seconds of
CPU must not hold the SQLite write lock); the forecasts are written in one transaction (every
forecast replaced, one audit entry per warehouse saying how many reorder points changed); the
purchase orders then due are raised by the reorder rule a few products per transaction, and the
e-mails queued in a last one. A run stopped half-way leaves the new points in force and the rest
to the next run or the next stock movement (the rule raises each reorder once)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.models import (
    DemandForecast,
    Notification,
    Product,
    Supplier,
    Warehouse,
)
from wms_terminal.core.reorder import RaisedOrder, check_reorder_points
from wms_terminal.forecast import health
from wms_terminal.forecast.history import HISTORY_DAYS, History, read_history
from wms_terminal.forecast.methods import Fit, fit_many
from wms_terminal.forecast.policy import (
    DEFAULT_LEAD_TIME_DAYS,
    DEFAULT_SERVICE_LEVEL,
    reorder_point,
    z_score,
)

REORDER_CHUNK = 200  # products per transaction when the new points are checked
MAIL_ROWS = 15  # warnings listed in the e-mail (the desk shows them all)
BODY_LIMIT = 2000  # notification.body


@dataclass(frozen=True)
class ForecastRun:
    day: date
    series: int
    methods: dict[str, int]
    changed: int  # reorder points that differ from the ones in force before
    raised: list[RaisedOrder]
    warnings: dict[str, int]  # per kind
    notices: int
    fit_seconds: float
    history_start: date
    history_days: int
    service_level: float
    samples: list[dict[str, object]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "series": self.series,
            "methods": self.methods,
            "reorder_points_changed": self.changed,
            "purchase_orders": [r.number for r in self.raised],
            "warnings": self.warnings,
            "notices": self.notices,
            "fit_seconds": round(self.fit_seconds, 2),
            "history": {"start": self.history_start.isoformat(), "days": self.history_days},
            "service_level": self.service_level,
        }


def fit_history(history: History) -> list[Fit]:
    return fit_many(list(history.units))


def run_forecast(
    db: Database,
    actor: Actor,
    *,
    today: date | None = None,
    service_level: float = DEFAULT_SERVICE_LEVEL,
    days: int = HISTORY_DAYS,
    overstock_days: int = health.OVERSTOCK_DAYS,
) -> ForecastRun:
    require(actor, "manage_purchasing")
    z = z_score(service_level)
    day = today or datetime.now(UTC).date()
    with db.reading() as session:
        history = read_history(session, end=day, days=days)
    started = time.perf_counter()
    fits = fit_history(history)
    fit_seconds = time.perf_counter() - started

    def write(session: Session) -> int:
        return _store(session, actor, history=history, fits=fits, z=z, service_level=service_level)

    changed = db.run(write, what="store the forecast")
    raised = _reorder(db, actor, history)

    def mail(session: Session) -> tuple[dict[str, int], int]:
        warnings = health.stock_health(session, overstock_days=overstock_days)
        warehouses = {int(w or 0): c for w, c in session.exec(select(Warehouse.id, Warehouse.code))}
        return dict(Counter(w.kind for w in warnings)), _mail(session, warnings, warehouses, day)

    kinds, notices = db.run(mail, what="mail the stock warnings")
    return ForecastRun(
        day=day,
        series=len(fits),
        methods=dict(Counter(f.method for f in fits)),
        changed=changed,
        raised=raised,
        warnings=kinds,
        notices=notices,
        fit_seconds=fit_seconds,
        history_start=history.start,
        history_days=history.days,
        service_level=service_level,
    )


def _reorder(db: Database, actor: Actor, history: History) -> list[RaisedOrder]:
    """The new points apply now: what is already at or under its point is reordered, by the
    reorder rule, a few products per transaction (a first run may raise hundreds of purchase
    orders; one transaction for all would hold SQLite's write lock from every terminal)."""
    by_warehouse: dict[int, list[int]] = {}
    for wid, pid in history.keys:
        by_warehouse.setdefault(wid, []).append(pid)
    raised: list[RaisedOrder] = []
    for wid, pids in sorted(by_warehouse.items()):
        for i in range(0, len(pids), REORDER_CHUNK):
            raised += db.run(
                partial(
                    _check, warehouse_id=wid, product_ids=pids[i : i + REORDER_CHUNK], actor=actor
                ),
                what="raise purchase orders",
            )
    return raised


def _check(
    session: Session, *, warehouse_id: int, product_ids: list[int], actor: Actor
) -> list[RaisedOrder]:
    return check_reorder_points(
        session, warehouse_id=warehouse_id, product_ids=product_ids, actor=actor
    )


def _lead_times(session: Session) -> dict[int, int]:
    stmt = select(Product.id, Supplier.lead_time_days).outerjoin(
        Supplier, col(Supplier.id) == col(Product.supplier_id)
    )
    return {
        int(pid or 0): DEFAULT_LEAD_TIME_DAYS if lt is None else int(lt)
        for pid, lt in session.exec(stmt)
    }


def _store(
    session: Session,
    actor: Actor,
    *,
    history: History,
    fits: list[Fit],
    z: float,
    service_level: float,
) -> int:
    """Every forecast replaced, one audit entry per warehouse; the reorder points changed."""
    lead = _lead_times(session)
    before = {
        (w, p): point
        for w, p, point in session.exec(
            select(
                DemandForecast.warehouse_id,
                DemandForecast.product_id,
                DemandForecast.reorder_point,
            )
        )
    }
    own = dict(session.exec(select(Product.id, Product.reorder_point)).all())
    now = datetime.now(UTC)
    rows = []
    changed: Counter[int] = Counter()
    for (wid, pid), fit in zip(history.keys, fits, strict=True):
        lt = lead.get(pid, DEFAULT_LEAD_TIME_DAYS)
        point = reorder_point(fit.daily, fit.sigma, lt, z)
        if before.get((wid, pid), own.get(pid)) != point:
            changed[wid] += 1
        rows.append(
            {
                "warehouse_id": wid,
                "product_id": pid,
                "daily": fit.daily,
                "sigma": fit.sigma,
                "method": fit.method,
                "lead_time_days": lt,
                "service_level": service_level,
                "reorder_point": point,
                "computed_at": now,
            }
        )
    session.execute(delete(DemandForecast))
    if rows:
        session.execute(insert(DemandForecast), rows)
    warehouses = {int(w or 0): c for w, c in session.exec(select(Warehouse.id, Warehouse.code))}
    products: Counter[int] = Counter(wid for wid, _pid in history.keys)
    for wid in sorted(products):
        record(
            session,
            action="reorder_points_updated",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=wid,
            entity="demand_forecast",
            entity_id=warehouses.get(wid, str(wid)),
            changed=changed[wid],
            products=products[wid],
            service_level=service_level,
            history_start=history.start.isoformat(),
            history_days=history.days,
        )
    return sum(changed.values())


def _mail(
    session: Session, warnings: list[health.HealthWarning], warehouses: dict[int, str], day: date
) -> int:
    """One e-mail per warehouse with warnings: the counts, then the most urgent ones."""
    ids = {code: wid for wid, code in warehouses.items()}
    sent = 0
    for code in sorted({w.warehouse for w in warnings}):
        mine = [w for w in warnings if w.warehouse == code]
        kinds = Counter(w.kind for w in mine)
        head = ", ".join(f"{kinds[k]} {k}" for k in health.KINDS if kinds[k])
        lines = [f"Stock health in {code} on {day.isoformat()}: {head}.", ""]
        for w in mine[:MAIL_ROWS]:
            lines.append(describe(w))
        if len(mine) > MAIL_ROWS:
            lines.append(f"... and {len(mine) - MAIL_ROWS} more: wms-terminal forecast health")
        body = "\n".join(lines)
        if len(body) > BODY_LIMIT:
            body = body[: BODY_LIMIT - 1] + "…"
        session.add(
            Notification(
                warehouse_id=ids.get(code),
                recipient_role="manager",
                kind="stock_health",
                subject=f"Stock health {code}: {head}"[:200],
                body=body,
            )
        )
        sent += 1
    return sent


def describe(w: health.HealthWarning) -> str:
    """One warning as a line of text (e-mail, command line)."""
    cover = "no demand" if w.cover_days is None else f"{w.cover_days:.1f} days of cover"
    due = f", {w.on_order} on order" if w.on_order else ""
    return (
        f"{w.kind}: {w.sku} {w.name}: {w.free} free, {w.daily:.2f}/day, {cover} "
        f"(lead time {w.lead_time_days} days, reorder point {w.reorder_point}){due}"
    )
