"""Routing: hand-computed routes, optimal == brute force over all visiting orders, heuristics
never shorter than optimal, every sequence a permutation consistent with its length."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wms_terminal.picking import sweep_length, sweep_states, sweep_tour
from wms_terminal.picking.layout import DEPOT, InvalidPickPoint, Layout, PickPoint, Stop
from wms_terminal.picking.routing import (
    MAX_EXACT_CROSS_AISLES,
    ROUTING_METHODS,
    Route,
    is_exact,
    optimal_length,
    optimal_route,
    route,
)

HEURISTICS = ("s-shape", "largest-gap", "combined")


def brute_force(layout: Layout, points: Sequence[PickPoint]) -> float:
    """Shortest closed walk over all visiting orders, with shortest-path distances."""
    if not points:
        return 0.0
    stops: list[Stop] = [DEPOT, *points]
    dist = [[layout.distance(a, b) for b in stops] for a in stops]
    best = float("inf")
    for perm in itertools.permutations(range(1, len(stops))):
        total = dist[0][perm[0]] + dist[perm[-1]][0]
        for a, b in itertools.pairwise(perm):
            total += dist[a][b]
        best = min(best, total)
    return best


def assert_valid(layout: Layout, points: Sequence[PickPoint], r: Route, exact: bool) -> None:
    assert sorted(r.sequence) == list(range(len(points)))
    walked = layout.route_length(points, r.sequence)
    if exact:
        assert walked == pytest.approx(r.length_m, abs=1e-6)
    else:
        assert walked <= r.length_m + 1e-6


# -- hand-computed ---------------------------------------------------------------------------

SINGLE = Layout(aisles=5, bays=10, aisle_pitch_m=3, bay_width_m=1, cross_aisles=2, depot_aisle=1)
TRIPLE = Layout(aisles=5, bays=10, aisle_pitch_m=3, bay_width_m=1, cross_aisles=3, depot_aisle=1)


@pytest.mark.parametrize("method", list(ROUTING_METHODS))
def test_empty_pick_list(method: str) -> None:
    assert route(SINGLE, [], method) == Route(0.0, [])


@pytest.mark.parametrize("method", list(ROUTING_METHODS))
def test_one_aisle_is_in_and_out(method: str) -> None:
    points = [PickPoint(1, 3), PickPoint(1, 2), PickPoint(1, 3)]
    r = route(SINGLE, points, method)
    assert r.length_m == 5.0  # up to y = 2.5 and back
    assert r.sequence in ([1, 0, 2], [1, 2, 0])


def test_front_row_picks_hand_computed() -> None:
    # Three picks one bay deep in aisles 2, 3, 4: the optimum walks the front cross-aisle to
    # aisle 4 and back (2 * 9 m) dipping 0.5 m into each aisle; the heuristics traverse aisles.
    points = [PickPoint(3, 1), PickPoint(2, 1), PickPoint(4, 1)]
    best = optimal_route(SINGLE, points)
    assert best.length_m == 18.0 + 3.0
    assert best.sequence in ([1, 0, 2], [2, 0, 1])
    for method in HEURISTICS:
        # to aisle 2, up (10), across, down aisle 3 (10), into aisle 4 and out (1), back (9)
        assert route(SINGLE, points, method).length_m == 39.0, method


def test_three_cross_aisles_hand_computed() -> None:
    # (2, y 2.5) and (5, y 8.5): front to aisle 5 (12), up to 8.5, down to the middle
    # cross-aisle (3.5), across to aisle 2 (9), down through 2.5 to the front (5), home (3).
    points = [PickPoint(2, 3), PickPoint(5, 9)]
    best = optimal_route(TRIPLE, points)
    assert best.length_m == 41.0
    assert best.sequence == [1, 0]
    # S-shape goes up aisle 2 to the back (3 + 10), across (9), down aisle 5 (5), then
    # crosses the front block along aisle 5 (5) and walks home (12).
    assert route(TRIPLE, points, "s-shape").length_m == 44.0


def test_traversing_beats_returning() -> None:
    # Picks at both ends of aisle 2 and the middle of aisle 4: traverse both aisles.
    points = [PickPoint(2, 1), PickPoint(2, 10), PickPoint(4, 5)]
    for method in ROUTING_METHODS:
        assert route(SINGLE, points, method).length_m == 3 + 10 + 6 + 10 + 9, method


def test_depot_in_the_middle() -> None:
    layout = Layout(aisles=7, bays=6, aisle_pitch_m=2, bay_width_m=1, cross_aisles=2, depot_aisle=4)
    points = [PickPoint(1, 1), PickPoint(7, 1)]
    assert optimal_route(layout, points).length_m == 2 * 6 + 2 * 6 + 2 * 0.5 * 2


def test_invalid_point_and_method() -> None:
    with pytest.raises(InvalidPickPoint, match="pick 1: bay 11"):
        optimal_route(SINGLE, [PickPoint(1, 1), PickPoint(1, 11)])
    with pytest.raises(InvalidPickPoint, match="aisle 0"):
        route(SINGLE, [PickPoint(0, 1)], "s-shape")
    with pytest.raises(KeyError, match="unknown routing method"):
        route(SINGLE, [], "nearest-neighbour")


def test_registry_names() -> None:
    assert list(ROUTING_METHODS) == ["s-shape", "largest-gap", "combined", "optimal"]


def test_frontier_state_counts() -> None:
    # Ratliff & Rosenthal's single-block programme has a handful of equivalence classes.
    assert len(sweep_states.machine(2).states) == 6
    assert len(sweep_states.machine(3).states) == 24


# -- properties ------------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn, ks: Sequence[int], max_picks: int = 7) -> tuple[Layout, list]:
    k = draw(st.sampled_from(ks))
    aisles = draw(st.integers(1, 6))
    bays = (k - 1) * draw(st.integers(1, 4))
    layout = Layout(
        aisles=aisles,
        bays=bays,
        aisle_pitch_m=draw(st.sampled_from([1.0, 2.5, 3.0, 6.0])),
        bay_width_m=draw(st.sampled_from([0.5, 1.0, 1.3])),
        cross_aisles=k,
        depot_aisle=draw(st.integers(1, aisles)),
    )
    point = st.builds(PickPoint, st.integers(1, aisles), st.integers(1, bays))
    return layout, draw(st.lists(point, max_size=max_picks))


PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(instances(ks=[2]))
def test_optimal_equals_brute_force_single_block(case: tuple[Layout, list[PickPoint]]) -> None:
    check_against_brute_force(*case)


@PROPS
@given(instances(ks=[3, 4]))
def test_optimal_equals_brute_force_multi_block(case: tuple[Layout, list[PickPoint]]) -> None:
    check_against_brute_force(*case)


@settings(max_examples=40, deadline=None)
@given(instances(ks=[5, 6], max_picks=6))
def test_optimal_equals_brute_force_many_blocks(case: tuple[Layout, list[PickPoint]]) -> None:
    check_against_brute_force(*case)


def check_against_brute_force(layout: Layout, points: list[PickPoint]) -> None:
    expected = brute_force(layout, points)
    best = optimal_route(layout, points)
    assert_valid(layout, points, best, exact=True)
    assert best.length_m == pytest.approx(expected, abs=1e-6)
    assert optimal_length(layout, points) == pytest.approx(expected, abs=1e-6)
    for method in HEURISTICS:
        r = route(layout, points, method)
        assert_valid(layout, points, r, exact=False)
        assert r.length_m >= expected - 1e-6, method


@settings(max_examples=60, deadline=None)
@given(instances(ks=[2, 3, 4], max_picks=60), st.sampled_from(HEURISTICS))
def test_heuristics_never_beat_optimal_on_larger_lists(
    case: tuple[Layout, list[PickPoint]], method: str
) -> None:
    layout, points = case
    best = optimal_route(layout, points)
    assert_valid(layout, points, best, exact=True)
    r = route(layout, points, method)
    assert_valid(layout, points, r, exact=False)
    assert r.length_m >= best.length_m - 1e-6


def test_random_twenty_aisle_instances() -> None:
    rng = random.Random(7)
    for k in (2, 3):
        layout = Layout(20, 60, 3.0, 1.0, k, 10)
        for n in (30, 100):
            points = [PickPoint(rng.randint(1, 20), rng.randint(1, 60)) for _ in range(n)]
            best = optimal_route(layout, points)
            assert_valid(layout, points, best, exact=True)
            for method in HEURISTICS:
                r = route(layout, points, method)
                assert_valid(layout, points, r, exact=False)
                assert r.length_m >= best.length_m - 1e-6


def test_beyond_exact_limit_falls_back_to_valid_routes() -> None:
    k = MAX_EXACT_CROSS_AISLES + 1
    layout = Layout(6, 2 * (k - 1), 3.0, 1.0, k, 2)
    assert not is_exact(layout)
    assert is_exact(TRIPLE)
    rng = random.Random(3)
    for _ in range(30):
        points = [PickPoint(rng.randint(1, 6), rng.randint(1, layout.bays)) for _ in range(6)]
        r = optimal_route(layout, points)
        assert_valid(layout, points, r, exact=True)
        assert r.length_m >= brute_force(layout, points) - 1e-6
        for method in HEURISTICS:
            assert r.length_m <= route(layout, points, method).length_m + 1e-6


@PROPS
@given(instances(ks=[2, 3, 4]), st.data())
def test_length_only_sweep_equals_brute_force(case: tuple[Layout, list[PickPoint]], data) -> None:  # type: ignore[no-untyped-def]
    """`sweep_length.solve_length` (memoised sweep prefixes) and `batch_problem.route_length`
    (memoised on the set of points), as the batcher uses them: equal to brute force, also after
    related sets (a point fewer, a point more) filled the memos."""
    from wms_terminal.picking.batch_problem import route_length

    layout, points = case
    if not points:
        return
    for pts in (points, points[:-1], points + points[:1], points):
        if not pts:
            continue
        expected = brute_force(layout, pts)
        costs = {key: sub.costs for key, sub in sweep_tour.build_subaisles(layout, pts).items()}
        assert sweep_length.solve_length(layout, costs) == pytest.approx(expected, abs=1e-6)
        assert route_length(layout, pts) == pytest.approx(expected, abs=1e-6)
