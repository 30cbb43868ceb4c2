"""SQLite: how long a terminal's confirm waits while a 10,000-order wave is released.

The release plans outside any lock, then writes its lists in short transactions
(`picking.wave_release.WRITE_CHUNK_PICKS` picks each, with a pause between them) so that the
terminals' confirms get the write lock in between. A picker confirms picks (one every ~20 ms)
on lists of an earlier wave the whole time the release runs in another process; every confirm's
wall time is measured. Target: p99 <= 250 ms. For comparison the same release is also written as one
transaction (`--also-one-transaction`, the old behaviour).

    .venv/bin/python bench/bench_sqlite_waits.py [--orders N] [--also-one-transaction]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from wms_terminal.core import migrate
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database, busy_notices, make_engine
from wms_terminal.demo import build_demo
from wms_terminal.picking import service, wave_release
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

WAVE_ORDERS = 10_000
FIRST_WAVE = 600  # orders whose lists the picker works on during the big release
PAUSE_S = 0.02  # between a terminal's confirms


def _release(url: str, boss: dict[str, Any], one_transaction: bool, q: Any) -> None:
    if one_transaction:
        wave_release.WRITE_CHUNK_PICKS = 10**9
    writing = [0.0]
    write_in_parts = wave_release._write_in_parts

    def timed(*args: Any, **kwargs: Any) -> Any:
        writing[0] = time.time()  # planning done: the writes start now
        return write_in_parts(*args, **kwargs)

    wave_release._write_in_parts = timed  # type: ignore[assignment]
    db = Database(make_engine(url))
    t0 = time.perf_counter()
    wave = release_wave(db, Actor(**boss), WaveFilter(warehouse="MAIN", max_orders=WAVE_ORDERS))
    took = time.perf_counter() - t0
    q.put((took, wave.orders, wave.picks, len(wave.pick_list_ids), writing[0], time.time()))
    db.dispose()


def _setup(url: str, orders: int) -> tuple[Database, Actor, Actor, int]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    db = Database(engine)
    t0 = time.perf_counter()
    summary = build_demo(db, orders=orders, seed=11)
    print(f"demo built: {summary.orders} orders in {time.perf_counter() - t0:.1f} s", flush=True)
    with db.transaction() as s:
        wid = s.execute(text("SELECT id FROM warehouse WHERE code = 'MAIN'")).scalar_one()
        b = create_user(s, username="bench-boss", name="Boss", role="supervisor", pin="1234")
        p = create_user(
            s, username="bench-picker", name="P", role="picker", pin="1234", warehouse_id=wid
        )
        boss = Actor(b.id, b.username, b.role, "bench-boss")
        picker = Actor(p.id, p.username, p.role, "bench-picker")
    return db, boss, picker, wid


def _confirm_during(
    db: Database, picker: Actor, wid: int, proc: Any
) -> tuple[list[tuple[float, float]], int]:
    """Confirm picks until the release process ends; returns (start time, latency s) of each
    and the number of busy retries."""
    lat: list[tuple[float, float]] = []
    busy: list[str] = []
    tote_n = 0
    with busy_notices(busy.append):
        while proc.is_alive():
            lid = service.claim_next(db, picker, warehouse_id=wid, resume=False)
            if lid is None:
                print("  (the picker ran out of lists)")
                break
            tote_n += 1
            for i, task in enumerate(get_list(db, lid).tasks):
                if not proc.is_alive():
                    break
                tote = f"T-MAIN-{800_000 + tote_n:06d}" if i == 0 else None
                started, t0 = time.time(), time.perf_counter()
                service.confirm_pick(
                    db,
                    picker,
                    scan_id=uuid.uuid4().hex,
                    task_id=task.task_id,
                    qty=task.qty,
                    tote=tote,
                )
                lat.append((started, time.perf_counter() - t0))
                time.sleep(PAUSE_S)
    return lat, len(busy)


def run(orders: int, one_transaction: bool) -> None:
    label = "one transaction" if one_transaction else "short transactions"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'waits.sqlite3'}"
        db, boss, picker, wid = _setup(url, orders)
        release_wave(db, boss, WaveFilter(warehouse="MAIN", max_orders=FIRST_WAVE))
        ctx = multiprocessing.get_context("spawn")
        q = ctx.Queue()
        who = {
            "user_id": boss.user_id,
            "username": boss.username,
            "role": boss.role,
            "terminal": boss.terminal,
        }
        proc = ctx.Process(target=_release, args=(url, who, one_transaction, q))
        proc.start()
        lat, busy = _confirm_during(db, picker, wid, proc)
        took, n_orders, picks, lists, write_from, write_to = q.get()
        proc.join()
        db.dispose()
    print(
        f"[{label}] release of {n_orders:,} orders ({picks:,} picks, {lists:,} lists) took "
        f"{took:.1f} s, of which writing {write_to - write_from:.1f} s; busy retries {busy}",
        flush=True,
    )
    _report(label, "whole release", [x for _, x in lat])
    # A confirm that started before the writes but was still waiting when they began counts too.
    _report(label, "while it writes", [x for t, x in lat if t + x >= write_from])


def _report(label: str, what: str, lat: list[float]) -> None:
    ms = sorted(x * 1000 for x in lat)
    if not ms:
        print(f"[{label}] {what}: no confirms measured", flush=True)
        return
    p99 = ms[max(int(len(ms) * 0.99) - 1, 0)]
    verdict = "meets" if p99 <= 250 else "MISSES"
    slow = sum(1 for x in ms if x > 250)
    print(
        f"[{label}] a confirm, {what}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p99={p99:.1f} ms max={ms[-1]:.1f} ms, {slow} over 250 ms "
        f"({verdict} the p99 <= 250 ms target)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=WAVE_ORDERS + FIRST_WAVE + 400)
    ap.add_argument("--also-one-transaction", action="store_true")
    args = ap.parse_args(argv)
    run(args.orders, one_transaction=False)
    if args.also_one_transaction:
        run(args.orders, one_transaction=True)


if __name__ == "__main__":
    sys.exit(main())
