"""Order batching: group orders into cart loads so that the total travel is short.

Pure functions over pure inputs: ``OrderPicks`` (an order's pick points and size) and a
``CartCapacity`` (totes, volume, weight). Each method returns a ``BatchPlan`` whose batches respect
the capacity and whose travel is measured with the exact router
(``wms_terminal.picking.routing.optimal_length``).

Methods (``BATCHING_METHODS``):

``fcfs``
    first come, first served: orders in the given order fill a cart until the next does not fit.
``seed``
    seed batching (de Koster, van der Poort & Wolters 1999): the unbatched order reaching farthest
    from the depot seeds a cart; the order adding the least route length (exact, among the few
    closest by footprint) is added while one fits. Then local search.
``savings``
    Clarke & Wright savings: for each order and its nearest neighbours by footprint, the saving
    ``d(i) + d(j) - d(i + j)`` with exact routes; pairs are taken by decreasing saving and their
    batches merged when the merged batch fits (de Koster et al.'s variant (i)). Then local search.

Local search (``improve``) moves an order to another batch or swaps two orders between batches
while the total exact travel drops, first improvement, over each batch's nearest batches, bounded
by ``time_limit_s`` and ``max_rounds``. Route lengths are cached per set of orders, so a batch is
routed once however often it is looked at.

Large inputs: footprints (the farthest pick in each aisle) are compared with numpy to choose
candidates, so the exact router runs ``O(n * neighbours)`` times, not ``O(n^2)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from . import _dp
from .layout import DEPOT, Layout, PickPoint
from .routing import _check_points, is_exact, optimal_length

__all__ = [
    "BATCHING_METHODS",
    "Batch",
    "BatchPlan",
    "BatchingError",
    "BatchingMethod",
    "CartCapacity",
    "OrderPicks",
    "batch_fcfs",
    "batch_savings",
    "batch_seed",
    "improve",
    "per_order_length",
]


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
            subs = _dp.build_subaisles(layout, points)
            cached = _dp.solve_length(layout, {key: sub.costs for key, sub in subs.items()})
        else:
            cached = optimal_length(layout, points)
        _LENGTHS[key] = cached
    return cached


# --------------------------------------------------------------------------------------------
# shared machinery


class _Problem:
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
            if not self.fits_alone(order):
                raise BatchingError(
                    f"order {order.order_id!r} does not fit on one cart "
                    f"({order.totes} totes, {order.volume_cm3} cm3, {order.weight_g} g)"
                )
        self.cache: dict[frozenset[int], float] = {}
        self.totes = [o.totes for o in self.orders]
        self.volume = [o.volume_cm3 for o in self.orders]
        self.weight = [o.weight_g for o in self.orders]

    def fits_alone(self, order: OrderPicks) -> bool:
        cap = self.capacity
        return (
            order.totes <= cap.totes
            and order.volume_cm3 <= cap.volume_cm3
            and order.weight_g <= cap.weight_g
        )

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


def _footprints(problem: _Problem) -> npt.NDArray[np.float64]:
    """Per order and aisle, the farthest pick height (0: no pick there)."""
    layout = problem.layout
    out = np.zeros((len(problem.orders), layout.aisles + 1), dtype=np.float64)
    for i, order in enumerate(problem.orders):
        for p in order.points:
            y = layout.bay_y(p.bay)
            if y > out[i, p.aisle]:
                out[i, p.aisle] = y
    return out


def _estimate(layout: Layout, foot: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
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


def _nearest_by_estimate(
    layout: Layout, foot: npt.NDArray[np.float64], count: int
) -> list[list[int]]:
    """For each order, the ``count`` orders whose merge adds the least estimated travel."""
    n = foot.shape[0]
    alone = _estimate(layout, foot)
    out: list[list[int]] = []
    chunk = max(1, 200_000 // max(1, n * foot.shape[1]))
    for start in range(0, n, chunk):
        block = foot[start : start + chunk]
        merged = _estimate(layout, np.maximum(block[:, None, :], foot[None, :, :]))
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


# --------------------------------------------------------------------------------------------
# methods


def batch_fcfs(layout: Layout, orders: Sequence[OrderPicks], capacity: CartCapacity) -> BatchPlan:
    """First come, first served: fill each cart in the given order of the orders."""
    problem = _Problem(layout, orders, capacity)
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(len(problem.orders)):
        if current and not problem.fits([*current, i]):
            groups.append(current)
            current = []
        current.append(i)
    if current:
        groups.append(current)
    return problem.plan("fcfs", groups)


def batch_seed(
    layout: Layout,
    orders: Sequence[OrderPicks],
    capacity: CartCapacity,
    *,
    local_search: bool = True,
    time_limit_s: float = 2.0,
    max_rounds: int = 20,
    candidates: int = 6,
) -> BatchPlan:
    """Seed batching, then ``improve`` (unless ``local_search`` is false)."""
    problem = _Problem(layout, orders, capacity)
    n = len(problem.orders)
    if n == 0:
        return BatchPlan("seed")
    foot = _footprints(problem)
    reach = [
        max((layout.distance(DEPOT, p) for p in o.points), default=0.0) for o in problem.orders
    ]
    totes = np.asarray(problem.totes, dtype=np.float64)
    volume = np.asarray(problem.volume, dtype=np.float64)
    weight = np.asarray(problem.weight, dtype=np.float64)
    free = np.ones(n, dtype=bool)
    by_reach = sorted(range(n), key=lambda i: (-reach[i], i))
    groups: list[list[int]] = []
    for seed in by_reach:
        if not free[seed]:
            continue
        group = [seed]
        free[seed] = False
        used = np.array([totes[seed], volume[seed], weight[seed]])
        batch_foot = foot[seed].copy()
        while True:
            ok = (
                free
                & (totes + used[0] <= capacity.totes)
                & (volume + used[1] <= capacity.volume_cm3 + 1e-9)
                & (weight + used[2] <= capacity.weight_g + 1e-9)
            )
            fit_idx = np.flatnonzero(ok)
            if fit_idx.size == 0:
                break
            est = _estimate(layout, np.maximum(foot[fit_idx], batch_foot[None, :]))
            take = min(candidates, fit_idx.size)
            short = fit_idx[np.argpartition(est, take - 1)[:take]]
            base = problem.length(frozenset(group))
            best_j, best_add = -1, math.inf
            for j in sorted(int(x) for x in short):
                add = problem.length(frozenset([*group, j])) - base
                if add < best_add:
                    best_j, best_add = j, add
            group.append(best_j)
            free[best_j] = False
            used += (totes[best_j], volume[best_j], weight[best_j])
            batch_foot = np.maximum(batch_foot, foot[best_j])
        groups.append(group)
    if local_search:
        groups = _improve_groups(problem, groups, time_limit_s, max_rounds)
    return problem.plan("seed", groups)


def batch_savings(
    layout: Layout,
    orders: Sequence[OrderPicks],
    capacity: CartCapacity,
    *,
    local_search: bool = True,
    time_limit_s: float = 2.0,
    max_rounds: int = 20,
    neighbours: int = 8,
) -> BatchPlan:
    """Clarke & Wright savings over each order's nearest neighbours, then ``improve``."""
    problem = _Problem(layout, orders, capacity)
    n = len(problem.orders)
    if n == 0:
        return BatchPlan("savings")
    near = _nearest_by_estimate(layout, _footprints(problem), neighbours)
    single = [problem.length(frozenset([i])) for i in range(n)]
    savings: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for i in range(n):
        for j in near[i]:
            pair = (min(i, j), max(i, j))
            if pair in seen:
                continue
            seen.add(pair)
            saving = single[i] + single[j] - problem.length(frozenset(pair))
            savings.append((saving, pair[0], pair[1]))
    savings.sort(key=lambda s: (-s[0], s[1], s[2]))
    owner = list(range(n))  # order -> group id
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _saving, i, j in savings:
        gi, gj = owner[i], owner[j]
        if gi == gj:
            continue
        merged = members[gi] + members[gj]
        if not problem.fits(merged):
            continue
        members[gi] = merged
        for m in members.pop(gj):
            owner[m] = gi
    groups = _merge_batches(problem, [members[g] for g in sorted(members)], neighbours)
    if local_search:
        groups = _improve_groups(problem, groups, time_limit_s, max_rounds)
    return problem.plan("savings", groups)


