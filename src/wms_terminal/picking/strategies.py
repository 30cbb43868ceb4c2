"""Pick strategies: how a wave's orders are split into pick lists. A registry of objects, each
with a `split`; a new strategy is one class and one `register` call, never another `if` branch.

    per-order  one order per pick list (discrete picking)
    batch      several orders per list under the cart's capacity, picked together into one tote
               and sorted to orders afterwards (pick-and-sort)
    cluster    several orders per list, one tote per order on the cart: each pick names its slot
    zone       one list per zone (per cart-sized group of orders); an order spread over zones is
               consolidated at the pack station (its slot number is the same in every zone)

Batches come from `wave_batching.batch` (Clarke-Wright savings batching of `picking.batching`, then
local search, over spatial groups of orders within a time budget), always within one priority
tier, so VIP orders are never held back in a batch of ordinary ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from wms_terminal.core.errors import ValidationError
from wms_terminal.picking.batch_problem import CartCapacity, OrderPicks
from wms_terminal.picking.layout import Layout
from wms_terminal.picking.wave_batching import DEFAULT_CART, batch, budget_s, clamp


@dataclass(frozen=True)
class PickSource:
    """One reservation to pick: becomes one pick task."""

    order_id: int
    order_line_id: int
    reservation_id: int
    product_id: int
    location_id: int
    qty: int
    zone_id: int
    aisle: int
    bay: int
    volume_cm3: float
    weight_g: int


@dataclass(frozen=True)
class OrderSource:
    order_id: int
    number: str
    tier: int  # highest wave priority of the order's special flags (VIP first)
    priority: int
    picks: tuple[PickSource, ...]

    @property
    def volume_cm3(self) -> float:
        return sum(p.volume_cm3 * p.qty for p in self.picks)

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g * p.qty for p in self.picks)


@dataclass
class PlannedList:
    zone_id: int | None
    priority: int
    picks: list[tuple[PickSource, int | None]] = field(default_factory=list)  # (pick, tote slot)
    tote_count: int = 1

    @property
    def order_ids(self) -> set[int]:
        return {p.order_id for p, _ in self.picks}


@dataclass(frozen=True)
class PlanContext:
    layout: Layout
    capacity: CartCapacity = DEFAULT_CART


class Strategy(Protocol):
    name: str
    description: str

    def split(self, orders: Sequence[OrderSource], ctx: PlanContext) -> list[PlannedList]: ...


STRATEGIES: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    STRATEGIES[strategy.name] = strategy
    return strategy


def get_strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValidationError(
            f"unknown pick strategy {name!r}; one of {', '.join(STRATEGIES)}"
        ) from None


def list_priority(orders: Sequence[OrderSource]) -> int:
    """Claim order of a list: flag tier first (VIP), then the most urgent order's priority."""
    return max(o.tier for o in orders) * 1000 + max(o.priority for o in orders)


def _batches(orders: Sequence[OrderSource], ctx: PlanContext) -> list[list[OrderSource]]:
    by_tier: dict[int, list[OrderSource]] = defaultdict(list)
    for o in orders:
        by_tier[o.tier].append(o)
    out: list[list[OrderSource]] = []
    # One time budget for the whole release: each tier's own budget, scaled down so that they
    # add up to at most the budget of all the orders (each `batch` call taking a full budget of
    # its own made a 10,000-order batch release of four tiers take four: 18.6 s on SQLite).
    wanted = sum(budget_s(len(g)) for g in by_tier.values())
    scale = min(1.0, budget_s(len(orders)) / wanted) if wanted > 0 else 1.0
    for tier in sorted(by_tier, reverse=True):
        group = by_tier[tier]
        index = {o.order_id: o for o in group}
        loads = [
            OrderPicks(
                o.order_id,
                tuple(clamp(ctx.layout, p.aisle, p.bay) for p in o.picks),
                o.volume_cm3,
                o.weight_g,
            )
            for o in group
        ]
        share = budget_s(len(group)) * scale
        for keys in batch(ctx.layout, loads, ctx.capacity, time_budget_s=share):
            out.append([index[k] for k in keys])  # type: ignore[index]
    return out


class PerOrder:
    name = "per-order"
    description = "one order per pick list"

    def split(self, orders: Sequence[OrderSource], ctx: PlanContext) -> list[PlannedList]:
        return [PlannedList(None, list_priority([o]), [(p, None) for p in o.picks]) for o in orders]


class BatchPickAndSort:
    name = "batch"
    description = "orders batched per cart, picked into one tote, sorted afterwards"

    def split(self, orders: Sequence[OrderSource], ctx: PlanContext) -> list[PlannedList]:
        return [
            PlannedList(None, list_priority(b), [(p, None) for o in b for p in o.picks])
            for b in _batches(orders, ctx)
        ]


class Cluster:
    name = "cluster"
    description = "orders batched per cart, one tote per order (the picker is told the slot)"

    def split(self, orders: Sequence[OrderSource], ctx: PlanContext) -> list[PlannedList]:
        out = []
        for b in _batches(orders, ctx):
            picks: list[tuple[PickSource, int | None]] = [
                (p, slot) for slot, o in enumerate(b, start=1) for p in o.picks
            ]
            out.append(PlannedList(None, list_priority(b), picks, tote_count=len(b)))
        return out


class ZonePick:
    name = "zone"
    description = "one pick list per zone; orders consolidated at the pack station"
    uses_slots: ClassVar[bool] = True

    def split(self, orders: Sequence[OrderSource], ctx: PlanContext) -> list[PlannedList]:
        out = []
        for b in _batches(orders, ctx):
            per_zone: dict[int, list[tuple[PickSource, int | None]]] = defaultdict(list)
            for slot, o in enumerate(b, start=1):
                for p in o.picks:
                    per_zone[p.zone_id].append((p, slot))
            prio = list_priority(b)
            for zone_id in sorted(per_zone):
                picks = per_zone[zone_id]
                slots = {s for _, s in picks}
                out.append(PlannedList(zone_id, prio, picks, tote_count=len(slots)))
        return out


for _strategy in (PerOrder(), BatchPickAndSort(), Cluster(), ZonePick()):
    register(_strategy)
