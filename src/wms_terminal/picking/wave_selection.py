"""Which orders a wave takes: the supervisor's filter and the selection it makes.

A supervisor selects orders by cut-off, carrier service, channel, minimum priority, zone and
special flags; VIP and other flagged orders come first (`OrderFlag.wave_priority`), then higher
priority, then the earliest ship-by. `select_orders` reads each selected order's active
reservations as the picks the strategies split into lists (see `wave_plan`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from wms_terminal.core.bounds import date_problem, priority_problem
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import CarrierService, OrderFlag, Warehouse, Zone
from wms_terminal.core.models._base import UTC_DATETIME
from wms_terminal.core.release_rule import releasable_sql
from wms_terminal.picking.strategies import OrderSource, PickSource

MAX_ORDERS = 1_000_000  # the most orders one wave may be asked for


@dataclass(frozen=True)
class WaveFilter:
    warehouse: str | None = None  # warehouse code; the only one when None
    cutoff: datetime | None = None  # ship_by at or before
    carrier_service: str | None = None  # carrier service code
    channel: str | None = None
    priority_min: int | None = None
    zone: str | None = None  # orders whose picks all lie in this zone
    flags: tuple[str, ...] = ()  # orders carrying any of these flags
    max_orders: int | None = None

    def __post_init__(self) -> None:
        problems = [
            self.cutoff and date_problem("the cut-off", self.cutoff),
            self.priority_min is not None
            and priority_problem("the minimum priority", self.priority_min),
        ]
        for problem in problems:
            if problem:
                raise ValidationError(problem)
        if self.max_orders is not None and not 1 <= self.max_orders <= MAX_ORDERS:
            raise ValidationError(f"the order limit must be 1 to {MAX_ORDERS:,}")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["cutoff"] = self.cutoff.isoformat() if self.cutoff else None
        out["flags"] = list(self.flags)
        return {k: v for k, v in out.items() if v not in (None, [])}


@dataclass(frozen=True)
class Selection:
    warehouse: Warehouse
    orders: list[OrderSource]
    numbers: dict[int, str]
    statuses: dict[int, str]


def find_warehouse(session: Session, code: str | None) -> Warehouse:
    if code:
        wh = session.exec(select(Warehouse).where(Warehouse.code == code)).first()
        if wh is None:
            raise NotFound(f"no warehouse {code!r}")
        return wh
    all_wh = session.exec(select(Warehouse).order_by(Warehouse.id)).all()  # type: ignore[arg-type]
    if len(all_wh) != 1:
        raise ValidationError(
            "name the warehouse (--warehouse): "
            + (", ".join(w.code for w in all_wh) or "none is set up")
        )
    return all_wh[0]


def select_orders(session: Session, flt: WaveFilter) -> Selection:
    wh = find_warehouse(session, flt.warehouse)
    assert wh.id is not None
    where = ["so.warehouse_id = :w", releasable_sql("so")]
    params: dict[str, Any] = {"w": wh.id}
    expanding: list[Any] = []
    if flt.cutoff is not None:
        where.append("so.ship_by IS NOT NULL AND so.ship_by <= :cutoff")
        # Typed like the column, so SQLite compares its own stored text form (UTC).
        params["cutoff"] = flt.cutoff
        expanding.append(bindparam("cutoff", type_=UTC_DATETIME))
    if flt.carrier_service:
        cs = session.exec(
            select(CarrierService.id).where(CarrierService.code == flt.carrier_service)
        ).first()
        if cs is None:
            raise NotFound(f"no carrier service {flt.carrier_service!r}")
        where.append("so.carrier_service_id = :cs")
        params["cs"] = cs
    if flt.channel:
        where.append("so.channel = :ch")
        params["ch"] = flt.channel
    if flt.priority_min is not None:
        where.append("so.priority >= :pmin")
        params["pmin"] = flt.priority_min
    if flt.flags:
        codes = [f.upper() for f in flt.flags]
        known = set(session.exec(select(OrderFlag.code).where(OrderFlag.code.in_(codes))).all())  # type: ignore[attr-defined]
        unknown = sorted(set(codes) - known)
        if unknown:
            raise NotFound(f"no special-order flag {unknown[0]!r}")
        where.append(
            "EXISTS (SELECT 1 FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
            "WHERE sf.order_id = so.id AND f.code IN :flags)"
        )
        params["flags"] = codes
        expanding.append(bindparam("flags", expanding=True))
    zone_id = None
    if flt.zone:
        zone_id = session.exec(
            select(Zone.id).where(Zone.warehouse_id == wh.id, Zone.code == flt.zone)
        ).first()
        if zone_id is None:
            raise NotFound(f"no zone {flt.zone!r} in warehouse {wh.code}")
    cond = " AND ".join(where)
    head_sql = text(
        "SELECT so.id, so.number, so.status, so.priority, so.ship_by, "
        "COALESCE((SELECT MAX(f.wave_priority) FROM sales_order_flag sf "
        "JOIN order_flag f ON f.id = sf.flag_id WHERE sf.order_id = so.id), 0) "
        f"FROM sales_order so WHERE {cond}"
    )
    if expanding:
        head_sql = head_sql.bindparams(*expanding)
    heads = session.execute(head_sql, params).all()
    # The reservation status is tested here, not in SQL: with statistics not yet gathered after
    # a bulk import, PostgreSQL ANDed the whole `status` index into every order's lookup (9.6 s
    # for 10,000 orders instead of 0.2 s). An order's reservations are few; the order index does.
    picks_sql = text(
        "SELECT r.order_id, r.order_line_id, r.id, r.product_id, r.location_id, r.qty, "
        "l.zone_id, l.aisle, l.bay, p.length_mm * p.width_mm * p.height_mm / 1000.0, p.weight_g, "
        "r.status FROM reservation r JOIN sales_order so ON so.id = r.order_id "
        "JOIN location l ON l.id = r.location_id JOIN product p ON p.id = r.product_id "
        f"WHERE r.qty > 0 AND {cond} "
        "ORDER BY r.order_id, r.order_line_id, r.id"
    )
    if expanding:
        picks_sql = picks_sql.bindparams(*expanding)
    picks: dict[int, list[PickSource]] = defaultdict(list)
    for row in session.execute(picks_sql, params):
        if row[11] != "active":
            continue
        picks[row[0]].append(
            PickSource(
                int(row[0]),
                int(row[1]),
                int(row[2]),
                int(row[3]),
                int(row[4]),
                int(row[5]),
                int(row[6]),
                int(row[7]),
                int(row[8]),
                float(row[9] or 0.0),
                int(row[10] or 0),
            )
        )
    far = datetime.max
    ranked = []
    for oid, number, status, prio, ship_by, tier in heads:
        mine = picks.get(oid)
        if not mine:
            continue
        if zone_id is not None and any(p.zone_id != zone_id for p in mine):
            continue
        if isinstance(ship_by, str):  # SQLite hands back text from a plain SQL query
            ship_by = datetime.fromisoformat(ship_by)
        deadline = ship_by.replace(tzinfo=None) if ship_by is not None else far
        ranked.append(((-int(tier), -int(prio), deadline, oid), oid, number, status, prio, tier))
    ranked.sort(key=lambda r: r[0])
    if flt.max_orders is not None:
        ranked = ranked[: max(flt.max_orders, 0)]
    orders = [
        OrderSource(oid, number, int(tier), int(prio), tuple(picks[oid]))
        for _, oid, number, _status, prio, tier in ranked
    ]
    return Selection(
        wh,
        orders,
        {o.order_id: o.number for o in orders},
        {r[1]: r[3] for r in ranked},
    )
