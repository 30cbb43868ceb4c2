"""The warehouse drawn as a character grid: aisles and bays shaded by pick density, a route on it.

Pure geometry over `picking.layout` (no terminal here; the TUI styles the characters):

- aisles are columns, the depot's front cross-aisle is the bottom row, the back one the top row,
  each block of bays between two cross-aisles gets the same number of rows (bays are merged into
  rows when the height is short: row = offset in block * rows per block // bays per block);
- an aisle is `cell_width` characters: racks either side of a walkway (3, 5, 7 or 9: racks 1 to 4
  characters wide), rack and walkway (2), or the walkway alone (1);
- a rack character is `EMPTY_RACK` or one of `SHADES` by the picks at that aisle and row relative
  to the busiest cell (4 levels); with one-character cells the walkway carries the shade;
- a route (depot -> pick points in order -> depot) walks aisle centre lines and cross-aisles by
  the same shortest paths `Layout.distance` measures; its cells are `PATH`, its stops `STOP`;
  the depot is `DEPOT_MARK` on the front cross-aisle.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from wms_terminal.picking.layout import Layout, PickPoint

SHADES = "░▒▓█"
EMPTY_RACK = "·"
WALKWAY = " "
CROSS = "─"
PATH = "•"
STOP = "●"
DEPOT_MARK = "D"
LABEL_WIDTH = 3  # bay numbers on the left: "30 "
MAX_CELL = 9

Waypoint = tuple[int, float]  # (aisle, y metres from the front cross-aisle)


def heat(points: Iterable[PickPoint]) -> Counter[PickPoint]:
    """Picks per pick point (a point listed twice was picked twice)."""
    return Counter(points)


def walk(layout: Layout, stops: Sequence[PickPoint]) -> list[Waypoint]:
    """The corners of the walk depot -> stops in order -> depot along aisles and cross-aisles."""
    here: Waypoint = (layout.depot_aisle, 0.0)
    out = [here]
    for target in [*((p.aisle, layout.bay_y(p.bay)) for p in stops), (layout.depot_aisle, 0.0)]:
        out += _leg(layout, here, target)
        here = target
    return out


def _leg(layout: Layout, a: Waypoint, b: Waypoint) -> list[Waypoint]:
    (aisle_a, ya), (aisle_b, yb) = a, b
    if aisle_a == aisle_b:
        return [b]
    step = layout.block_length_m
    lo, hi = min(ya, yb), max(ya, yb)
    crossings = [j * step for j in range(layout.cross_aisles) if lo - 1e-9 <= j * step <= hi + 1e-9]
    if crossings:  # a cross-aisle between the two heights: no detour (the one nearest `a`)
        y = min(crossings, key=lambda c: abs(c - ya))
    else:  # both inside one block: leave by its front or back, whichever is shorter
        below = math.floor(hi / step + 1e-12) * step
        above = below + step
        y = below if (lo - below) + (hi - below) <= (above - lo) + (above - hi) else above
    return [(aisle_a, y), (aisle_b, y), b]


@dataclass(frozen=True)
class MapGrid:
    """The drawn map: `lines` top to bottom, with where each aisle, bay and cross-aisle landed."""

    layout: Layout
    lines: tuple[str, ...]
    cell_width: int
    rows_per_block: int
    top: int  # the row of the back cross-aisle (after the header)

    def cross_row(self, index: int) -> int:
        """Row of cross-aisle `index` (0 = front)."""
        return self.top + (self.layout.cross_aisles - 1 - index) * (self.rows_per_block + 1)

    def bay_row(self, bay: int) -> int:
        block, offset = divmod(bay - 1, self.layout.bays_per_block)
        inside = offset * self.rows_per_block // self.layout.bays_per_block
        return self.cross_row(block) - 1 - inside

    @property
    def rack_width(self) -> int:
        return (self.cell_width - 1) // 2 if self.cell_width >= 3 else self.cell_width - 1

    def walk_col(self, aisle: int) -> int:
        return LABEL_WIDTH + (aisle - 1) * self.cell_width + self.rack_width

    def rack_cols(self, aisle: int) -> tuple[int, ...]:
        """Columns of the rack characters of `aisle` (the walkway when cells are 1 wide)."""
        walk, r = self.walk_col(aisle), self.rack_width
        if self.cell_width == 1:
            return (walk,)
        right = range(walk + 1, walk + 1 + r) if self.cell_width >= 3 else range(0)
        return (*range(walk - r, walk), *right)

    def at(self, row: int, col: int) -> str:
        return self.lines[row][col]

    def shade_at(self, aisle: int, bay: int) -> str:
        """The rack character drawn for a pick point (`EMPTY_RACK`, a shade, or the walkway)."""
        return self.at(self.bay_row(bay), self.rack_cols(aisle)[0])

    def y_row(self, y: float) -> int:
        step = self.layout.block_length_m
        j = round(y / step)
        if abs(j * step - y) < 1e-6:
            return self.cross_row(j)
        return self.bay_row(min(self.layout.bays, int(y // self.layout.bay_width_m) + 1))


def fit(layout: Layout, width: int, height: int) -> tuple[int, int]:
    """(cell width, rows per block) that fit `width` x `height` characters (header included)."""
    cell = max(1, min(MAX_CELL, (width - LABEL_WIDTH) // max(layout.aisles, 1)))
    if cell >= 3 and cell % 2 == 0:
        cell -= 1  # racks of one width on both sides
    free = height - 1 - layout.cross_aisles  # one header row, one row per cross-aisle
    rows = max(1, min(layout.bays_per_block, free // layout.blocks))
    return cell, rows


def draw(
    layout: Layout,
    picks: Counter[PickPoint],
    *,
    width: int,
    height: int,
    route: Sequence[PickPoint] = (),
) -> MapGrid:
    """The map of `layout` within `width` x `height`: `picks` shaded, `route` drawn on top."""
    cell, rows = fit(layout, width, height)
    total_rows = 1 + layout.cross_aisles + layout.blocks * rows
    cols = LABEL_WIDTH + layout.aisles * cell
    grid = [[" "] * cols for _ in range(total_rows)]
    shell = MapGrid(layout, (), cell, rows, 1)
    _header(grid, shell)
    for j in range(layout.cross_aisles):
        r = shell.cross_row(j)
        for c in range(LABEL_WIDTH, cols):
            grid[r][c] = CROSS
    for bay in range(1, layout.bays + 1):
        r = shell.bay_row(bay)
        label = str(bay).rjust(LABEL_WIDTH - 1)[-(LABEL_WIDTH - 1) :]
        if bay == 1 or bay % 5 == 0 or rows == layout.bays_per_block:
            grid[r][: LABEL_WIDTH - 1] = list(label)
        for aisle in range(1, layout.aisles + 1):
            for c in shell.rack_cols(aisle):
                grid[r][c] = EMPTY_RACK if cell > 1 else WALKWAY
    per_cell: Counter[tuple[int, int]] = Counter()
    for point, n in picks.items():
        if layout.contains(point):
            per_cell[(point.aisle, shell.bay_row(point.bay))] += n
    most = max(per_cell.values(), default=0)
    for (aisle, r), n in per_cell.items():
        shade = SHADES[min(len(SHADES), math.ceil(len(SHADES) * n / most)) - 1]
        for c in shell.rack_cols(aisle):
            grid[r][c] = shade
    if route:
        _route(grid, shell, route)
    grid[shell.cross_row(0)][shell.walk_col(layout.depot_aisle)] = DEPOT_MARK
    return MapGrid(layout, tuple("".join(r) for r in grid), cell, rows, 1)


def _header(grid: list[list[str]], shell: MapGrid) -> None:
    cell = shell.cell_width
    for aisle in range(1, shell.layout.aisles + 1):
        text = str(aisle)
        if cell == 1 and aisle % 5 and aisle != 1:
            continue
        start = shell.walk_col(aisle) - (len(text) - 1)
        for i, ch in enumerate(text):
            if 0 <= start + i < len(grid[0]):
                grid[0][start + i] = ch


def _route(grid: list[list[str]], shell: MapGrid, stops: Sequence[PickPoint]) -> None:
    layout = shell.layout
    points = [p for p in stops if layout.contains(p)]
    corners = walk(layout, points)
    for (a1, y1), (a2, y2) in pairwise(corners):
        r1, r2 = shell.y_row(y1), shell.y_row(y2)
        c1, c2 = shell.walk_col(a1), shell.walk_col(a2)
        if a1 == a2:
            for r in range(min(r1, r2), max(r1, r2) + 1):
                grid[r][c1] = PATH
        else:
            for c in range(min(c1, c2), max(c1, c2) + 1):
                grid[r1][c] = PATH
    for p in points:
        grid[shell.bay_row(p.bay)][shell.walk_col(p.aisle)] = STOP
