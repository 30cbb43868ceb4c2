"""The floor map: the drawn walk is the route `Layout.distance` measures, bays are shaded where
the picks are (merged into rows when the terminal is short), and it fits the space it is given."""

from __future__ import annotations

from itertools import pairwise

import pytest

from wms_terminal.picking import floor_map as fm
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import route

SMALL = Layout(aisles=4, bays=10, aisle_pitch_m=3.0, bay_width_m=1.2)
DEMO = Layout(aisles=20, bays=30, aisle_pitch_m=3.0, bay_width_m=1.2, cross_aisles=3)


@pytest.mark.parametrize("layout", [SMALL, DEMO])
def test_the_walk_drawn_is_as_long_as_the_route(layout: Layout) -> None:
    points = [PickPoint(2, 2), PickPoint(layout.aisles, layout.bays - 1), PickPoint(1, 3)]
    r = route(layout, points, "optimal")
    stops = [points[i] for i in r.sequence]
    corners = fm.walk(layout, stops)
    walked = sum(
        abs(a1 - a2) * layout.aisle_pitch_m + abs(y1 - y2)
        for (a1, y1), (a2, y2) in pairwise(corners)
    )
    assert walked == pytest.approx(layout.route_length(stops, range(len(stops))))
    assert walked == pytest.approx(r.length_m)
    assert corners[0] == corners[-1] == (layout.depot_aisle, 0.0)


def test_bays_are_shaded_by_their_picks_and_nothing_else() -> None:
    picks = fm.heat([PickPoint(1, 1), PickPoint(2, 5), PickPoint(2, 5), PickPoint(2, 5)])
    grid = fm.draw(SMALL, picks, width=40, height=16)
    assert grid.cell_width == 9 and grid.rows_per_block == 10
    assert grid.shade_at(2, 5) == fm.SHADES[-1]  # the busiest cell: full
    assert grid.shade_at(1, 1) == fm.SHADES[1]  # a third of it: light
    shaded = {(a, b) for a in range(1, 5) for b in range(1, 11) if grid.shade_at(a, b) in fm.SHADES}
    assert shaded == {(1, 1), (2, 5)}
    assert len(grid.lines) <= 16 and all(len(line) <= 40 for line in grid.lines)


def test_a_short_terminal_merges_bays_into_rows_and_still_shows_every_pick() -> None:
    points = [PickPoint(3, 1), PickPoint(17, 30), PickPoint(9, 16)]
    grid = fm.draw(DEMO, fm.heat(points), width=80, height=20, route=points)
    assert len(grid.lines) <= 20 and all(len(line) <= 80 for line in grid.lines)
    assert grid.rows_per_block < DEMO.bays_per_block
    for p in points:
        assert grid.at(grid.bay_row(p.bay), grid.walk_col(p.aisle)) == fm.STOP
        assert grid.shade_at(p.aisle, p.bay) in fm.SHADES
    # Three cross-aisles drawn as rows, the depot on the front one.
    assert grid.at(grid.cross_row(0), grid.walk_col(DEMO.depot_aisle)) == fm.DEPOT_MARK
    narrow = fm.draw(DEMO, fm.heat(points), width=40, height=14, route=points)
    assert narrow.cell_width == 1 and all(len(line) <= 40 for line in narrow.lines)
