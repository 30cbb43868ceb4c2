"""Routing and batching benchmark.

Prints:
- time per `optimal` route (median and 95th percentile; order included) for 30, 60 and 100
  picks in a 20-aisle warehouse, single-block and with a middle cross-aisle (target <= 2 ms);
- mean route length of each method over the optimal one on random instances;
- batched travel (seed, Clarke-Wright savings, each with local search) over first-come-first-served
  batching and over picking every order on its own, on random realistic orders (target <= 0.75).
Run: .venv/bin/python bench/bench_routing.py
"""

from __future__ import annotations

import random
import statistics
import time

from wms_terminal.picking.batch_problem import CartCapacity, OrderPicks
from wms_terminal.picking.batching import (
    batch_fcfs,
    batch_savings,
    batch_seed,
    per_order_length,
)
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import ROUTING_METHODS, optimal_length, optimal_route
from wms_terminal.picking.sweep_states import machine

AISLES, BAYS = 20, 60


def layout(cross_aisles: int) -> Layout:
    return Layout(AISLES, BAYS, 3.0, 1.0, cross_aisles, depot_aisle=10)


def random_points(rng: random.Random, n: int) -> list[PickPoint]:
    return [PickPoint(rng.randint(1, AISLES), rng.randint(1, BAYS)) for _ in range(n)]


def bench_optimal_time() -> None:
    print("optimal route time, 20 aisles x 60 bays, depot at aisle 10 (200 random lists each)")
    rng = random.Random(1)
    for k, label in ((2, "single block"), (3, "middle cross-aisle")):
        lay = layout(k)
        machine(k)  # built once per number of cross-aisles, outside the timing
        for n in (30, 60, 100):
            lists = [random_points(rng, n) for _ in range(200)]
            route_t, length_t = [], []
            for pts in lists:
                t0 = time.perf_counter()
                optimal_route(lay, pts)
                t1 = time.perf_counter()
                optimal_length(lay, pts)
                t2 = time.perf_counter()
                route_t.append((t1 - t0) * 1e3)
                length_t.append((t2 - t1) * 1e3)
            q = statistics.quantiles(route_t, n=20)
            print(
                f"  {label:19s} {n:3d} picks: route median {statistics.median(route_t):.3f} ms"
                f"  p95 {q[18]:.3f} ms   length only median {statistics.median(length_t):.3f} ms"
            )


def bench_ratios() -> None:
    print("route length over optimal, mean (max) over 200 random lists per row")
    rng = random.Random(2)
    for k in (2, 3):
        lay = layout(k)
        for n in (5, 15, 30, 60):
            ratios: dict[str, list[float]] = {m: [] for m in ROUTING_METHODS}
            for _ in range(200):
                pts = random_points(rng, n)
                best = optimal_route(lay, pts).length_m
                for name, fn in ROUTING_METHODS.items():
                    ratios[name].append(fn(lay, pts).length_m / best)
            cells = "  ".join(
                f"{name} {statistics.fmean(r):.3f} ({max(r):.2f})" for name, r in ratios.items()
            )
            print(f"  k={k} {n:3d} picks: {cells}")


def realistic_orders(rng: random.Random, n: int) -> list[OrderPicks]:
    """Orders of 1-8 lines (mean about 2.3), fast movers concentrated near the depot aisle and
    the front of the aisles (an ABC-slotted warehouse), sizes of e-commerce parcels."""
    aisle_weight = [1.0 / (1 + abs(a - 10)) ** 0.8 for a in range(1, AISLES + 1)]
    bay_weight = [1.0 / (1 + b / 15) for b in range(1, BAYS + 1)]
    aisles = list(range(1, AISLES + 1))
    bays = list(range(1, BAYS + 1))
    orders = []
    for i in range(n):
        lines = min(8, 1 + int(rng.expovariate(1 / 1.3)))
        points = tuple(
            PickPoint(rng.choices(aisles, aisle_weight)[0], rng.choices(bays, bay_weight)[0])
            for _ in range(lines)
        )
        orders.append(
            OrderPicks(
                order_id=f"SO{i:05d}",
                points=points,
                volume_cm3=lines * rng.uniform(300, 3000),
                weight_g=lines * rng.uniform(100, 2500),
                totes=1,
            )
        )
    return orders


def bench_batching() -> None:
    orders = realistic_orders(random.Random(3), 1000)
    cap = CartCapacity(totes=8, volume_cm3=80_000, weight_g=60_000)
    lines = sum(len(o.points) for o in orders)
    print(f"batching {len(orders)} orders ({lines} lines), cart: 8 totes, 80 l, 60 kg")
    for k in (2, 3):
        lay = layout(k)
        fcfs = batch_fcfs(lay, orders, cap)
        alone = per_order_length(lay, orders)
        print(
            f"  k={k} per-order {alone / 1000:.2f} km; FCFS {fcfs.total_length_m / 1000:.2f} km"
            f" in {len(fcfs.batches)} batches (FCFS / per-order {fcfs.total_length_m / alone:.3f})"
        )
        for name, fn in (("seed", batch_seed), ("savings", batch_savings)):
            t0 = time.perf_counter()
            plan = fn(lay, orders, cap, time_limit_s=5.0)
            took = time.perf_counter() - t0
            print(
                f"  k={k} {name:8s} {plan.total_length_m / 1000:.2f} km in {len(plan.batches)}"
                f" batches: over FCFS {plan.total_length_m / fcfs.total_length_m:.3f},"
                f" over per-order {plan.total_length_m / alone:.3f}  ({took:.1f} s)"
            )


def main() -> None:
    bench_optimal_time()
    bench_ratios()
    bench_batching()


if __name__ == "__main__":
    main()
