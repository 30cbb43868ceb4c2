"""Warehouse geometry: validation of the layout dict and shortest walking distances."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms_terminal.picking.layout import DEPOT, InvalidPickPoint, Layout, LayoutError, PickPoint

GOOD: dict[str, Any] = {
    "aisles": 5,
    "bays": 10,
    "aisle_pitch_m": 3,
    "bay_width_m": 1.0,
    "cross_aisles": 3,
    "depot_aisle": 1,
}


def test_from_dict_round_trips() -> None:
    layout = Layout.from_dict(GOOD)
    assert layout.to_dict() == {**GOOD, "aisle_pitch_m": 3.0}
    assert Layout.from_dict(layout.to_dict()) == layout
    assert layout.blocks == 2
    assert layout.bays_per_block == 5
    assert layout.block_length_m == 5.0
    assert [layout.cross_aisle_y(j) for j in range(3)] == [0.0, 5.0, 10.0]
    assert layout.xy(PickPoint(3, 4)) == (6.0, 3.5)
    assert layout.xy(DEPOT) == (0.0, 0.0)
    assert layout.block_of(PickPoint(1, 5)) == 0
    assert layout.block_of(PickPoint(1, 6)) == 1


@pytest.mark.parametrize("missing", list(GOOD))
def test_missing_field_is_named(missing: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != missing}
    with pytest.raises(LayoutError, match=missing) as info:
        Layout.from_dict(data)
    assert info.value.field == missing


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("aisles", 0, ">= 1"),
        ("aisles", 2.0, "integer"),
        ("aisles", True, "integer"),
        ("bays", "10", "integer"),
        ("aisle_pitch_m", 0, "positive"),
        ("aisle_pitch_m", -1.5, "positive"),
        ("bay_width_m", float("nan"), "positive"),
        ("bay_width_m", None, "number"),
        ("cross_aisles", 1, ">= 2"),
        ("cross_aisles", 4, "divide"),  # 3 blocks do not divide 10 bays
        ("depot_aisle", 6, "between 1 and 5"),
        ("depot_aisle", 0, ">= 1"),
    ],
)
def test_invalid_field_is_named(field: str, value: object, words: str) -> None:
    with pytest.raises(LayoutError, match=words) as info:
        Layout.from_dict({**GOOD, field: value})
    assert info.value.field == field
    assert field in str(info.value)


def test_unknown_field_rejected_unless_allowed() -> None:
    with pytest.raises(LayoutError, match="cross_aisle'"):
        Layout.from_dict({**GOOD, "cross_aisle": 2})
    assert Layout.from_dict({**GOOD, "zones": []}, allow_extra=True) == Layout.from_dict(GOOD)


def test_not_an_object() -> None:
    with pytest.raises(LayoutError, match="JSON object"):
        Layout.from_dict([1, 2])


def test_constructor_validates_too() -> None:
    with pytest.raises(LayoutError, match="depot_aisle"):
        Layout(aisles=3, bays=4, aisle_pitch_m=2, bay_width_m=1, cross_aisles=2, depot_aisle=4)


def test_check_point() -> None:
    layout = Layout.from_dict(GOOD)
    assert layout.check_point(PickPoint(5, 10)) == PickPoint(5, 10)
    with pytest.raises(InvalidPickPoint, match="aisle 6"):
        layout.check_point(PickPoint(6, 1))
    with pytest.raises(InvalidPickPoint, match="bay 0"):
        layout.check_point(PickPoint(1, 0))


def test_hand_computed_distances_three_cross_aisles() -> None:
    layout = Layout.from_dict(GOOD)  # cross-aisles at y = 0, 5, 10; aisles 3 m apart
    assert layout.distance(DEPOT, PickPoint(1, 3)) == 2.5
    assert layout.distance(PickPoint(2, 3), PickPoint(2, 9)) == 6.0  # same aisle, across blocks
    # same block, different aisles: via the middle cross-aisle (2.5 + 1.5 + 6) beats the front
    assert layout.distance(PickPoint(2, 3), PickPoint(4, 4)) == 10.0
    # different blocks: a cross-aisle lies between, no detour
    assert layout.distance(PickPoint(2, 3), PickPoint(4, 8)) == 11.0
    assert layout.distance(DEPOT, PickPoint(5, 8)) == 12.0 + 7.5
    assert layout.distance(DEPOT, DEPOT) == 0.0


def test_hand_computed_distances_single_block() -> None:
    layout = Layout.from_dict({**GOOD, "cross_aisles": 2, "depot_aisle": 3})
    assert layout.distance(PickPoint(2, 3), PickPoint(4, 4)) == 6.0 + 2.5 + 3.5  # via the front
    assert layout.distance(PickPoint(2, 9), PickPoint(4, 8)) == 6.0 + 1.5 + 2.5  # via the back
    assert layout.distance(DEPOT, PickPoint(1, 1)) == 6.0 + 0.5
    pts = [PickPoint(2, 3), PickPoint(4, 4)]
    assert layout.route_length(pts, [0, 1]) == (3 + 2.5) + 12.0 + (3 + 3.5)
    assert layout.route_length([], []) == 0.0


def _graph_distances(layout: Layout) -> dict[tuple[int, int], dict[tuple[int, int], float]]:
    """Floyd-Warshall on an explicit graph: nodes (aisle, 2*y/w) at every half bay."""
    halves = 2 * layout.bays
    step = layout.bay_width_m / 2
    cross = {round(layout.cross_aisle_y(j) / step) for j in range(layout.cross_aisles)}
    nodes = [(a, h) for a in range(1, layout.aisles + 1) for h in range(halves + 1)]
    dist = {u: {v: float("inf") for v in nodes} for u in nodes}
    for u in nodes:
        dist[u][u] = 0.0
    for a, h in nodes:
        if h < halves:
            dist[(a, h)][(a, h + 1)] = dist[(a, h + 1)][(a, h)] = step
        if h in cross and a < layout.aisles:
            pitch = layout.aisle_pitch_m
            dist[(a, h)][(a + 1, h)] = dist[(a + 1, h)][(a, h)] = pitch
    for w, u, v in itertools.product(nodes, nodes, nodes):
        if dist[u][w] + dist[w][v] < dist[u][v]:
            dist[u][v] = dist[u][w] + dist[w][v]
    return dist


@settings(max_examples=25, deadline=None)
@given(
    aisles=st.integers(1, 4),
    bays_per_block=st.integers(1, 3),
    k=st.integers(2, 4),
    pitch=st.sampled_from([1.0, 2.5, 4.0]),
    width=st.sampled_from([0.5, 1.0, 1.5]),
    data=st.data(),
)
def test_distance_matches_graph_shortest_path(
    aisles: int, bays_per_block: int, k: int, pitch: float, width: float, data: st.DataObject
) -> None:
    bays = bays_per_block * (k - 1)
    depot = data.draw(st.integers(1, aisles))
    layout = Layout(aisles, bays, pitch, width, k, depot)
    graph = _graph_distances(layout)
    point = st.builds(PickPoint, st.integers(1, aisles), st.integers(1, bays))
    stops = data.draw(st.lists(st.one_of(point, st.just(DEPOT)), min_size=2, max_size=6))

    def node(stop: PickPoint | object) -> tuple[int, int]:
        if isinstance(stop, PickPoint):
            return (stop.aisle, 2 * stop.bay - 1)
        return (depot, 0)

    for a, b in itertools.combinations(stops, 2):
        assert layout.distance(a, b) == pytest.approx(graph[node(a)][node(b)])
        assert layout.distance(a, b) == layout.distance(b, a)


def test_mirrored() -> None:
    layout = Layout.from_dict({**GOOD, "depot_aisle": 2})
    mirror = layout.mirrored()
    assert mirror.depot_aisle == 4
    a, b = PickPoint(1, 2), PickPoint(4, 7)
    assert mirror.distance(PickPoint(5, 2), PickPoint(2, 7)) == layout.distance(a, b)
