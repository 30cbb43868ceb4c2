"""Exact order-picker routing in a multi-block warehouse: a column-sweep dynamic programme,
and its pick-independent part, the frontier states and their transitions for ``k`` cross-aisles.

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

The transitions depend only on ``k`` and are enumerated once per ``k`` (``Machine``). A solve for
``n`` picks in ``A`` aisles costs ``O(n log n + A * S * (6k + 2^k))`` with ``S`` reachable frontier
states (a handful for ``k = 2``, a few dozen for ``k = 3``). Only aisles between the leftmost and
rightmost of the depot and the picks are swept: an optimal tour never leaves that span.

Reconstruction turns the chosen configurations into an Euler circuit from the depot; the order in
which that circuit first reaches each pick is returned. Walking that order with shortest paths is
no longer than the circuit, and no tour is shorter than the optimum, so the two are equal.

The sweep itself (sub-aisle costs of one pick list, the optimal tour and its pick order) is in
``sweep_tour``; the length-only sweep that batching calls thousands of times in ``sweep_length``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

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
class Machine:
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
def machine(k: int) -> Machine:
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
    return Machine(
        k=k,
        states=tuple(order),
        vertical=tuple(tuple(rows[s] for s in range(n)) for rows in vertical_rows),
        horizontal=tuple(tuple(rows[s] for s in range(n)) for rows in horizontal_rows),
        closed=tuple(_is_closed(s) for s in order),
        node0_touched=tuple(s[0] != 0 for s in order),
    )
