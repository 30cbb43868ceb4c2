"""Warehouse geometry for routing: parallel aisles, cross-aisles, bays and a depot.

The model (also the ``wms-terminal route`` LAYOUT.json and ``Warehouse.layout``)::

    {"aisles": A, "bays": B, "aisle_pitch_m": p, "bay_width_m": w,
     "cross_aisles": k, "depot_aisle": d}

- aisle ``a`` (1..A) runs along its centre line at ``x = (a - 1) * p``;
- bay ``b`` (1..B) of any aisle is picked from the centre line at ``y = (b - 0.5) * w``; both sides
  of an aisle are picked from the same point, so a location maps to ``PickPoint(aisle, bay)``;
- ``k >= 2`` cross-aisles run across all aisles at ``y = j * B * w / (k - 1)`` for ``j = 0..k-1``:
  ``j = 0`` is the front cross-aisle, ``j = k - 1`` the back one, the others split the aisles into
  ``k - 1`` blocks of ``B / (k - 1)`` bays (so ``k - 1`` must divide ``B``);
- the depot is at the front end of aisle ``d``: ``(x, y) = ((d - 1) * p, 0)``;
- one walks along aisle centre lines and along cross-aisles only.

Pick points never lie on a cross-aisle (``y`` is a half-integer number of bays), so every pick
point lies strictly inside one *sub-aisle*: the stretch of one aisle inside one block.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

__all__ = [
    "DEPOT",
    "LAYOUT_FIELDS",
    "Depot",
    "InvalidPickPoint",
    "Layout",
    "LayoutError",
    "PickPoint",
    "Stop",
]

LAYOUT_FIELDS: Final = (
    "aisles",
    "bays",
    "aisle_pitch_m",
    "bay_width_m",
    "cross_aisles",
    "depot_aisle",
)


class LayoutError(ValueError):
    """A layout definition is malformed. ``field`` names the offending field (or ``None``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidPickPoint(ValueError):
    """A pick point does not exist in the layout (aisle or bay out of range, not integers)."""


@dataclass(frozen=True, slots=True, order=True)
class PickPoint:
    """Where a picker stands to pick: an aisle (1-based) and a bay (1-based, from the front)."""

    aisle: int
    bay: int


class Depot(enum.Enum):
    """The depot (start and end of every route): the front end of the layout's depot aisle."""

    DEPOT = "depot"

    def __repr__(self) -> str:
        return "DEPOT"


DEPOT: Final = Depot.DEPOT

#: Anything a route can stand at: a pick point or the depot.
Stop: TypeAlias = PickPoint | Depot


def _int_field(data: Mapping[str, Any], name: str, minimum: int) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise LayoutError(f"layout field {name!r} must be an integer, got {value!r}", name)
    if value < minimum:
        raise LayoutError(f"layout field {name!r} must be >= {minimum}, got {value}", name)
    return value


def _length_field(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LayoutError(f"layout field {name!r} must be a number, got {value!r}", name)
    out = float(value)
    if not math.isfinite(out) or out <= 0:
        raise LayoutError(f"layout field {name!r} must be a positive length, got {value!r}", name)
    return out


@dataclass(frozen=True, slots=True)
class Layout:
    """A rectangular multi-block warehouse. Build with ``Layout(...)`` or ``Layout.from_dict``.

    The constructor validates too (raising ``LayoutError``), so a ``Layout`` is always usable.
    """

    aisles: int
    bays: int
    aisle_pitch_m: float
    bay_width_m: float
    cross_aisles: int = 2
    depot_aisle: int = 1

    def __post_init__(self) -> None:
        checked = Layout._validated(self.to_dict())
        # Normalise lengths to float without changing identity semantics of the frozen class.
        object.__setattr__(self, "aisle_pitch_m", checked["aisle_pitch_m"])
        object.__setattr__(self, "bay_width_m", checked["bay_width_m"])

    # -- construction -----------------------------------------------------------------------

    @staticmethod
    def _validated(data: Mapping[str, Any]) -> dict[str, Any]:
        aisles = _int_field(data, "aisles", 1)
        bays = _int_field(data, "bays", 1)
        pitch = _length_field(data, "aisle_pitch_m")
        width = _length_field(data, "bay_width_m")
        k = _int_field(data, "cross_aisles", 2)
        if bays % (k - 1) != 0:
            raise LayoutError(
                f"layout field 'cross_aisles': {k} cross-aisles make {k - 1} blocks, "
                f"which must divide the {bays} bays evenly",
                "cross_aisles",
            )
        depot = _int_field(data, "depot_aisle", 1)
        if depot > aisles:
            raise LayoutError(
                f"layout field 'depot_aisle' must be between 1 and {aisles} (the number of "
                f"aisles), got {depot}",
                "depot_aisle",
            )
        return {
            "aisles": aisles,
            "bays": bays,
            "aisle_pitch_m": pitch,
            "bay_width_m": width,
            "cross_aisles": k,
            "depot_aisle": depot,
        }

    @classmethod
    def from_dict(cls, data: object, *, allow_extra: bool = False) -> Layout:
        """Build from the LAYOUT.json / ``Warehouse.layout`` dict, validating every field.

        Raises ``LayoutError`` (a ``ValueError``) naming the missing, unknown or invalid field.
        Unknown fields are rejected unless ``allow_extra`` is true (then they are ignored).
        """
        if not isinstance(data, Mapping):
            raise LayoutError(f"layout must be a JSON object, got {type(data).__name__}")
        missing = [name for name in LAYOUT_FIELDS if name not in data]
        if missing:
            raise LayoutError(
                f"layout is missing field {missing[0]!r} (needs {', '.join(LAYOUT_FIELDS)})",
                missing[0],
            )
        if not allow_extra:
            extra = sorted(str(key) for key in data if key not in LAYOUT_FIELDS)
            if extra:
                raise LayoutError(f"layout has unknown field {extra[0]!r}", extra[0])
        return cls(**cls._validated(data))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form accepted by ``from_dict`` (and stored in ``Warehouse.layout``)."""
        return {
            "aisles": self.aisles,
            "bays": self.bays,
            "aisle_pitch_m": self.aisle_pitch_m,
            "bay_width_m": self.bay_width_m,
            "cross_aisles": self.cross_aisles,
            "depot_aisle": self.depot_aisle,
        }

    # -- geometry ---------------------------------------------------------------------------

    @property
    def blocks(self) -> int:
        """Number of blocks (``cross_aisles - 1``); 1 for a single-block warehouse."""
        return self.cross_aisles - 1

    @property
    def bays_per_block(self) -> int:
        return self.bays // (self.cross_aisles - 1)

    @property
    def block_length_m(self) -> float:
        """Length of one sub-aisle (the distance between two neighbouring cross-aisles)."""
        return self.bays_per_block * self.bay_width_m

    @property
    def aisle_length_m(self) -> float:
        return self.bays * self.bay_width_m

    def cross_aisle_y(self, index: int) -> float:
        """``y`` of cross-aisle ``index`` (0 = front .. ``cross_aisles - 1`` = back)."""
        return index * self.bays_per_block * self.bay_width_m

    def aisle_x(self, aisle: int) -> float:
        return (aisle - 1) * self.aisle_pitch_m

    def bay_y(self, bay: int) -> float:
        return (bay - 0.5) * self.bay_width_m

    def block_of(self, point: PickPoint) -> int:
        """0-based block holding the pick point (0 = the block next to the front cross-aisle)."""
        return (point.bay - 1) // self.bays_per_block

    def contains(self, point: PickPoint) -> bool:
        return (
            isinstance(point.aisle, int)
            and isinstance(point.bay, int)
            and not isinstance(point.aisle, bool)
            and not isinstance(point.bay, bool)
            and 1 <= point.aisle <= self.aisles
            and 1 <= point.bay <= self.bays
        )

    def check_point(self, point: PickPoint) -> PickPoint:
        """Return ``point`` unchanged, or raise ``InvalidPickPoint`` saying what is out of range."""
        if not self.contains(point):
            if not (1 <= point.aisle <= self.aisles):
                raise InvalidPickPoint(f"aisle {point.aisle!r} is out of range (1..{self.aisles})")
            raise InvalidPickPoint(f"bay {point.bay!r} is out of range (1..{self.bays})")
        return point

    def xy(self, stop: Stop) -> tuple[float, float]:
        """Plane coordinates in metres of a pick point or the depot."""
        if stop is DEPOT:
            return (self.aisle_x(self.depot_aisle), 0.0)
        assert isinstance(stop, PickPoint)
        return (self.aisle_x(stop.aisle), self.bay_y(stop.bay))

    def _aisle_y(self, stop: Stop) -> tuple[int, float]:
        if isinstance(stop, PickPoint):
            return stop.aisle, self.bay_y(stop.bay)
        return self.depot_aisle, 0.0

    def distance(self, a: Stop, b: Stop) -> float:
        """Shortest walking distance between two stops along aisles and cross-aisles.

        Within one aisle: straight along it. Between aisles: along the first aisle to the best
        cross-aisle, across, and along the second aisle (one cross-aisle always suffices).
        """
        aisle_a, ya = self._aisle_y(a)
        aisle_b, yb = self._aisle_y(b)
        return self.distance_xy(aisle_a, ya, aisle_b, yb)

    def distance_xy(self, aisle_a: int, ya: float, aisle_b: int, yb: float) -> float:
        """``distance`` for positions given as (aisle, y metres) on aisle centre lines."""
        if aisle_a == aisle_b:
            return abs(ya - yb)
        across = abs(aisle_a - aisle_b) * self.aisle_pitch_m
        lo, hi = (ya, yb) if ya <= yb else (yb, ya)
        step = self.block_length_m
        # Is there a cross-aisle between the two heights? Then no detour at all.
        j_hi = math.floor(hi / step + 1e-12)
        if j_hi * step >= lo - 1e-9:
            return across + (hi - lo)
        # Both strictly inside one block: leave by its front or its back cross-aisle.
        below = j_hi * step
        above = below + step
        return across + min((lo - below) + (hi - below), (above - lo) + (above - hi))

    def route_length(self, points: Sequence[PickPoint], order: Sequence[int]) -> float:
        """Length of walking depot -> ``points[order[0]]`` -> ... -> depot by shortest paths."""
        total = 0.0
        previous: Stop = DEPOT
        for index in order:
            stop = points[index]
            total += self.distance(previous, stop)
            previous = stop
        return total + self.distance(previous, DEPOT)

    def mirrored(self) -> Layout:
        """The same warehouse seen from the other side (aisle ``a`` becomes ``A + 1 - a``)."""
        return Layout(
            aisles=self.aisles,
            bays=self.bays,
            aisle_pitch_m=self.aisle_pitch_m,
            bay_width_m=self.bay_width_m,
            cross_aisles=self.cross_aisles,
            depot_aisle=self.aisles + 1 - self.depot_aisle,
        )