def _merge_batches(problem: _Problem, groups: list[list[int]], neighbours: int) -> list[list[int]]:
    """Savings between whole batches, recomputed after each pass (de Koster et al.'s variant
    (ii)), over each batch's nearest batches: merges batches the pair savings left small."""
    foot = _footprints(problem)
    while len(groups) > 1:
        feet = np.stack([foot[g].max(axis=0) for g in groups])
        near = _nearest_by_estimate(problem.layout, feet, neighbours)
        sets = [frozenset(g) for g in groups]
        pairs: list[tuple[float, int, int]] = []
        for a, cands in enumerate(near):
            for b in cands:
                if a < b or a not in near[b]:
                    lo, hi = min(a, b), max(a, b)
                    merged = sets[lo] | sets[hi]
                    if problem.fits(merged):
                        saving = (
                            problem.length(sets[lo])
                            + problem.length(sets[hi])
                            - problem.length(merged)
                        )
                        if saving > 1e-9:
                            pairs.append((saving, lo, hi))
        if not pairs:
            break
        pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
        taken: set[int] = set()
        merged_groups: list[list[int]] = []
        for _saving, a, b in pairs:
            if a in taken or b in taken:
                continue
            taken.update((a, b))
            merged_groups.append(groups[a] + groups[b])
        groups = merged_groups + [g for i, g in enumerate(groups) if i not in taken]
    return groups


