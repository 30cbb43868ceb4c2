"""Batching: capacity respected, every order batched once, exact travel reported, and the
savings/seed batchers beat first-come-first-served on orders that cluster."""

from __future__ import annotations

import random
from collections.abc import Hashable

import pytest

from wms_terminal.picking.batch_problem import BatchingError, BatchPlan, CartCapacity, OrderPicks
from wms_terminal.picking.batch_search import improve
from wms_terminal.picking.batching import (
    BATCHING_METHODS,
    batch_fcfs,
    batch_savings,
    batch_seed,
    per_order_length,
)
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import optimal_length

LAYOUT = Layout(aisles=10, bays=20, aisle_pitch_m=3, bay_width_m=1, cross_aisles=3, depot_aisle=1)


def random_orders(seed: int, n: int) -> list[OrderPicks]:
    rng = random.Random(seed)
    return [
        OrderPicks(
            order_id=f"SO{i}",
            points=tuple(
                PickPoint(rng.randint(1, 10), rng.randint(1, 20)) for _ in range(rng.randint(1, 4))
            ),
            volume_cm3=rng.uniform(100, 3000),
            weight_g=rng.uniform(100, 4000),
            totes=rng.choice([1, 1, 1, 2]),
        )
        for i in range(n)
    ]


def check_plan(plan: BatchPlan, orders: list[OrderPicks], cap: CartCapacity) -> None:
    ids: list[Hashable] = [i for b in plan.batches for i in b.order_ids]
    assert sorted(ids, key=str) == sorted((o.order_id for o in orders), key=str)
    for batch in plan.batches:
        assert batch.orders
        assert sum(o.totes for o in batch.orders) <= cap.totes
        assert sum(o.volume_cm3 for o in batch.orders) <= cap.volume_cm3 + 1e-6
        assert sum(o.weight_g for o in batch.orders) <= cap.weight_g + 1e-6
        assert batch.length_m == pytest.approx(optimal_length(LAYOUT, batch.points))
    assert plan.total_length_m == pytest.approx(sum(b.length_m for b in plan.batches))


@pytest.mark.parametrize("method", list(BATCHING_METHODS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_order_once_within_capacity(method: str, seed: int) -> None:
    orders = random_orders(seed, 60)
    cap = CartCapacity(totes=6, volume_cm3=8000, weight_g=12000)
    plan = BATCHING_METHODS[method](LAYOUT, orders, cap)
    assert plan.method == method
    check_plan(plan, orders, cap)


def test_fcfs_fills_carts_in_arrival_order() -> None:
    orders = [OrderPicks(i, (PickPoint(1 + i % 10, 1),), totes=1) for i in range(7)]
    plan = batch_fcfs(LAYOUT, orders, CartCapacity(totes=3))
    assert [b.order_ids for b in plan.batches] == [[0, 1, 2], [3, 4, 5], [6]]


def test_weight_and_volume_bind() -> None:
    orders = [OrderPicks(i, (PickPoint(2, 2),), volume_cm3=40, weight_g=10) for i in range(5)]
    by_volume = batch_fcfs(LAYOUT, orders, CartCapacity(totes=10, volume_cm3=100))
    assert [len(b.orders) for b in by_volume.batches] == [2, 2, 1]
    by_weight = batch_savings(LAYOUT, orders, CartCapacity(totes=10, weight_g=30))
    assert sorted(len(b.orders) for b in by_weight.batches) == [2, 3]


def test_clustered_orders_are_batched_together() -> None:
    # Orders alternate between the far left and far right ends: FCFS mixes them; a good batcher
    # puts the left ones together and the right ones together.
    orders = [OrderPicks(i, (PickPoint(1 if i % 2 == 0 else 10, 20),), totes=1) for i in range(8)]
    cap = CartCapacity(totes=4)
    fcfs = batch_fcfs(LAYOUT, orders, cap)
    for plan in (batch_savings(LAYOUT, orders, cap), batch_seed(LAYOUT, orders, cap)):
        groups = sorted(sorted(b.order_ids) for b in plan.batches)  # type: ignore[type-var]
        assert groups == [[0, 2, 4, 6], [1, 3, 5, 7]]
        assert plan.total_length_m < fcfs.total_length_m


def test_batching_beats_fcfs_and_per_order_on_random_orders() -> None:
    orders = random_orders(9, 200)
    cap = CartCapacity(totes=8, volume_cm3=20000, weight_g=30000)
    fcfs = batch_fcfs(LAYOUT, orders, cap)
    alone = per_order_length(LAYOUT, orders)
    for plan in (batch_savings(LAYOUT, orders, cap), batch_seed(LAYOUT, orders, cap)):
        check_plan(plan, orders, cap)
        assert plan.total_length_m < fcfs.total_length_m
        assert plan.total_length_m < alone


def test_local_search_never_makes_things_worse() -> None:
    orders = random_orders(4, 80)
    cap = CartCapacity(totes=5)
    fcfs = batch_fcfs(LAYOUT, orders, cap)
    better = improve(LAYOUT, fcfs, cap, time_limit_s=5.0, max_rounds=3)
    check_plan(better, orders, cap)
    assert better.total_length_m <= fcfs.total_length_m + 1e-9
    raw = batch_savings(LAYOUT, orders, cap, local_search=False)
    assert batch_savings(LAYOUT, orders, cap).total_length_m <= raw.total_length_m + 1e-9


def test_rejects_orders_that_cannot_be_batched() -> None:
    cap = CartCapacity(totes=2, volume_cm3=1000)
    with pytest.raises(BatchingError, match="'big' does not fit"):
        batch_fcfs(LAYOUT, [OrderPicks("big", (PickPoint(1, 1),), volume_cm3=2000)], cap)
    with pytest.raises(BatchingError, match="appears twice"):
        batch_seed(LAYOUT, [OrderPicks("a", ()), OrderPicks("a", ())], cap)
    with pytest.raises(BatchingError, match="not in the layout"):
        batch_savings(LAYOUT, [OrderPicks("a", (PickPoint(11, 1),))], cap)


@pytest.mark.parametrize("method", list(BATCHING_METHODS))
def test_empty_and_pickless_orders(method: str) -> None:
    cap = CartCapacity(totes=2)
    assert BATCHING_METHODS[method](LAYOUT, [], cap).batches == ()
    plan = BATCHING_METHODS[method](LAYOUT, [OrderPicks("x", ()), OrderPicks("y", ())], cap)
    assert plan.total_length_m == 0.0
    assert sorted(i for b in plan.batches for i in b.order_ids) == ["x", "y"]  # type: ignore[type-var]
