"""The batch and cluster strategies batch with `picking.batching` (savings + local search) through
`travel.batch`: shorter travel than first-come-first-served carts, within the cart's capacity,
every pick once, also when a large wave runs out of its time budget."""

from __future__ import annotations

import random

import pytest

from wms_terminal.picking.batch_problem import CartCapacity, OrderPicks
from wms_terminal.picking.batching import batch_fcfs
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import optimal_length
from wms_terminal.picking.strategies import (
    OrderSource,
    PickSource,
    PlanContext,
    PlannedList,
    get_strategy,
)
from wms_terminal.picking.wave_batching import DEFAULT_CART, batch, cart, spatial_groups

LAYOUT = Layout(aisles=20, bays=30, aisle_pitch_m=3, bay_width_m=1.2, cross_aisles=3, depot_aisle=1)


def wave(seed: int, n: int) -> list[OrderSource]:
    """Orders as they arrive: each order's picks cluster around a few popular aisles (fast movers
    near the depot), sizes of a few litres and kilograms per unit."""
    rng = random.Random(seed)
    orders = []
    line = 0
    for oid in range(1, n + 1):
        home = min(20, max(1, int(rng.expovariate(1 / 6)) + 1))
        picks = []
        for _ in range(rng.randint(1, 6)):
            line += 1
            aisle = min(20, max(1, home + rng.randint(-2, 2)))
            picks.append(
                PickSource(
                    order_id=oid,
                    order_line_id=line,
                    reservation_id=line,
                    product_id=rng.randint(1, 50),
                    location_id=aisle * 100 + rng.randint(1, 30),
                    qty=rng.randint(1, 3),
                    zone_id=1 + (aisle - 1) // 5,
                    aisle=aisle,
                    bay=rng.randint(1, 30),
                    volume_cm3=rng.uniform(200, 4000),
                    weight_g=rng.randint(100, 2500),
                )
            )
        orders.append(OrderSource(oid, f"SO{oid:05d}", 0, 0, tuple(picks)))
    return orders


def as_picks(orders: list[OrderSource]) -> list[OrderPicks]:
    return [
        OrderPicks(
            o.order_id, tuple(PickPoint(p.aisle, p.bay) for p in o.picks), o.volume_cm3, o.weight_g
        )
        for o in orders
    ]


def list_travel(lists: list[PlannedList]) -> float:
    return sum(
        optimal_length(LAYOUT, [PickPoint(p.aisle, p.bay) for p, _ in pl.picks]) for pl in lists
    )


@pytest.mark.parametrize("name", ["batch", "cluster"])
def test_batch_strategy_travels_less_than_first_come_first_served(name: str) -> None:
    orders = wave(7, 120)
    lists = get_strategy(name).split(orders, PlanContext(LAYOUT))
    picked = sorted(p.reservation_id for pl in lists for p, _ in pl.picks)
    assert picked == sorted(p.reservation_id for o in orders for p in o.picks)
    for pl in lists:
        mine = [o for o in orders if o.order_id in pl.order_ids]
        assert len(mine) <= DEFAULT_CART.totes
        assert sum(o.volume_cm3 for o in mine) <= DEFAULT_CART.volume_cm3 + 1e-6
        assert sum(o.weight_g for o in mine) <= DEFAULT_CART.weight_g
    fcfs = batch_fcfs(LAYOUT, as_picks(orders), DEFAULT_CART).total_length_m
    assert list_travel(lists) < fcfs


def test_cluster_slots_follow_the_batches() -> None:
    lists = get_strategy("cluster").split(wave(3, 40), PlanContext(LAYOUT, cart(4)))
    for pl in lists:
        slots: dict[int, int] = {}
        for p, slot in pl.picks:
            assert slot is not None
            slots.setdefault(p.order_id, slot)
            assert slots[p.order_id] == slot
        assert sorted(slots.values()) == list(range(1, pl.tote_count + 1))
        assert pl.tote_count <= 4


def test_an_order_bigger_than_the_cart_gets_a_cart_of_its_own() -> None:
    orders = as_picks(wave(5, 30))
    huge = OrderPicks("huge", (PickPoint(3, 3),), volume_cm3=10 * DEFAULT_CART.volume_cm3)
    groups = batch(LAYOUT, [*orders, huge], DEFAULT_CART)
    assert ["huge"] in groups
    rest = sorted(str(i) for g in groups for i in g if i != "huge")
    assert rest == sorted(str(o.order_id) for o in orders)


def test_out_of_time_the_wave_is_still_batched_within_capacity() -> None:
    orders = as_picks(wave(11, 700))
    cap = CartCapacity(totes=5, volume_cm3=60_000, weight_g=40_000)
    groups = batch(LAYOUT, orders, cap, time_budget_s=0.0)  # every group falls back
    by_id = {o.order_id: o for o in orders}
    assert sorted(str(i) for g in groups for i in g) == sorted(str(i) for i in by_id)
    for g in groups:
        assert len(g) <= cap.totes
        assert sum(by_id[i].volume_cm3 for i in g) <= cap.volume_cm3 + 1e-6
        assert sum(by_id[i].weight_g for i in g) <= cap.weight_g + 1e-6


def test_spatial_groups_cover_every_order_once_in_even_groups() -> None:
    orders = as_picks(wave(2, 650))
    groups = spatial_groups(LAYOUT, orders, 300)
    assert [len(g) for g in groups] == [217, 216, 217]
    assert sorted(o.order_id for g in groups for o in g) == sorted(o.order_id for o in orders)  # type: ignore[type-var]
