"""Box suggestion: the smallest box type that holds an order's units, by a real 3-D placement.

Every unit is a cuboid (the product's length, width and height in mm) that may be turned any of
its 6 ways. `pack(box, items)` looks for a placement of all items inside the box, no two
overlapping, within the box's weight limit: a depth-first search that puts the items, largest
first, at candidate corners built from the faces of the items already placed (every combination
of 0 and a placed item's far x, y and z), each of the item's orientations, lowest corner first.
For a few items (at most `EXACT_ITEMS`) every order of the items is tried as well, and the search
is exhaustive; for more it stops after `BUDGET` placements tried (then the box counts as too
small, and the next one is tried: a suggestion errs on the larger box, never on one that does not
close).

`suggest(boxes, items)` returns the smallest box (by inner volume, then weight limit) that holds
everything; when none does, several packages: each filled first-fit from the largest box, then
shrunk to the smallest box that holds its share. The placement of every unit is returned with the
suggestion (the station may draw it; the tests check it geometrically). A unit bigger or heavier
than every box is returned in `unplaceable`: the packer chooses (a box scanned overrides).

Pure: nothing here reads the database (`packing.service` builds the items and boxes).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXACT_ITEMS = 4
BUDGET = 20_000  # placements tried per box before it counts as too small


@dataclass(frozen=True)
class Item:
    key: str  # what the unit is (a SKU); units of one product share it
    length: int
    width: int
    height: int
    weight_g: int = 0

    @property
    def volume(self) -> int:
        return self.length * self.width * self.height

    def orientations(self) -> list[tuple[int, int, int]]:
        """The distinct ways to turn the unit (1, 3 or 6)."""
        a, b, c = self.length, self.width, self.height
        return sorted({(a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)})


@dataclass(frozen=True)
class Box:
    code: str
    length: int
    width: int
    height: int
    max_weight_g: int
    tare_g: int = 0

    @property
    def volume(self) -> int:
        return self.length * self.width * self.height


@dataclass(frozen=True)
class Placed:
    """One unit in the box: its corner nearest the box's origin and its extent on each axis."""

    key: str
    x: int
    y: int
    z: int
    dx: int
    dy: int
    dz: int

    def overlaps(self, o: Placed) -> bool:
        return (
            self.x < o.x + o.dx
            and o.x < self.x + self.dx
            and self.y < o.y + o.dy
            and o.y < self.y + self.dy
            and self.z < o.z + o.dz
            and o.z < self.z + self.dz
        )


@dataclass(frozen=True)
class Packed:
    box: Box
    placed: tuple[Placed, ...]
    weight_g: int  # items + the box's tare

    def to_json(self) -> dict[str, object]:
        return {
            "box": self.box.code,
            "weight_g": self.weight_g,
            "placed": [
                {"sku": p.key, "at": [p.x, p.y, p.z], "size": [p.dx, p.dy, p.dz]}
                for p in self.placed
            ],
        }


@dataclass(frozen=True)
class Suggestion:
    packages: tuple[Packed, ...]
    unplaceable: tuple[Item, ...] = ()

    @property
    def box_codes(self) -> tuple[str, ...]:
        return tuple(p.box.code for p in self.packages)


def _by_size(boxes: Iterable[Box]) -> list[Box]:
    return sorted(boxes, key=lambda b: (b.volume, b.max_weight_g, b.code))


def _fits_alone(box: Box, item: Item) -> bool:
    return item.weight_g + box.tare_g <= box.max_weight_g and any(
        a <= box.length and b <= box.width and c <= box.height for a, b, c in item.orientations()
    )


GRID_UP_TO = 8  # placed units; beyond, only each unit's three extreme points are candidates


def _corners(box: Box, placed: Sequence[Placed]) -> list[tuple[int, int, int]]:
    if len(placed) > GRID_UP_TO:
        points = {(0, 0, 0)}
        for p in placed:
            points.update(((p.x + p.dx, p.y, p.z), (p.x, p.y + p.dy, p.z), (p.x, p.y, p.z + p.dz)))
        inside = (q for q in points if q[0] < box.length and q[1] < box.width and q[2] < box.height)
        return sorted(inside, key=lambda q: (q[2], q[1], q[0]))
    xs = sorted({0, *(p.x + p.dx for p in placed)})
    ys = sorted({0, *(p.y + p.dy for p in placed)})
    zs = sorted({0, *(p.z + p.dz for p in placed)})
    return [
        (x, y, z)
        for z in zs
        if z < box.height
        for y in ys
        if y < box.width
        for x in xs
        if x < box.length
    ]


def _free(box: Box, placed: Sequence[Placed], cand: Placed) -> bool:
    if cand.x + cand.dx > box.length or cand.y + cand.dy > box.width:
        return False
    if cand.z + cand.dz > box.height:
        return False
    return not any(cand.overlaps(p) for p in placed)


