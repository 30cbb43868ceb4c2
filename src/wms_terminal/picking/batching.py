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
    batches merged when the merged batch fits (de Koster et al.'s variant (i)); then savings
    between whole batches (variant (ii)). Then local search.

Local search (``batch_search.improve``) moves an order to another batch or swaps two orders
between batches while the total exact travel drops. The problem, its plans and the memoised
exact route lengths are in ``batch_problem``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import numpy as np

from .batch_problem import (
    BatchingMethod,
    BatchPlan,
    BatchProblem,
    CartCapacity,
    OrderPicks,
    estimate,
    footprints,
    nearest_by_estimate,
)
from .batch_search import improve_groups
from .layout import DEPOT, Layout
from .routing import optimal_length


def batch_fcfs(layout: Layout, orders: Sequence[OrderPicks], capacity: CartCapacity) -> BatchPlan:
    """First come, first served: fill each cart in the given order of the orders."""
    problem = BatchProblem(layout, orders, capacity)
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
    problem = BatchProblem(layout, orders, capacity)
    n = len(problem.orders)
    if n == 0:
        return BatchPlan("seed")
    foot = footprints(problem)
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
            est = estimate(layout, np.maximum(foot[fit_idx], batch_foot[None, :]))
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
        groups = improve_groups(problem, groups, time_limit_s, max_rounds)
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
    problem = BatchProblem(layout, orders, capacity)
    n = len(problem.orders)
    if n == 0:
        return BatchPlan("savings")
    near = nearest_by_estimate(layout, footprints(problem), neighbours)
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
        groups = improve_groups(problem, groups, time_limit_s, max_rounds)
    return problem.plan("savings", groups)


def _merge_batches(
    problem: BatchProblem, groups: list[list[int]], neighbours: int
) -> list[list[int]]:
    """Savings between whole batches, recomputed after each pass (de Koster et al.'s variant
    (ii)), over each batch's nearest batches: merges batches the pair savings left small."""
    foot = footprints(problem)
    while len(groups) > 1:
        feet = np.stack([foot[g].max(axis=0) for g in groups])
        near = nearest_by_estimate(problem.layout, feet, neighbours)
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


def per_order_length(layout: Layout, orders: Sequence[OrderPicks]) -> float:
    """Total travel when every order is picked on its own (discrete picking)."""
    return sum(optimal_length(layout, list(o.points)) for o in orders)


#: Batching methods by name.
BATCHING_METHODS: Final[Mapping[str, BatchingMethod]] = MappingProxyType(
    {"fcfs": batch_fcfs, "seed": batch_seed, "savings": batch_savings}
)
