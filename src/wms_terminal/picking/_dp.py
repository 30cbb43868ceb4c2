"""Exact order-picker routing in a multi-block warehouse: a column-sweep dynamic programme.

This generalises Ratliff & Rosenthal (1983) from two cross-aisles to any number ``k`` of them
(the idea of Roodbergen & de Koster 2001 for ``k = 3`` and of Pansart, Catusse & Cambazard 2018
for any ``k``). A tour is a multigraph on the warehouse graph (each edge used 0, 1 or 2 times) that
is connected, has even degrees and covers the depot and every pick. The programme sweeps the
aisles left to right. Its state is the *frontier*: for each of the ``k`` cross-aisle nodes on the
current aisle, whether the partial tour touches it, the parity of its degree so far, and which
touched nodes are already connected (a partition, relabelled canonically). Every component of the
partial tour must reach the frontier, except when the tour is complete.

Each aisle is handled in two phases:

* vertical: for each sub-aisle (aisle ``a`` between cross-aisles ``j`` and ``j + 1``), one of the
  six configurations that can appear in an optimal tour (Ratliff & Rosenthal): none, traversed
  once, traversed twice, entered from the front end and returned, entered from the back end and
  returned, or entered from both ends leaving the largest gap between two picks unwalked;
* horizontal: for each cross-aisle, the number of times (0, 1, 2) the edge to the next aisle is
  used; the parity of the node being left fixes it to 1, or to 0 or 2.

The transitions depend only on ``k`` and are enumerated once per ``k`` (``_Machine``). A solve for
``n`` picks in ``A`` aisles costs ``O(n log n + A * S * (6k + 2^k))`` with ``S`` reachable frontier
states (a handful for ``k = 2``, a few dozen for ``k = 3``). Only aisles between the leftmost and
rightmost of the depot and the picks are swept: an optimal tour never leaves that span.

Reconstruction turns the chosen configurations into an Euler circuit from the depot; the order in
which that circuit first reaches each pick is returned. Walking that order with shortest paths is
no longer than the circuit, and no tour is shorter than the optimum, so the two are equal.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .layout import Layout, PickPoint

INF = math.inf

# Sub-aisle configurations: (degree at lower node, degree at upper node, connects the two).
NONE, ONCE, TWICE, FROM_LO, FROM_HI, SPLIT = range(6)
_CONFIGS: tuple[tuple[int, int, bool], ...] = (
    (0, 0, False),
    (1, 1, True),
    (2, 2, True),
    (2, 0, False),
    (0, 2, False),
    (2, 2, False),
)

State = tuple[int, ...]  # per node: 0 untouched, else 2 * component + parity (component >= 1)


def _normalise(nodes: Sequence[int]) -> State:
    relabel: dict[int, int] = {}
    out = []
    for value in nodes:
        if value == 0:
            out.append(0)
            continue
        comp = value >> 1
        if comp not in relabel:
            relabel[comp] = len(relabel) + 1
        out.append((relabel[comp] << 1) | (value & 1))
    return tuple(out)


def _vertical(state: State, j: int, config: int) -> State:
    deg_lo, deg_hi, connects = _CONFIGS[config]
    nodes = list(state)
    fresh = max((v >> 1 for v in nodes), default=0) + 1
    for node, deg in ((j, deg_lo), (j + 1, deg_hi)):
        if deg == 0:
            continue
        if nodes[node] == 0:
            nodes[node] = (fresh << 1) | (deg & 1)
            fresh += 1
        else:
            nodes[node] ^= deg & 1
    if connects:
        keep, drop = nodes[j] >> 1, nodes[j + 1] >> 1
        if keep != drop:
            nodes = [((keep << 1) | (v & 1)) if v and (v >> 1) == drop else v for v in nodes]
    return _normalise(nodes)


def _horizontal(state: State, depot_here: bool) -> list[tuple[State, tuple[int, ...]]]:
    """All ways to leave the frontier column to the next aisle: (new state, edge multiplicities)."""
    k = len(state)
    choices: list[tuple[int, ...]] = []
    for value in state:
        choices.append((1,) if value & 1 else (0, 2))
    out: list[tuple[State, tuple[int, ...]]] = []
    old_comps = {v >> 1 for v in state if v}
    fresh_base = max(old_comps, default=0) + 1

    def rec(j: int, mults: list[int]) -> None:
        if j == k:
            if depot_here and state[0] == 0 and mults[0] == 0:
                return
            nodes = []
            fresh = fresh_base
            for value, m in zip(state, mults, strict=True):
                if m == 0:
                    nodes.append(0)
                elif value == 0:
                    nodes.append((fresh << 1) | (m & 1))
                    fresh += 1
                else:
                    nodes.append(((value >> 1) << 1) | (m & 1))
            if {v >> 1 for v in nodes if v} >= old_comps:  # no component left behind
                out.append((_normalise(nodes), tuple(mults)))
            return
        for m in choices[j]:
            mults.append(m)
            rec(j + 1, mults)
            mults.pop()

    rec(0, [])
    return out


def _is_closed(state: State) -> bool:
    """One component, all degrees even: the partial tour can stop here."""
    comps = {v >> 1 for v in state if v}
    return len(comps) == 1 and all(not (v & 1) for v in state)


@dataclass(frozen=True, slots=True)
class _Machine:
    """Pick-independent transition tables of the sweep for ``k`` cross-aisles."""

    k: int
    states: tuple[State, ...]
    # vertical[j][s] = tuple of 6 target state indices (-1: impossible)
    vertical: tuple[tuple[tuple[int, ...], ...], ...]
    # horizontal[depot][s] = ((target, sum of multiplicities, multiplicities), ...)
    horizontal: tuple[tuple[tuple[tuple[int, int, tuple[int, ...]], ...], ...], ...]
    closed: tuple[bool, ...]
    node0_touched: tuple[bool, ...]


@functools.cache
def machine(k: int) -> _Machine:
    start: State = (0,) * k
    index: dict[State, int] = {start: 0}
    order: list[State] = [start]
    vertical_rows: list[dict[int, tuple[int, ...]]] = [{} for _ in range(k - 1)]
    horizontal_rows: list[dict[int, tuple[tuple[int, int, tuple[int, ...]], ...]]] = [{}, {}]

    def intern(state: State) -> int:
        if state not in index:
            index[state] = len(order)
            order.append(state)
        return index[state]

    cursor = 0
    while cursor < len(order):
        state = order[cursor]
        for j in range(k - 1):
            vertical_rows[j][cursor] = tuple(
                intern(_vertical(state, j, config)) for config in range(6)
            )
        for depot in (0, 1):
            horizontal_rows[depot][cursor] = tuple(
                (intern(target), sum(mults), mults)
                for target, mults in _horizontal(state, bool(depot))
            )
        cursor += 1
    n = len(order)
    return _Machine(
        k=k,
        states=tuple(order),
        vertical=tuple(tuple(rows[s] for s in range(n)) for rows in vertical_rows),
        horizontal=tuple(tuple(rows[s] for s in range(n)) for rows in horizontal_rows),
        closed=tuple(_is_closed(s) for s in order),
        node0_touched=tuple(s[0] != 0 for s in order),
    )


# --------------------------------------------------------------------------------------------
# Sub-aisle data for one pick list


@dataclass(slots=True)
class SubAisle:
    """Picks in one aisle inside one block, at distinct heights measured from the block's front."""

    offsets: list[float]  # sorted ascending, distinct, strictly inside (0, block length)
    picks: list[list[int]]  # pick indices at each offset
    gap_at: int  # SPLIT leaves offsets[gap_at - 1] .. offsets[gap_at] unwalked (if >= 2 offsets)
    costs: tuple[float, ...]  # cost of each configuration (INF: not allowed)


