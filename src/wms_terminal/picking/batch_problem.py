"""The batching problem: orders, the cart they go on, the plans batchers return, and exact
route lengths memoised, with the cheap footprint estimates that choose candidates.

``OrderPicks`` (an order's pick points and size) and ``CartCapacity`` (totes, volume, weight) are
pure inputs; a ``BatchPlan``'s travel is measured with the exact router
(``wms_terminal.picking.routing.optimal_length``). ``BatchProblem`` holds one call's orders and a
cache of route lengths keyed by sets of order indices, so a batch is routed once however often a
batcher looks at it.

Large inputs: footprints (the farthest pick in each aisle) are compared with numpy to choose
candidates, so the exact router runs ``O(n * neighbours)`` times, not ``O(n^2)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .layout import Layout, PickPoint
from .routing import _check_points, is_exact, optimal_length
from .sweep_length import solve_length
from .sweep_tour import build_subaisles


class BatchingError(ValueError):
    """An order cannot be batched (it alone exceeds the cart, or order ids repeat)."""


@dataclass(frozen=True, slots=True)
class OrderPicks:
    """One order as the batcher sees it: where its picks are and how much cart it takes."""

    order_id: Hashable
    points: tuple[PickPoint, ...]
    volume_cm3: float = 0.0
    weight_g: float = 0.0
    totes: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(self.points))


@dataclass(frozen=True, slots=True)
class CartCapacity:
    """What one cart carries: totes (one order needs ``OrderPicks.totes``), volume and weight."""

    totes: int
    volume_cm3: float = math.inf
    weight_g: float = math.inf

    def holds(self, order: OrderPicks) -> bool:
        """Whether `order` alone fits on this cart."""
        return (
            order.totes <= self.totes
            and order.volume_cm3 <= self.volume_cm3
            and order.weight_g <= self.weight_g
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """Orders picked together in one tour, and that tour's optimal length."""

    orders: tuple[OrderPicks, ...]
    length_m: float

    @property
    def order_ids(self) -> list[Hashable]:
        return [o.order_id for o in self.orders]

    @property
    def points(self) -> list[PickPoint]:
        """All pick points of the batch, order by order (feed this to a router)."""
        return [p for o in self.orders for p in o.points]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    method: str
    batches: tuple[Batch, ...] = field(default_factory=tuple)

    @property
    def total_length_m(self) -> float:
        return sum(b.length_m for b in self.batches)


BatchingMethod = Callable[[Layout, Sequence[OrderPicks], CartCapacity], BatchPlan]


#: Exact route lengths by layout and set of distinct pick points, shared by every batching call
#: (a wave's construction per spatial group, then its local search over the whole wave, route
#: the same batches: each is solved once). The optimal length depends on the distinct points
#: only. Bounded: cleared when full.
_LENGTHS: dict[tuple[Layout, frozenset[PickPoint]], float] = {}
_LENGTHS_MAX = 500_000


def route_length(layout: Layout, points: Sequence[PickPoint]) -> float:
    """``optimal_length`` of the points, memoised on the set of distinct points."""
    if not points:
        return 0.0
    key = (layout, frozenset(points))
    cached = _LENGTHS.get(key)
    if cached is None:
        if len(_LENGTHS) >= _LENGTHS_MAX:
            _LENGTHS.clear()
        if is_exact(layout):
            _check_points(layout, points)
            subs = build_subaisles(layout, points)
            cached = solve_length(layout, {key: sub.costs for key, sub in subs.items()})
        else:
            cached = optimal_length(layout, points)
        _LENGTHS[key] = cached
    return cached


