"""Local search over batches: move an order to another batch or swap two orders between
batches while the total exact travel drops.

First improvement, over each batch's nearest batches (by footprint estimate), bounded by
``time_limit_s`` and ``max_rounds``. Route lengths come from the problem's cache, and lower bounds
(an optimal tour never gets shorter when orders are added) prune most candidates unrouted.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from .batch_problem import BatchPlan, BatchProblem, CartCapacity, footprints, nearest_by_estimate
from .layout import Layout


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
    problem = BatchProblem(layout, orders, capacity)
    groups: list[list[int]] = []
    cursor = 0
    for b in plan.batches:
        groups.append(list(range(cursor, cursor + len(b.orders))))
        cursor += len(b.orders)
    groups = improve_groups(problem, groups, time_limit_s, max_rounds)
    return problem.plan(plan.method, groups)


def improve_groups(
    problem: BatchProblem, groups: list[list[int]], time_limit_s: float, max_rounds: int
) -> list[list[int]]:
    deadline = time.perf_counter() + time_limit_s
    layout = problem.layout
    foot = footprints(problem)
    batches = [set(g) for g in groups if g]
    length = problem.length

    def batch_foot(b: set[int]) -> npt.NDArray[np.float64]:
        return np.asarray(foot[sorted(b)].max(axis=0), dtype=np.float64)

    for _round in range(max_rounds):
        improved = False
        feet = np.stack([batch_foot(b) for b in batches]) if batches else np.zeros((0, 1))
        near = nearest_by_estimate(layout, feet, 4) if len(batches) > 1 else [[]]
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