def _empty_costs(length: float) -> tuple[float, ...]:
    return (0.0, length, 2 * length, INF, INF, INF)


def build_subaisles(layout: Layout, points: Sequence[PickPoint]) -> dict[tuple[int, int], SubAisle]:
    """Group picks by (aisle, block). Points must already be valid for the layout."""
    per_block = layout.bays_per_block
    width = layout.bay_width_m
    length = layout.block_length_m
    grouped: dict[tuple[int, int], dict[int, list[int]]] = {}
    for index, point in enumerate(points):
        block, rel = divmod(point.bay - 1, per_block)
        grouped.setdefault((point.aisle, block), {}).setdefault(rel, []).append(index)
    out: dict[tuple[int, int], SubAisle] = {}
    for key, by_rel in grouped.items():
        rels = sorted(by_rel)
        offsets = [(r + 0.5) * width for r in rels]
        lo_cost = 2 * offsets[-1]
        hi_cost = 2 * (length - offsets[0])
        gap_at = 0
        split = INF
        if len(offsets) >= 2:
            best = -1.0
            for i in range(1, len(offsets)):
                gap = offsets[i] - offsets[i - 1]
                if gap > best:
                    best, gap_at = gap, i
            split = 2 * (length - best)
        out[key] = SubAisle(
            offsets=offsets,
            picks=[by_rel[r] for r in rels],
            gap_at=gap_at,
            costs=(INF, length, 2 * length, lo_cost, hi_cost, split),
        )
    return out


