"""The optimal tour of one pick list: its picks grouped into sub-aisles with the cost of each
configuration, the sweep over the frontier states of ``sweep_states`` with back pointers, and the
pick order of an Euler circuit of the chosen tour from the depot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .layout import Layout, PickPoint
from .sweep_states import FROM_HI, FROM_LO, INF, NONE, ONCE, SPLIT, TWICE, machine


@dataclass(slots=True)
class SubAisle:
    """Picks in one aisle inside one block, at distinct heights measured from the block's front."""

    offsets: list[float]  # sorted ascending, distinct, strictly inside (0, block length)
    picks: list[list[int]]  # pick indices at each offset
    gap_at: int  # SPLIT leaves offsets[gap_at - 1] .. offsets[gap_at] unwalked (if >= 2 offsets)
    costs: tuple[float, ...]  # cost of each configuration (INF: not allowed)


def empty_costs(length: float) -> tuple[float, ...]:
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
    empty = empty_costs(layout.block_length_m)
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
