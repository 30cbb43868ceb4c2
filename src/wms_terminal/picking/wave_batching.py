"""A wave's orders cut into cart batches within a time budget, and what a wave release needs
from the pure layout, routing and batching modules (a warehouse's layout, routing methods, carts).

Routing comes from `picking.routing` (`route(layout, points, method)`); batching from
`picking.batching` (`batch_savings`: Clarke-Wright savings with exact routes, then local search).

`batch` keeps a wave's release time bounded: the orders are sorted along the warehouse (by the
aisle and height of their picks' centre) and cut into spatial groups of `GROUP_ORDERS`; each group
gets Clarke-Wright savings batches on its own (savings rarely pair orders far apart, so little is
lost by the cut), then local search improves the whole wave, across group boundaries, for the
rest of the time budget (`budget_s`: grows with the wave, at most `MAX_BUDGET_S`). When the
construction's share of the budget runs out (a very large wave on a slow machine), the remaining
groups are filled first come, first served in that spatial order: still batches of neighbouring
orders, never a late release.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from wms_terminal.core.errors import ConfigurationError, ValidationError
from wms_terminal.picking.batch_problem import Batch, BatchPlan, CartCapacity, OrderPicks
from wms_terminal.picking.batch_search import improve
from wms_terminal.picking.batching import batch_fcfs, batch_savings
from wms_terminal.picking.layout import Layout, LayoutError, PickPoint
from wms_terminal.picking.routing import ROUTING_METHODS, Route, route

METHODS: tuple[str, ...] = tuple(ROUTING_METHODS)


def layout_of(data: Mapping[str, Any] | None, *, warehouse: str = "") -> Layout:
    try:
        return Layout.from_dict(dict(data or {}), allow_extra=True)
    except LayoutError as exc:
        raise ConfigurationError(f"warehouse {warehouse} has no usable layout: {exc}") from exc


def check_method(method: str) -> str:
    if method not in ROUTING_METHODS:
        raise ValidationError(
            f"unknown routing method {method!r}; one of {', '.join(ROUTING_METHODS)}"
        )
    return method


def clamp(layout: Layout, aisle: int, bay: int) -> PickPoint:
    """A location's pick point, kept inside the layout (a mis-set location must not stop a wave)."""
    return PickPoint(min(max(aisle, 1), layout.aisles), min(max(bay, 1), layout.bays))


def route_points(layout: Layout, points: Sequence[PickPoint], method: str) -> Route:
    return route(layout, points, method)


#: The cart the strategies batch for unless told otherwise: 8 totes of 40 l and 15 kg each.
TOTE_VOLUME_CM3 = 40_000.0
TOTE_WEIGHT_G = 15_000.0
DEFAULT_CART = CartCapacity(totes=8, volume_cm3=8 * TOTE_VOLUME_CM3, weight_g=8 * TOTE_WEIGHT_G)


def cart(totes: int) -> CartCapacity:
    """A cart of `totes` standard totes (volume and weight scale with them)."""
    return CartCapacity(
        totes=totes, volume_cm3=totes * TOTE_VOLUME_CM3, weight_g=totes * TOTE_WEIGHT_G
    )


#: Orders per spatial group batched together (savings over each order's nearest neighbours,
#: then local search).
GROUP_ORDERS = 300
#: Candidate partners per order in the savings construction.
NEIGHBOURS = 8
#: Time budget of one `batch` call: a base plus a little per order, capped by what keeps the
#: whole release of the wave (reading, batching, routing every list, writing) near its target
#: (issue 3: 10,000 orders in <= 10 s on SQLite; reading, routing and writing them take ~4 s):
#: the cap falls with the wave's size, from `MAX_BUDGET_S` to no less than `MIN_CAP_S`.
BASE_BUDGET_S = 1.0
PER_ORDER_BUDGET_S = 0.005
MAX_BUDGET_S = 8.0
CAP_PER_ORDER_S = 0.0003
MIN_CAP_S = 2.0
#: The part of the budget kept for local search (construction stops using it).
LOCAL_SEARCH_SHARE = 0.2


def budget_s(orders: int) -> float:
    cap = max(MIN_CAP_S, MAX_BUDGET_S - CAP_PER_ORDER_S * orders)
    return min(cap, BASE_BUDGET_S + PER_ORDER_BUDGET_S * orders)


def spatial_groups(
    layout: Layout, orders: Sequence[OrderPicks], size: int = GROUP_ORDERS
) -> list[list[OrderPicks]]:
    """Orders sorted along the warehouse, aisle by aisle in a serpentine (by the centre of their
    picks), cut into groups of at most `size` (the last groups evened out)."""

    def key(o: OrderPicks) -> tuple[float, float, str]:
        if not o.points:
            return (0.0, 0.0, str(o.order_id))
        aisle = sum(p.aisle for p in o.points) / len(o.points)
        height = sum(layout.bay_y(p.bay) for p in o.points) / len(o.points)
        band = round(aisle)
        return (float(band), height if band % 2 else -height, str(o.order_id))

    ranked = sorted(orders, key=key)
    if len(ranked) <= size:
        return [ranked] if ranked else []
    count = -(-len(ranked) // size)
    step = len(ranked) / count
    cuts = [round(i * step) for i in range(count + 1)]
    return [ranked[cuts[i] : cuts[i + 1]] for i in range(count)]


def batch(
    layout: Layout,
    orders: Sequence[OrderPicks],
    cap: CartCapacity,
    *,
    time_budget_s: float | None = None,
) -> list[list[Hashable]]:
    """Order ids per batch, each batch within the cart's capacity (an order bigger than the cart
    gets a cart of its own). Savings batching per spatial group; see the module docstring."""
    started = time.perf_counter()
    budget = budget_s(len(orders)) if time_budget_s is None else time_budget_s
    # Construction may use the budget up to this point; local search gets the rest.
    build_by = started + budget * (1.0 - LOCAL_SEARCH_SHARE)
    out: list[list[Hashable]] = [[o.order_id] for o in orders if not cap.holds(o)]
    batches: list[Batch] = []
    per_order_s = 0.0  # construction time per order, learnt from the groups done so far
    for group in spatial_groups(layout, [o for o in orders if cap.holds(o)]):
        t0 = time.perf_counter()
        if t0 + per_order_s * len(group) > build_by:
            # Out of time: neighbouring orders (spatial order) fill carts as they come.
            batches += batch_fcfs(layout, group, cap).batches
            continue
        batches += batch_savings(
            layout, group, cap, local_search=False, neighbours=NEIGHBOURS
        ).batches
        per_order_s = max(per_order_s, (time.perf_counter() - t0) / len(group))
    plan = BatchPlan("savings", tuple(batches))
    # Local search over the whole wave: moves and swaps across group boundaries too.
    search_s = started + budget - time.perf_counter()
    if search_s > 0 and len(batches) > 1:
        plan = improve(layout, plan, cap, time_limit_s=search_s)
    return out + [b.order_ids for b in plan.batches]
