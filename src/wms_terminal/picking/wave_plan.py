"""A wave's plan: the selected orders split into pick lists by a strategy, each list routed.

`plan_wave` previews a wave (nothing is written): the orders `wave_selection` selects, split by
the chosen strategy (`strategies`), each list's picks in route order for the chosen routing method
with its route length, travel compared across routing methods, and an estimate of picker-hours.
`wave_release` writes the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from wms_terminal.core.db import Database
from wms_terminal.picking.batch_problem import CartCapacity
from wms_terminal.picking.strategies import PickSource, PlanContext, PlannedList, get_strategy
from wms_terminal.picking.wave_batching import (
    DEFAULT_CART,
    METHODS,
    check_method,
    clamp,
    layout_of,
    route_points,
)
from wms_terminal.picking.wave_selection import Selection, WaveFilter, select_orders

WALK_M_PER_S = 1.0
SECONDS_PER_PICK = 12.0
SECONDS_PER_LIST = 90.0


@dataclass
class RoutedList:
    zone_id: int | None
    priority: int
    tote_count: int
    route_length_m: float
    picks: list[tuple[PickSource, int | None]]  # in route order


@dataclass(frozen=True)
class WavePlan:
    warehouse_id: int
    warehouse_code: str
    strategy: str
    routing_method: str
    filters: dict[str, Any]
    order_numbers: tuple[str, ...]
    orders: int
    lines: int
    picks: int
    units: int
    lists: tuple[RoutedList, ...] = field(repr=False)
    travel_m: dict[str, float]
    picker_hours: float

    @property
    def pick_lists(self) -> int:
        return len(self.lists)

    def to_json(self) -> dict[str, Any]:
        return {
            "warehouse": self.warehouse_code,
            "strategy": self.strategy,
            "routing_method": self.routing_method,
            "filters": self.filters,
            "orders": self.orders,
            "lines": self.lines,
            "picks": self.picks,
            "units": self.units,
            "pick_lists": self.pick_lists,
            "travel_m": {k: round(v, 1) for k, v in self.travel_m.items()},
            "picker_hours": round(self.picker_hours, 2),
            "order_numbers": list(self.order_numbers),
        }


def route_lists(planned: Sequence[PlannedList], ctx: PlanContext, method: str) -> list[RoutedList]:
    out = []
    for pl in planned:
        points = [clamp(ctx.layout, p.aisle, p.bay) for p, _ in pl.picks]
        r = route_points(ctx.layout, points, method)
        ordered = [pl.picks[i] for i in r.sequence]
        out.append(RoutedList(pl.zone_id, pl.priority, pl.tote_count, r.length_m, ordered))
    return out


def plan_selection(
    session: Session,
    flt: WaveFilter,
    strategy: str,
    method: str,
    capacity: CartCapacity,
    compare: Iterable[str],
) -> tuple[Selection, WavePlan]:
    strat = get_strategy(strategy)
    check_method(method)
    sel = select_orders(session, flt)
    ctx = PlanContext(layout_of(sel.warehouse.layout, warehouse=sel.warehouse.code), capacity)
    planned = strat.split(sel.orders, ctx)
    routed = route_lists(planned, ctx, method)
    travel = {method: sum(r.route_length_m for r in routed)}
    for other in compare:
        if other != method:
            check_method(other)
            travel[other] = sum(r.route_length_m for r in route_lists(planned, ctx, other))
    picks = sum(len(o.picks) for o in sel.orders)
    hours = (
        travel[method] / WALK_M_PER_S + picks * SECONDS_PER_PICK + len(routed) * SECONDS_PER_LIST
    ) / 3600.0
    plan = WavePlan(
        warehouse_id=sel.warehouse.id or 0,
        warehouse_code=sel.warehouse.code,
        strategy=strategy,
        routing_method=method,
        filters=flt.to_json(),
        order_numbers=tuple(o.number for o in sel.orders),
        orders=len(sel.orders),
        lines=len({p.order_line_id for o in sel.orders for p in o.picks}),
        picks=picks,
        units=sum(p.qty for o in sel.orders for p in o.picks),
        lists=tuple(routed),
        travel_m=travel,
        picker_hours=hours,
    )
    return sel, plan


def plan_wave(
    db: Database,
    flt: WaveFilter,
    *,
    strategy: str = "per-order",
    routing_method: str = "optimal",
    capacity: CartCapacity | None = None,
    compare: Iterable[str] = METHODS,
) -> WavePlan:
    """Preview a wave: nothing is written. `compare` adds travel for other routing methods."""
    with db.reading() as session:
        return plan_selection(
            session, flt, strategy, routing_method, capacity or DEFAULT_CART, compare
        )[1]