@dataclass(frozen=True, slots=True)
class Plan:
    """An optimal tour as edge multiplicities: the configuration of each walked sub-aisle and
    the multiplicity of each cross-aisle edge ``(aisle, j) -> (aisle + 1, j)``."""

    length: float
    configs: dict[tuple[int, int], int]
    horizontal: dict[tuple[int, int], int]


def solve(
    layout: Layout,
    subaisles: dict[tuple[int, int], SubAisle],
    *,
    want_plan: bool = True,
) -> Plan:
    """Run the sweep. ``subaisles`` from ``build_subaisles``; must be non-empty."""
    k = layout.cross_aisles
    mach = machine(k)
    depot = layout.depot_aisle
    pick_aisles = {a for a, _ in subaisles}
    first = min(min(pick_aisles), depot)
    last = max(max(pick_aisles), depot)
    empty = _empty_costs(layout.block_length_m)
    pitch = layout.aisle_pitch_m
    vertical = mach.vertical
    closed = mach.closed

    cost: dict[int, float] = {0: 0.0}
    # back pointers per step: target -> (source, choice); choice is a config or mults tuple
    trail: list[tuple[str, int, int, dict[int, tuple[int, object]]]] = []
    best = INF
    best_at: tuple[int, int] | None = None  # (len(trail) at finish, state)

    for aisle in range(first, last + 1):
        for j in range(k - 1):
            sub = subaisles.get((aisle, j))
            costs = sub.costs if sub is not None else empty
            allowed = [(c, oc) for c, oc in enumerate(costs) if oc < INF]
            table = vertical[j]
            new: dict[int, float] = {}
            back: dict[int, tuple[int, object]] = {}
            for s, base in cost.items():
                row = table[s]
                for config, oc in allowed:
                    t = row[config]
                    value = base + oc
                    if value < new.get(t, INF):
                        new[t] = value
                        if want_plan:
                            back[t] = (s, config)
            cost = new
            trail.append(("v", aisle, j, back))
        if aisle == last:  # every pick and the depot are behind us: may the tour close here?
            touched0 = mach.node0_touched
            for s, value in cost.items():
                if closed[s] and value < best and (aisle != depot or touched0[s]):
                    best, best_at = value, (len(trail), s)
        if aisle == last:
            break
        rows = mach.horizontal[1 if aisle == depot else 0]
        new = {}
        back = {}
        for s, base in cost.items():
            for t, msum, mults in rows[s]:
                value = base + msum * pitch
                if value < new.get(t, INF):
                    new[t] = value
                    if want_plan:
                        back[t] = (s, mults)
        cost = new
        trail.append(("h", aisle, 0, back))

    if best_at is None:  # pragma: no cover - a tour always exists
        raise RuntimeError("no feasible tour found")
    if not want_plan:
        return Plan(best, {}, {})
    configs: dict[tuple[int, int], int] = {}
    horizontal: dict[tuple[int, int], int] = {}
    steps, state = best_at
    for kind, aisle, j, back in reversed(trail[:steps]):
        source, choice = back[state]
        if kind == "v":
            assert isinstance(choice, int)
            if choice != NONE:
                configs[(aisle, j)] = choice
        else:
            assert isinstance(choice, tuple)
            for jj, m in enumerate(choice):
                if m:
                    horizontal[(aisle, jj)] = m
        state = source
    assert state == 0
    return Plan(best, configs, horizontal)