class BatchProblem:
    """Orders, capacity and a cache of exact route lengths keyed by sets of order indices."""

    def __init__(
        self, layout: Layout, orders: Sequence[OrderPicks], capacity: CartCapacity
    ) -> None:
        self.layout = layout
        self.orders = list(orders)
        self.capacity = capacity
        seen: set[Hashable] = set()
        for order in self.orders:
            if order.order_id in seen:
                raise BatchingError(f"order {order.order_id!r} appears twice")
            seen.add(order.order_id)
            for point in order.points:
                if not layout.contains(point):
                    raise BatchingError(f"order {order.order_id!r}: {point} is not in the layout")
            if not capacity.holds(order):
                raise BatchingError(
                    f"order {order.order_id!r} does not fit on one cart "
                    f"({order.totes} totes, {order.volume_cm3} cm3, {order.weight_g} g)"
                )
        self.cache: dict[frozenset[int], float] = {}
        self.totes = [o.totes for o in self.orders]
        self.volume = [o.volume_cm3 for o in self.orders]
        self.weight = [o.weight_g for o in self.orders]

    def fits(self, members: Sequence[int] | set[int] | frozenset[int]) -> bool:
        cap = self.capacity
        return (
            sum(self.totes[i] for i in members) <= cap.totes
            and sum(self.volume[i] for i in members) <= cap.volume_cm3 + 1e-9
            and sum(self.weight[i] for i in members) <= cap.weight_g + 1e-9
        )

    def length(self, members: frozenset[int]) -> float:
        cached = self.cache.get(members)
        if cached is None:
            cached = route_length(self.layout, [p for i in members for p in self.orders[i].points])
            self.cache[members] = cached
        return cached

    def plan(self, method: str, groups: Sequence[Sequence[int]]) -> BatchPlan:
        batches = []
        for group in groups:
            if not group:
                continue
            members = sorted(group)
            batches.append(
                Batch(
                    orders=tuple(self.orders[i] for i in members),
                    length_m=self.length(frozenset(members)),
                )
            )
        return BatchPlan(method, tuple(batches))


def footprints(problem: BatchProblem) -> npt.NDArray[np.float64]:
    """Per order and aisle, the farthest pick height (0: no pick there)."""
    layout = problem.layout
    out = np.zeros((len(problem.orders), layout.aisles + 1), dtype=np.float64)
    for i, order in enumerate(problem.orders):
        for p in order.points:
            y = layout.bay_y(p.bay)
            if y > out[i, p.aisle]:
                out[i, p.aisle] = y
    return out


def estimate(layout: Layout, foot: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A cheap upper-bound-like estimate of route length from footprints (return routing):
    walk the front cross-aisle over the aisle span including the depot, and in and out of every
    aisle to its farthest pick. Used only to pick candidates, never as the reported travel."""
    used = foot > 0
    aisle_idx = np.arange(foot.shape[-1])
    depot = layout.depot_aisle
    hi = np.where(used, aisle_idx, 0).max(axis=-1)
    lo = np.where(used, aisle_idx, foot.shape[-1]).min(axis=-1)
    hi = np.maximum(hi, depot)
    lo = np.minimum(lo, depot)
    return np.asarray(2 * layout.aisle_pitch_m * (hi - lo) + 2 * foot.sum(axis=-1), dtype=float)


def nearest_by_estimate(
    layout: Layout, foot: npt.NDArray[np.float64], count: int
) -> list[list[int]]:
    """For each order, the ``count`` orders whose merge adds the least estimated travel."""
    n = foot.shape[0]
    alone = estimate(layout, foot)
    out: list[list[int]] = []
    chunk = max(1, 200_000 // max(1, n * foot.shape[1]))
    for start in range(0, n, chunk):
        block = foot[start : start + chunk]
        merged = estimate(layout, np.maximum(block[:, None, :], foot[None, :, :]))
        added = merged - alone[None, :]  # extra travel of adding order j to order i's tour
        for row, i in enumerate(range(start, min(n, start + chunk))):
            added[row, i] = np.inf
        k = min(count, n - 1)
        if k <= 0:
            out.extend([] for _ in range(block.shape[0]))
            continue
        part = np.argpartition(added, k - 1, axis=1)[:, :k]
        for row in range(block.shape[0]):
            cand = part[row]
            out.append([int(j) for j in cand[np.argsort(added[row, cand], kind="stable")]])
    return out