class _Search:
    def __init__(self, box: Box, budget: int) -> None:
        self.box = box
        self.left = budget

    def run(self, items: Sequence[Item], placed: list[Placed]) -> list[Placed] | None:
        if not items:
            return placed
        item, rest = items[0], items[1:]
        for x, y, z in _corners(self.box, placed):
            for dx, dy, dz in item.orientations():
                self.left -= 1
                if self.left < 0:
                    return None
                cand = Placed(item.key, x, y, z, dx, dy, dz)
                if not _free(self.box, placed, cand):
                    continue
                done = self.run(rest, [*placed, cand])
                if done is not None:
                    return done
                if self.left < 0:
                    return None
        return None


def _order(items: Sequence[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (-i.volume, -max(i.length, i.width, i.height), i.key))


def pack(box: Box, items: Sequence[Item], *, budget: int = BUDGET) -> tuple[Placed, ...] | None:
    """A placement of every item in the box within its weight limit, or None."""
    if sum(i.weight_g for i in items) + box.tare_g > box.max_weight_g:
        return None
    if sum(i.volume for i in items) > box.volume:
        return None
    if not all(_fits_alone(box, i) for i in items):
        return None
    search = _Search(box, budget)
    ordered = _order(items)
    orders: Iterable[tuple[Item, ...]] = (
        dict.fromkeys(itertools.permutations(ordered))
        if len(ordered) <= EXACT_ITEMS
        else [tuple(ordered)]
    )
    for seq in orders:
        got = search.run(seq, [])
        if got is not None:
            return tuple(got)
        if search.left < 0:
            return None
    return None


def smallest(boxes: Iterable[Box], items: Sequence[Item]) -> Packed | None:
    """The smallest box that holds all the items, with their placement."""
    return _smallest(tuple(boxes), tuple(items))


# The station asks the same questions again and again (every scan draws the plan for the same
# units; the next scan's box is the last scan's "one more"): the answers are pure functions of
# frozen values, so they are kept (bounded) instead of searched again each time.
@functools.lru_cache(maxsize=1024)
def _smallest(boxes: tuple[Box, ...], items: tuple[Item, ...]) -> Packed | None:
    weight = sum(i.weight_g for i in items)
    for box in _by_size(boxes):
        placed = pack(box, items)
        if placed is not None:
            return Packed(box, placed, weight + box.tare_g)
    return None


def suggest(boxes: Iterable[Box], items: Sequence[Item]) -> Suggestion:
    """One box if one holds everything, else several packages (see the module docstring)."""
    return _suggest(tuple(boxes), tuple(items))


@functools.lru_cache(maxsize=256)
def _suggest(boxes: tuple[Box, ...], items: tuple[Item, ...]) -> Suggestion:
    sizes = _by_size(boxes)
    if not items or not sizes:
        return Suggestion((), tuple(items))
    whole = smallest(sizes, items)
    if whole is not None:
        return Suggestion((whole,))
    unplaceable = tuple(i for i in items if not any(_fits_alone(b, i) for b in sizes))
    remaining = [i for i in _order(items) if _placeable(sizes, i)]
    packages: list[Packed] = []
    while remaining:
        share = _fill(sizes, remaining)
        if not share:  # cannot happen for placeable items; a guard against an endless loop
            break
        for item in share:
            remaining.remove(item)  # one unit of equal ones
        best = smallest(sizes, share)
        if best is None:  # the filled box itself holds them: keep its placement
            best = _first_fit_in(sizes, share)
        packages.append(best)
    return Suggestion(tuple(packages), unplaceable)


def _placeable(sizes: Sequence[Box], item: Item) -> bool:
    return any(_fits_alone(b, item) for b in sizes)


def _fill(sizes: Sequence[Box], items: Sequence[Item]) -> list[Item]:
    """First fit of the items (largest first) into the box that takes the most of them."""
    best: list[Item] = []
    for box in reversed(sizes):
        share = [i for i, _ in _first_fit(box, items)]
        if len(share) > len(best):
            best = share
        if len(best) == len(items):
            break
    return best


def _first_fit(box: Box, items: Sequence[Item]) -> list[tuple[Item, Placed]]:
    placed: list[Placed] = []
    taken: list[tuple[Item, Placed]] = []
    weight = box.tare_g
    for item in items:
        if weight + item.weight_g > box.max_weight_g:
            continue
        spot = _place_one(box, placed, item)
        if spot is not None:
            placed.append(spot)
            taken.append((item, spot))
            weight += item.weight_g
    return taken


def _first_fit_in(sizes: Sequence[Box], share: Sequence[Item]) -> Packed:
    for box in sizes:
        taken = _first_fit(box, share)
        if len(taken) == len(share):
            weight = box.tare_g + sum(i.weight_g for i in share)
            return Packed(box, tuple(p for _, p in taken), weight)
    raise AssertionError("a share filled into a box always fits that box again")


def _place_one(box: Box, placed: Sequence[Placed], item: Item) -> Placed | None:
    for x, y, z in _corners(box, placed):
        for dx, dy, dz in item.orientations():
            cand = Placed(item.key, x, y, z, dx, dy, dz)
            if _free(box, placed, cand):
                return cand
    return None
