"""The length of an optimal tour without the tour: batching calls the router thousands of times
and needs no route. The same sweep and transitions as ``sweep_tour.solve`` (no back pointers),
resuming from memoised sweep prefixes.
"""

from __future__ import annotations

import functools

from .layout import Layout
from .sweep_states import INF, machine
from .sweep_tour import empty_costs


@functools.cache
def _length_tables(
    k: int,
) -> tuple[
    tuple[tuple[tuple[int, ...], ...], ...], tuple[tuple[tuple[tuple[int, int], ...], ...], ...]
]:
    """The machine's tables shaped for `solve_length`: vertical targets per (j, config) as one
    tuple over states, and horizontal moves per state with, for each target, only the smallest
    multiplicity sum (the others can never be part of a shortest tour's length)."""
    mach = machine(k)
    n = len(mach.states)
    vt = tuple(
        tuple(tuple(mach.vertical[j][s][c] for s in range(n)) for c in range(6))
        for j in range(k - 1)
    )
    hz = []
    for depot in (0, 1):
        rows = []
        for s in range(n):
            best: dict[int, int] = {}
            for t, msum, _mults in mach.horizontal[depot][s]:
                if msum < best.get(t, 1 << 30):
                    best[t] = msum
            rows.append(tuple(sorted(best.items())))
        hz.append(tuple(rows))
    return vt, tuple(hz)


#: Sweep prefixes by (prefix id, aisle, its sub-aisle costs): the frontier costs after that
#: aisle. Batching routes many sets that agree on their leftmost aisles (a batch without one
#: order, with one more, two orders swapped): the sweep resumes after the shared prefix.
_PREFIX: dict[tuple[object, ...], tuple[int, dict[int, float]]] = {}
_PREFIX_MAX = 400_000


def solve_length(layout: Layout, costs: dict[tuple[int, int], tuple[float, ...]]) -> float:
    """`solve(...).length` from the sub-aisle configuration costs alone (the same sweep, the
    same transitions; no back pointers), resuming from memoised sweep prefixes. `costs` maps
    (aisle, block) -> `SubAisle.costs` of every sub-aisle holding picks; must be non-empty."""
    k = layout.cross_aisles
    mach = machine(k)
    vt, hz = _length_tables(k)
    depot = layout.depot_aisle
    pick_aisles = {a for a, _ in costs}
    first = min(min(pick_aisles), depot)
    last = max(max(pick_aisles), depot)
    length = layout.block_length_m
    pitch = layout.aisle_pitch_m
    if len(_PREFIX) >= _PREFIX_MAX:
        _PREFIX.clear()
    # The root names everything the sweep depends on besides the sub-aisle costs.
    node: object = (k, depot, first, length, pitch)
    cost: dict[int, float] = {0: 0.0}
    for aisle in range(first, last + 1):
        subs = tuple(costs.get((aisle, j)) for j in range(k - 1))
        key = (node, aisle, subs)
        hit = _PREFIX.get(key)
        if hit is not None:
            node_id, cost = hit
            node = node_id
            continue
        if aisle > first:
            rows = hz[1 if aisle - 1 == depot else 0]
            new: dict[int, float] = {}
            get = new.get
            for s, base in cost.items():
                for t, msum in rows[s]:
                    value = base + msum * pitch
                    if value < get(t, INF):
                        new[t] = value
            cost = new
        for j in range(k - 1):
            sub = subs[j]
            if sub is None:
                sub = empty_costs(length)
            table = vt[j]
            new = {}
            get = new.get
            items = tuple(cost.items())
            for config, oc in enumerate(sub):
                if oc == INF:
                    continue
                targets = table[config]
                for s, base in items:
                    t = targets[s]
                    value = base + oc
                    if value < get(t, INF):
                        new[t] = value
            cost = new
        node_id = len(_PREFIX) + 1
        _PREFIX[key] = (node_id, cost)
        node = node_id
    closed = mach.closed
    touched0 = mach.node0_touched
    best = INF
    for s, value in cost.items():
        if closed[s] and value < best and (last != depot or touched0[s]):
            best = value
    if best == INF:  # pragma: no cover - a tour always exists
        raise RuntimeError("no feasible tour found")
    return best
