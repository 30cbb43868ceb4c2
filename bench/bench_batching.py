"""Batching on the demo orders: batched travel vs first-come-first-served batching and vs picking
every order on its own (issue 3: batched / FCFS <= 0.75, goal 0.70).

The demo (`wms_terminal.demo.build_demo(db, orders=N, seed=7)`) is built into a scratch SQLite
database. Each open order's pick points are its active reservations' locations in the MAIN
warehouse; its volume and weight are those of the reserved units; the geometry is
`Warehouse.layout`. FCFS fills carts in order-number (arrival) order. "wave batching" is what the
batch and cluster strategies run (`picking.wave_batching.batch`: Clarke-Wright savings + local
search, split into spatial groups with a time budget on large waves); the batching methods of
`picking.batching` are shown on their own too. Every length is the exact (`optimal`) route of
each batch. The cart is the strategies' default cart.

    .venv/bin/python bench/bench_batching.py [--orders N ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).parent))

from _setup import scratch_sqlite
from wms_terminal.core.db import Database
from wms_terminal.core.models import Warehouse
from wms_terminal.demo import build_demo
from wms_terminal.picking.batch_problem import OrderPicks
from wms_terminal.picking.batching import (
    batch_fcfs,
    batch_savings,
    batch_seed,
    per_order_length,
)
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import optimal_length
from wms_terminal.picking.wave_batching import DEFAULT_CART, batch, layout_of


def demo_orders(db: Database) -> tuple[Layout, list[OrderPicks]]:
    """Open orders of MAIN in arrival order, each with its reservations' pick points."""
    with db.reading() as s:
        wh = s.exec(select(Warehouse).where(Warehouse.code == "MAIN")).one()
        wid, lay = wh.id, layout_of(wh.layout, warehouse="MAIN")
        rows = s.execute(
            text(
                "SELECT so.id, l.aisle, l.bay, r.qty, "
                "p.length_mm * p.width_mm * p.height_mm / 1000.0, p.weight_g "
                "FROM sales_order so JOIN reservation r ON r.order_id = so.id "
                "JOIN location l ON l.id = r.location_id JOIN product p ON p.id = r.product_id "
                "WHERE so.warehouse_id = :w AND so.status IN ('reserved', 'partially_reserved') "
                "AND r.status = 'active' AND r.qty > 0 ORDER BY so.number, r.id"
            ),
            {"w": wid},
        ).all()
    points: dict[int, list[PickPoint]] = defaultdict(list)
    size: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for oid, aisle, bay, qty, vol, wt in rows:
        points[oid].append(PickPoint(int(aisle), int(bay)))
        size[oid][0] += float(vol or 0) * qty
        size[oid][1] += float(wt or 0) * qty
    orders = [
        OrderPicks(oid, tuple(pts), size[oid][0], size[oid][1]) for oid, pts in points.items()
    ]
    return lay, orders


def run(n: int) -> None:
    db = scratch_sqlite(f"bench-batching-{n}")
    t0 = time.perf_counter()
    build_demo(db, orders=n, seed=7)
    lay, orders = demo_orders(db)
    db.dispose()
    cap = DEFAULT_CART
    big = [o for o in orders if not cap.holds(o)]
    orders = [o for o in orders if cap.holds(o)]
    lines = sum(len(o.points) for o in orders)
    print(
        f"demo of {n} orders (built in {time.perf_counter() - t0:.1f} s): {len(orders)} open "
        f"orders in MAIN, {lines} picks, layout {lay.aisles} aisles x {lay.bays} bays, "
        f"{lay.cross_aisles} cross-aisles; cart {cap.totes} totes, {cap.volume_cm3 / 1000:.0f} l, "
        f"{cap.weight_g / 1000:.0f} kg"
        + (f" ({len(big)} orders bigger than a cart left out)" if big else "")
    )
    alone = per_order_length(lay, orders)
    fcfs = batch_fcfs(lay, orders, cap)
    print(
        f"  per-order  {alone / 1000:8.2f} km ({len(orders)} tours)\n"
        f"  FCFS       {fcfs.total_length_m / 1000:8.2f} km in {len(fcfs.batches)} batches"
        f" (FCFS / per-order {fcfs.total_length_m / alone:.3f})"
    )
    t = time.perf_counter()
    groups = batch(lay, orders, cap)
    took = time.perf_counter() - t
    by_id = {o.order_id: o for o in orders}
    wave_m = sum(optimal_length(lay, [p for oid in g for p in by_id[oid].points]) for g in groups)
    print(
        f"  wave batching (strategy) {wave_m / 1000:8.2f} km in {len(groups)} batches, "
        f"{took:.2f} s: over FCFS {wave_m / fcfs.total_length_m:.3f} (target <= 0.75, "
        f"goal 0.70), over per-order {wave_m / alone:.3f}"
    )
    if len(orders) <= 1500:
        for name, fn in (("seed", batch_seed), ("savings", batch_savings)):
            t = time.perf_counter()
            plan = fn(lay, orders, cap, time_limit_s=10.0)
            took = time.perf_counter() - t
            print(
                f"  {name:8s} + local search {plan.total_length_m / 1000:8.2f} km in "
                f"{len(plan.batches)} batches, {took:.2f} s: over FCFS "
                f"{plan.total_length_m / fcfs.total_length_m:.3f}, over per-order "
                f"{plan.total_length_m / alone:.3f}"
            )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, nargs="*", default=[300, 1000, 3000])
    args, _ = ap.parse_known_args(argv)  # run_all passes benchmark names along
    for n in args.orders:
        run(n)


if __name__ == "__main__":
    main()
