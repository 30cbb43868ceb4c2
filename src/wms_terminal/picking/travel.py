"""Thin adapter between the database-backed pick engine and the pure routing/batching modules.

Routing comes from `picking.routing` (`route(layout, points, method)`). Batching comes from
`picking.batching` when it offers `batch_orders`; until then (and for very large waves, where
savings over every pair of orders would not fit the release time budget) a seed heuristic here
groups orders by where their picks are, under the cart's capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wms_terminal.core.errors import ConfigurationError, ValidationError
from wms_terminal.picking.layout import Layout, LayoutError, PickPoint
from wms_terminal.picking.routing import ROUTING_METHODS, Route, route

METHODS: tuple[str, ...] = tuple(ROUTING_METHODS)


def layout_of(data: Mapping[str, Any] | None, *, warehouse: str = "") -> Layout:
    try:
        return Layout.from_dict(dict(data or {}), allow_extra=True)
    except LayoutError as exc:
        raise ConfigurationError(f"warehouse {warehouse} has no usable layout: {exc}") from exc


def check_method(method: str) -> str:
    if method not in ROUTING_METHODS:
        raise ValidationError(
            f"unknown routing method {method!r}; one of {', '.join(ROUTING_METHODS)}"
        )
    return method


def clamp(layout: Layout, aisle: int, bay: int) -> PickPoint:
    """A location's pick point, kept inside the layout (a mis-set location must not stop a wave)."""
    return PickPoint(min(max(aisle, 1), layout.aisles), min(max(bay, 1), layout.bays))


def route_points(layout: Layout, points: Sequence[PickPoint], method: str) -> Route:
    return route(layout, points, method)


@dataclass(frozen=True)
class CartCapacity:
    totes: int = 8
    volume_cm3: float = 8 * 40_000.0
    weight_g: int = 8 * 15_000


@dataclass(frozen=True)
class OrderLoad:
    """What batching needs of one order: its pick points and its size."""

    key: int
    points: tuple[PickPoint, ...]
    volume_cm3: float
    weight_g: int


def _fits(total: tuple[int, float, int], load: OrderLoad, cap: CartCapacity) -> bool:
    n, vol, wt = total
    if n == 0:
        return True  # an order bigger than the cart still gets a cart of its own
    return (
        n + 1 <= cap.totes
        and vol + load.volume_cm3 <= cap.volume_cm3
        and wt + load.weight_g <= cap.weight_g
    )


def seed_batches(loads: Sequence[OrderLoad], cap: CartCapacity) -> list[list[int]]:
    """Group orders whose picks lie close together: sort by the first aisle and bay they need
    (a serpentine over aisles), then fill carts in that order under the capacity."""

    def key(load: OrderLoad) -> tuple[int, int, int]:
        if not load.points:
            return (0, 0, load.key)
        first = min(load.points)
        bay = first.bay if first.aisle % 2 else -first.bay
        return (first.aisle, bay, load.key)

    batches: list[list[int]] = []
    current: list[int] = []
    total = (0, 0.0, 0)
    for load in sorted(loads, key=key):
        if not _fits(total, load, cap):
            batches.append(current)
            current, total = [], (0, 0.0, 0)
        current.append(load.key)
        total = (total[0] + 1, total[1] + load.volume_cm3, total[2] + load.weight_g)
    if current:
        batches.append(current)
    return batches


# Savings-based batching costs a route per pair of orders; above this size use the seed groups.
SAVINGS_LIMIT = 400


def batch(layout: Layout, loads: Sequence[OrderLoad], cap: CartCapacity) -> list[list[int]]:
    """Order keys per batch, each batch within the cart's capacity."""
    if len(loads) <= SAVINGS_LIMIT:
        found = _batching_module(layout, loads, cap)
        if found is not None:
            return found
    return seed_batches(loads, cap)


def _batching_module(
    layout: Layout, loads: Sequence[OrderLoad], cap: CartCapacity
) -> list[list[int]] | None:
    try:
        from wms_terminal.picking import batching
    except ImportError:
        return None
    fn = getattr(batching, "batch_orders", None)
    if fn is None:
        return None
    try:
        result = fn(layout, loads, cap)
    except TypeError:
        return None
    return [list(b) for b in result]