def tour_order(layout: Layout, subaisles: dict[tuple[int, int], SubAisle], plan: Plan) -> list[int]:
    """Pick indices in the order an Euler circuit of ``plan`` from the depot first reaches them."""
    k = layout.cross_aisles

    def node(aisle: int, j: int) -> int:
        return aisle * k + j

    # edge: (u, v, emit_forward, emit_backward) where the emit lists are pick-index groups
    ends: list[tuple[int, int]] = []
    emits: list[tuple[list[list[int]], list[list[int]]]] = []
    adjacency: dict[int, list[int]] = {}

    def add(u: int, v: int, forward: list[list[int]], backward: list[list[int]]) -> None:
        eid = len(ends)
        ends.append((u, v))
        emits.append((forward, backward))
        adjacency.setdefault(u, []).append(eid)
        if v != u:
            adjacency.setdefault(v, []).append(eid)

    for (aisle, j), m in plan.horizontal.items():
        for _ in range(m):
            add(node(aisle, j), node(aisle + 1, j), [], [])
    for (aisle, j), config in plan.configs.items():
        lo, hi = node(aisle, j), node(aisle, j + 1)
        sub = subaisles.get((aisle, j))
        groups = sub.picks if sub is not None else []
        if config == ONCE:
            add(lo, hi, groups, groups[::-1])
        elif config == TWICE:
            add(lo, hi, groups, groups[::-1])
            add(lo, hi, [], [])
        elif config == FROM_LO:
            add(lo, lo, groups, groups)
        elif config == FROM_HI:
            add(hi, hi, groups[::-1], groups[::-1])
        elif config == SPLIT:
            assert sub is not None
            add(lo, lo, groups[: sub.gap_at], groups[: sub.gap_at])
            add(hi, hi, groups[sub.gap_at :][::-1], groups[sub.gap_at :][::-1])

    start = node(layout.depot_aisle, 0)
    used = [False] * len(ends)
    pointer: dict[int, int] = {}
    stack: list[tuple[int, int, int]] = [(start, -1, -1)]  # (node, edge in, from node)
    popped: list[tuple[int, int]] = []
    while stack:
        u = stack[-1][0]
        edges = adjacency.get(u, [])
        i = pointer.get(u, 0)
        while i < len(edges) and used[edges[i]]:
            i += 1
        pointer[u] = i
        if i < len(edges):
            eid = edges[i]
            used[eid] = True
            a, b = ends[eid]
            stack.append((b if a == u else a, eid, u))
        else:
            _, eid, origin = stack.pop()
            if eid >= 0:
                popped.append((eid, origin))
    assert all(used), "tour plan is not connected"
    order: list[int] = []
    seen: set[int] = set()
    for eid, origin in reversed(popped):
        forward, backward = emits[eid]
        for group in forward if ends[eid][0] == origin else backward:
            if group[0] not in seen:
                seen.add(group[0])
                order.extend(group)
    return order


# --------------------------------------------------------------------------------------------
# Length only (batching calls the router thousands of times and needs no route)


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
                sub = _empty_costs(length)
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
