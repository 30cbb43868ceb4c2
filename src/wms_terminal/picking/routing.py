"""Order-picker routing: S-shape, largest gap, combined and optimal (exact) routes.

Every method takes a ``Layout`` and a list of ``PickPoint`` and returns a ``Route``:

- ``length_m`` is the length of the closed walk the method makes (depot -> picks -> depot);
- ``sequence`` lists indices into the pick list in visiting order, each exactly once (several
  picks at the same point are listed together).

Walking ``sequence`` with shortest paths is never longer than ``length_m`` (a heuristic may walk
further than that, e.g. S-shape traverses whole aisles); for ``optimal`` the two are equal and no
route is shorter. An empty pick list gives ``Route(0.0, [])``.

Call ``route(layout, points, method)`` or look a method up in ``ROUTING_METHODS``.

Methods
-------
``optimal``
    Exact for any number of cross-aisles: a column-sweep dynamic programme over aisles that
    generalises Ratliff & Rosenthal (1983) (see ``wms_terminal.picking.sweep_states``).

The three heuristics follow Roodbergen & de Koster (2001), "Routing methods for warehouses with
multiple cross aisles", in a simplified, documented form that reduces to the classic single-block
heuristic when there are two cross-aisles:

1. walk along the front cross-aisle to the leftmost aisle holding a pick and up it to the back of
   the farthest block holding a pick;
2. then handle the blocks from the farthest to the nearest. Each block is entered from its back
   cross-aisle at the current aisle and left by its front cross-aisle; its aisles still holding
   picks are visited from the end nearest to the current aisle to the other:

   ``s-shape``
       every such aisle is traversed entirely (alternately down and up); when their number is
       even, the last one is entered from the front and left the same way, up to its farthest
       pick, so the block is left at its front;
   ``largest-gap``
       along the back cross-aisle, each aisle but the last is entered up to its largest gap
       between picks (or the block's ends) and left the same way; the last is traversed; then
       along the front cross-aisle, going back, the rest of each aisle is picked from the front;
   ``combined``
       each aisle is either traversed or entered and left from the side the picker is on, chosen
       by a small dynamic programme that minimises the block's travel (Roodbergen & de Koster's
       combined heuristic);

   a block with nothing left to pick is crossed along the current aisle;
3. return along the front cross-aisle to the depot.

When every pick is in one aisle, all three walk up it to the farthest pick and back.

Each heuristic is run as described and on the mirrored warehouse (starting from the rightmost
aisle), and the shorter walk is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from .layout import DEPOT, InvalidPickPoint, Layout, PickPoint, Stop
from .sweep_tour import build_subaisles, solve, tour_order

__all__ = [
    "MAX_EXACT_CROSS_AISLES",
    "ROUTING_METHODS",
    "Route",
    "RoutingMethod",
    "combined_route",
    "is_exact",
    "largest_gap_route",
    "optimal_length",
    "optimal_route",
    "route",
    "s_shape_route",
]


@dataclass(frozen=True, slots=True)
class Route:
    """A closed walk from the depot: its length in metres and the visiting order of the picks."""

    length_m: float
    sequence: list[int] = field(default_factory=list)


RoutingMethod = Callable[[Layout, Sequence[PickPoint]], Route]


def _check_points(layout: Layout, points: Sequence[PickPoint]) -> None:
    for index, point in enumerate(points):
        try:
            layout.check_point(point)
        except InvalidPickPoint as exc:
            raise InvalidPickPoint(f"pick {index}: {exc}") from None


# --------------------------------------------------------------------------------------------
# optimal


#: The exact programme's state space grows steeply with the number of cross-aisles (6 frontier
#: states for 2, 24 for 3, 112 for 4, 568 for 5, 3,032 for 6). Up to this many it is used; beyond,
#: ``optimal`` falls back to the best heuristic improved by 2-opt and or-opt (not guaranteed
#: optimal; ``is_exact`` tells).
MAX_EXACT_CROSS_AISLES: Final = 6


def is_exact(layout: Layout) -> bool:
    """Whether ``optimal_route`` is guaranteed shortest on this layout."""
    return layout.cross_aisles <= MAX_EXACT_CROSS_AISLES


def optimal_route(layout: Layout, points: Sequence[PickPoint]) -> Route:
    """The shortest route: exact for up to ``MAX_EXACT_CROSS_AISLES`` cross-aisles."""
    _check_points(layout, points)
    if not points:
        return Route(0.0, [])
    if not is_exact(layout):
        return _local_search_route(layout, points)
    subaisles = build_subaisles(layout, points)
    plan = solve(layout, subaisles)
    order = tour_order(layout, subaisles, plan)
    walked = layout.route_length(points, order)
    if walked > plan.length + 1e-6 * max(1.0, plan.length):  # pragma: no cover - a bug guard
        raise AssertionError(f"optimal tour {plan.length} shortcut to {walked}")
    return Route(walked, order)


def optimal_length(layout: Layout, points: Sequence[PickPoint]) -> float:
    """Length of the shortest route, without building the visiting order (faster)."""
    _check_points(layout, points)
    if not points:
        return 0.0
    if not is_exact(layout):
        return _local_search_route(layout, points).length_m
    return solve(layout, build_subaisles(layout, points), want_plan=False).length


# --------------------------------------------------------------------------------------------
# heuristics: an honest walker over the grid


class _Walk:
    """Walks the grid along aisles and cross-aisles, collecting picks as it passes them."""

    def __init__(self, layout: Layout, points: Sequence[PickPoint]) -> None:
        self.layout = layout
        self.pitch = layout.aisle_pitch_m
        # aisle -> sorted [(y, [indices])]
        by_aisle: dict[int, dict[float, list[int]]] = {}
        for index, point in enumerate(points):
            y = layout.bay_y(point.bay)
            by_aisle.setdefault(point.aisle, {}).setdefault(y, []).append(index)
        self.stops: dict[int, list[tuple[float, list[int]]]] = {
            a: sorted(groups.items()) for a, groups in by_aisle.items()
        }
        self.pending: dict[int, list[bool]] = {a: [True] * len(s) for a, s in self.stops.items()}
        self.aisle = layout.depot_aisle
        self.y = 0.0
        self.length = 0.0
        self.order: list[int] = []

    def go_y(self, target: float) -> None:
        """Walk along the current aisle to height ``target``, picking everything passed."""
        stops = self.stops.get(self.aisle)
        if stops:
            pending = self.pending[self.aisle]
            lo, hi = min(self.y, target), max(self.y, target)
            indices = range(len(stops)) if target >= self.y else range(len(stops) - 1, -1, -1)
            for i in indices:
                y, group = stops[i]
                if pending[i] and lo - 1e-9 <= y <= hi + 1e-9:
                    pending[i] = False
                    self.order.extend(group)
        self.length += abs(target - self.y)
        self.y = target

    def go_aisle(self, aisle: int) -> None:
        """Walk along the cross-aisle the picker stands on to ``aisle``."""
        self.length += abs(aisle - self.aisle) * self.pitch
        self.aisle = aisle

    def pending_in(self, aisle: int, lo: float, hi: float) -> list[float]:
        """Heights of unvisited pick points of ``aisle`` between ``lo`` and ``hi``, ascending."""
        stops = self.stops.get(aisle, [])
        pending = self.pending.get(aisle, [])
        return [y for (y, _), p in zip(stops, pending, strict=True) if p and lo <= y <= hi]


_BlockPolicy = Callable[[_Walk, float, float, list[int]], None]


def _walk_blocks(layout: Layout, points: Sequence[PickPoint], policy: _BlockPolicy) -> _Walk:
    walk = _Walk(layout, points)
    first_aisle = min(p.aisle for p in points)
    if all(p.aisle == first_aisle for p in points):  # one aisle: in to the farthest pick and out
        walk.go_aisle(first_aisle)
        walk.go_y(max(layout.bay_y(p.bay) for p in points))
        walk.go_y(0.0)
        walk.go_aisle(layout.depot_aisle)
        return walk
    farthest = max(layout.block_of(p) for p in points)
    walk.go_aisle(first_aisle)
    walk.go_y(layout.cross_aisle_y(farthest + 1))
    for block in range(farthest, -1, -1):
        bottom, top = layout.cross_aisle_y(block), layout.cross_aisle_y(block + 1)
        aisles = [a for a in sorted(walk.stops) if walk.pending_in(a, bottom, top)]
        if aisles and abs(aisles[-1] - walk.aisle) < abs(aisles[0] - walk.aisle):
            aisles.reverse()
        if aisles:
            policy(walk, bottom, top, aisles)
        walk.go_y(bottom)
    walk.go_aisle(layout.depot_aisle)
    assert walk.y == 0.0
    return walk


def _s_shape_block(walk: _Walk, bottom: float, top: float, aisles: list[int]) -> None:
    full = aisles if len(aisles) % 2 == 1 else aisles[:-1]
    for i, aisle in enumerate(full):
        walk.go_aisle(aisle)
        walk.go_y(bottom if i % 2 == 0 else top)
    if len(aisles) % 2 == 0:
        last = aisles[-1]
        walk.go_aisle(last)
        walk.go_y(max(walk.pending_in(last, bottom, top)))
        walk.go_y(bottom)


def _largest_gap_block(walk: _Walk, bottom: float, top: float, aisles: list[int]) -> None:
    for aisle in aisles[:-1]:
        ys = walk.pending_in(aisle, bottom, top)
        edges = [bottom, *ys, top]
        gaps = [edges[i + 1] - edges[i] for i in range(len(edges) - 1)]
        widest = max(range(len(gaps)), key=gaps.__getitem__)
        if widest < len(ys):  # something lies above the widest gap: pick it from the back
            walk.go_aisle(aisle)
            walk.go_y(ys[widest])
            walk.go_y(top)
    walk.go_aisle(aisles[-1])
    walk.go_y(bottom)
    for aisle in reversed(aisles[:-1]):
        ys = walk.pending_in(aisle, bottom, top)
        if ys:
            walk.go_aisle(aisle)
            walk.go_y(ys[-1])
            walk.go_y(bottom)


def _combined_block(walk: _Walk, bottom: float, top: float, aisles: list[int]) -> None:
    length = top - bottom
    # side 0 = back (top), 1 = front (bottom); cost[side], and choices for backtracking
    inf = float("inf")
    cost = [0.0, inf]
    choices: list[tuple[tuple[int, bool], tuple[int, bool]]] = []
    for aisle in aisles:
        ys = walk.pending_in(aisle, bottom, top)
        back_return = 2 * (top - ys[0])
        front_return = 2 * (ys[-1] - bottom)
        # reach side s by: return on side s, or traverse from the other side
        new = [inf, inf]
        pick: list[tuple[int, bool]] = [(0, False), (1, False)]
        for side, ret in ((0, back_return), (1, front_return)):
            stay = cost[side] + ret
            cross = cost[1 - side] + length
            if stay <= cross:
                new[side], pick[side] = stay, (side, False)
            else:
                new[side], pick[side] = cross, (1 - side, True)
        choices.append((pick[0], pick[1]))
        cost = new
    side = 1 if cost[1] <= cost[0] + length else 0
    plan: list[bool] = []
    for choice in reversed(choices):
        previous, traverse = choice[side]
        plan.append(traverse)
        side = previous
    plan.reverse()
    for aisle, traverse in zip(aisles, plan, strict=True):
        walk.go_aisle(aisle)
        here = walk.y
        if traverse:
            walk.go_y(bottom if here == top else top)
        else:
            ys = walk.pending_in(aisle, bottom, top)
            walk.go_y(ys[0] if here == top else ys[-1])
            walk.go_y(here)


def _heuristic(policy: _BlockPolicy) -> RoutingMethod:
    def method(layout: Layout, points: Sequence[PickPoint]) -> Route:
        _check_points(layout, points)
        if not points:
            return Route(0.0, [])
        walk = _walk_blocks(layout, points, policy)
        mirror = layout.mirrored()
        flipped = [PickPoint(layout.aisles + 1 - p.aisle, p.bay) for p in points]
        other = _walk_blocks(mirror, flipped, policy)
        best = other if other.length < walk.length - 1e-9 else walk
        return Route(best.length, best.order)

    return method


s_shape_route: Final[RoutingMethod] = _heuristic(_s_shape_block)
s_shape_route.__doc__ = "S-shape (traversal) heuristic; multi-block as in the module docstring."
largest_gap_route: Final[RoutingMethod] = _heuristic(_largest_gap_block)
largest_gap_route.__doc__ = "Largest gap heuristic; multi-block as in the module docstring."
combined_route: Final[RoutingMethod] = _heuristic(_combined_block)
combined_route.__doc__ = "Combined heuristic (traverse or return per aisle, chosen by a DP)."

_HEURISTICS: Final = (s_shape_route, largest_gap_route, combined_route)

#: Routing methods by their public names (the CLI's ``--method``).
ROUTING_METHODS: Final[Mapping[str, RoutingMethod]] = MappingProxyType(
    {
        "s-shape": s_shape_route,
        "largest-gap": largest_gap_route,
        "combined": combined_route,
        "optimal": optimal_route,
    }
)


def _local_search_route(layout: Layout, points: Sequence[PickPoint]) -> Route:
    """Best heuristic order, improved by 2-opt and or-opt over shortest-path distances."""
    start = min((fn(layout, points) for fn in _HEURISTICS), key=lambda r: r.length_m)
    groups: dict[PickPoint, list[int]] = {}
    for index in start.sequence:
        groups.setdefault(points[index], []).append(index)
    stops: list[Stop] = [DEPOT, *groups]
    n = len(stops)
    dist = [[layout.distance(a, b) for b in stops] for a in stops]
    tour = [*range(n), 0]  # depot .. depot, stops in the heuristic's first-visit order
    improved = True
    rounds = 0
    while improved and rounds < 50:
        improved = False
        rounds += 1
        for i in range(1, n - 1):  # 2-opt: reverse tour[i..j]
            for j in range(i + 1, n):
                a, b, c, d = tour[i - 1], tour[i], tour[j], tour[j + 1]
                if dist[a][c] + dist[b][d] < dist[a][b] + dist[c][d] - 1e-9:
                    tour[i : j + 1] = tour[i : j + 1][::-1]
                    improved = True
        for size in (1, 2, 3):  # or-opt: move a run of 1..3 stops elsewhere
            i = 1
            while i + size <= n:
                run = tour[i : i + size]
                prev, nxt = tour[i - 1], tour[i + size]
                gain = dist[prev][run[0]] + dist[run[-1]][nxt] - dist[prev][nxt]
                rest = tour[:i] + tour[i + size :]
                best_delta, best_at, best_run = -1e-9, -1, run
                for at in range(len(rest) - 1):
                    u, v = rest[at], rest[at + 1]
                    for cand in (run, run[::-1]):
                        delta = dist[u][cand[0]] + dist[cand[-1]][v] - dist[u][v] - gain
                        if delta < best_delta:
                            best_delta, best_at, best_run = delta, at, cand
                if best_at >= 0:
                    tour = rest[: best_at + 1] + best_run + rest[best_at + 1 :]
                    improved = True
                i += 1
    keys = list(groups)  # stop i (i >= 1) is keys[i - 1]
    order = [index for stop in tour[1:-1] for index in groups[keys[stop - 1]]]
    return Route(layout.route_length(points, order), order)


def route(layout: Layout, points: Sequence[PickPoint], method: str = "optimal") -> Route:
    """Route ``points`` with the named method. Raises ``KeyError`` for an unknown method and
    ``InvalidPickPoint`` for a point outside the layout."""
    try:
        fn = ROUTING_METHODS[method]
    except KeyError:
        raise KeyError(
            f"unknown routing method {method!r} (choose from {', '.join(ROUTING_METHODS)})"
        ) from None
    return fn(layout, points)