def improve(
    layout: Layout,
    plan: BatchPlan,
    capacity: CartCapacity,
    *,
    time_limit_s: float = 2.0,
    max_rounds: int = 20,
) -> BatchPlan:
    """Local search (moves and swaps between batches) on an existing plan."""
    orders = [o for b in plan.batches for o in b.orders]
    problem = _Problem(layout, orders, capacity)
    groups: list[list[int]] = []
    cursor = 0
    for b in plan.batches:
        groups.append(list(range(cursor, cursor + len(b.orders))))
        cursor += len(b.orders)
    groups = _improve_groups(problem, groups, time_limit_s, max_rounds)
    return problem.plan(plan.method, groups)


def _improve_groups(
    problem: _Problem, groups: list[list[int]], time_limit_s: float, max_rounds: int
) -> list[list[int]]:
    deadline = time.perf_counter() + time_limit_s
    layout = problem.layout
    foot = _footprints(problem)
    batches = [set(g) for g in groups if g]
    length = problem.length

    def batch_foot(b: set[int]) -> npt.NDArray[np.float64]:
        return np.asarray(foot[sorted(b)].max(axis=0), dtype=np.float64)

    for _round in range(max_rounds):
        improved = False
        feet = np.stack([batch_foot(b) for b in batches]) if batches else np.zeros((0, 1))
        near = _nearest_by_estimate(layout, feet, 4) if len(batches) > 1 else [[]]
        for a in range(len(batches)):
            for b in near[a]:
                if time.perf_counter() > deadline:
                    return [sorted(x) for x in batches if x]
                A, B = batches[a], batches[b]
                if not A or not B:
                    continue
                la, lb = length(frozenset(A)), length(frozenset(B))
                base = la + lb
                done = False
                # Lower bounds prune most candidates without routing them: an optimal tour
                # never gets shorter when orders are added (it still visits every pick of the
                # smaller set), so length(A - o + q) >= length(A - o) and
                # length(B - q + o) >= length(B - q); likewise length(B + o) >= length(B).
                for o in sorted(A):
                    a_wo = A - {o}
                    la_wo = length(frozenset(a_wo))
                    if la_wo >= la - 1e-9:
                        # o costs A nothing (its picks lie on A's tour): a move cannot gain,
                        # and swaps are tried from the orders that do cost their batch.
                        continue
                    moved = B | {o}  # move o from A to B
                    if problem.fits(moved) and la_wo + length(frozenset(moved)) < base - 1e-9:
                        A.discard(o)
                        B.add(o)
                        done = True
                        break
                    for q in sorted(B):  # swap o and q
                        new_a, new_b = a_wo | {q}, (B - {q}) | {o}
                        if not (problem.fits(new_a) and problem.fits(new_b)):
                            continue
                        if la_wo + length(frozenset(B - {q})) >= base - 1e-9:
                            continue
                        if length(frozenset(new_a)) + length(frozenset(new_b)) < base - 1e-9:
                            A.discard(o)
                            A.add(q)
                            B.discard(q)
                            B.add(o)
                            done = True
                            break
                    if done:
                        break
                improved = improved or done
        batches = [x for x in batches if x]
        if not improved:
            break
    return [sorted(x) for x in batches if x]


def per_order_length(layout: Layout, orders: Sequence[OrderPicks]) -> float:
    """Total travel when every order is picked on its own (discrete picking)."""
    return sum(optimal_length(layout, list(o.points)) for o in orders)


#: Batching methods by name.
BATCHING_METHODS: Final[Mapping[str, BatchingMethod]] = MappingProxyType(
    {"fcfs": batch_fcfs, "seed": batch_seed, "savings": batch_savings}
)
