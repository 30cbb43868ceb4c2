"""The order pool as a supervisor's desk shows it: the filter choices, and a wave preview with the
orders it would take (read-only; `waves.plan_wave` does the selecting, batching and routing)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import bindparam, text
from sqlmodel import col, select

from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import CarrierService, Channel, OrderFlag, Warehouse, Zone
from wms_terminal.core.release_rule import RELEASABLE_SQL
from wms_terminal.picking.batch_problem import CartCapacity
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.wave_batching import clamp, layout_of
from wms_terminal.picking.wave_plan import WavePlan, plan_wave
from wms_terminal.picking.wave_selection import WaveFilter

POOL_ROWS = 200  # orders listed under a preview (the plan counts them all)


@dataclass(frozen=True)
class PoolOptions:
    """What the filters can be set to."""

    warehouses: tuple[str, ...]
    carrier_services: tuple[str, ...]
    channels: tuple[str, ...]
    zones: dict[str, tuple[str, ...]]  # by warehouse code
    flags: tuple[str, ...]
    releasable_orders: int


@dataclass(frozen=True)
class PoolOrder:
    number: str
    channel: str
    priority: int
    ship_by: datetime | None
    carrier_service: str
    flags: tuple[str, ...]
    lines: int
    units: int


@dataclass(frozen=True)
class Preview:
    """A wave plan, the first POOL_ROWS of its orders, and its picks on the warehouse layout."""

    plan: WavePlan
    orders: tuple[PoolOrder, ...]
    layout: Layout

    def points(self, list_index: int | None = None) -> list[PickPoint]:
        """Pick points of the whole wave, or of one list in route order."""
        lists = self.plan.lists if list_index is None else [self.plan.lists[list_index]]
        return [clamp(self.layout, p.aisle, p.bay) for rl in lists for p, _ in rl.picks]


def parse_cutoff(value: str | None, *, label: str = "the cut-off") -> datetime | None:
    """An ISO date (the end of that day) or date-time; UTC unless it says otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError(f"{label} {value[:40]!r} is not an ISO date or date-time") from exc
    if len(value) == 10:  # a date: the end of that day
        dt = datetime.combine(dt.date(), time.max)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def pool_options(db: Database) -> PoolOptions:
    with db.reading() as s:
        warehouses = tuple(s.exec(select(Warehouse.code).order_by(col(Warehouse.code))).all())
        services = tuple(
            s.exec(select(CarrierService.code).order_by(col(CarrierService.code))).all()
        )
        zones: dict[str, list[str]] = defaultdict(list)
        for wh, zone in s.exec(
            select(Warehouse.code, Zone.code)
            .join(Zone, col(Zone.warehouse_id) == col(Warehouse.id))
            .order_by(col(Warehouse.code), col(Zone.travel_rank), col(Zone.code))
        ):
            zones[wh].append(zone)
        flags = tuple(s.exec(select(OrderFlag.code).order_by(col(OrderFlag.code))).all())
        releasable = s.execute(
            text(f"SELECT COUNT(*) FROM sales_order WHERE {RELEASABLE_SQL}")
        ).scalar_one()
    return PoolOptions(
        warehouses,
        services,
        Channel.ALL,
        {k: tuple(v) for k, v in zones.items()},
        flags,
        int(releasable),
    )


def preview(
    db: Database,
    flt: WaveFilter,
    *,
    strategy: str = "per-order",
    routing_method: str = "optimal",
    capacity: CartCapacity | None = None,
) -> Preview:
    """Plan the wave (nothing written), travel compared over every routing method."""
    plan = plan_wave(db, flt, strategy=strategy, routing_method=routing_method, capacity=capacity)
    return Preview(plan, pool_orders(db, plan.order_numbers[:POOL_ROWS]), _layout(db, plan))


def _layout(db: Database, plan: WavePlan) -> Layout:
    with db.reading() as s:
        wh = s.get(Warehouse, plan.warehouse_id)
        return layout_of(wh.layout if wh else None, warehouse=plan.warehouse_code)


def pool_orders(db: Database, numbers: Sequence[str]) -> tuple[PoolOrder, ...]:
    """The orders named, in the order given."""
    if not numbers:
        return ()
    with db.reading() as s:
        heads = s.execute(
            text(
                "SELECT so.id, so.number, so.channel, so.priority, so.ship_by, "
                "COALESCE(cs.code, ''), "
                "(SELECT COUNT(*) FROM order_line ol WHERE ol.order_id = so.id), "
                "(SELECT COALESCE(SUM(ol.qty), 0) FROM order_line ol WHERE ol.order_id = so.id) "
                "FROM sales_order so LEFT JOIN carrier_service cs ON cs.id = so.carrier_service_id "
                "WHERE so.number IN :n"
            ).bindparams(bindparam("n", expanding=True)),
            {"n": list(numbers)},
        ).all()
        flags: dict[int, list[str]] = defaultdict(list)
        for oid, code in s.execute(
            text(
                "SELECT sf.order_id, f.code FROM sales_order_flag sf "
                "JOIN order_flag f ON f.id = sf.flag_id JOIN sales_order so ON so.id = sf.order_id "
                "WHERE so.number IN :n ORDER BY f.code"
            ).bindparams(bindparam("n", expanding=True)),
            {"n": list(numbers)},
        ):
            flags[int(oid)].append(str(code))
    by_number = {
        str(r[1]): PoolOrder(
            str(r[1]),
            str(r[2]),
            int(r[3]),
            _dt(r[4]),
            str(r[5]),
            tuple(flags.get(int(r[0]), ())),
            int(r[6]),
            int(r[7]),
        )
        for r in heads
    }
    return tuple(by_number[n] for n in numbers if n in by_number)


def _dt(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
