"""Pick engine benchmarks (figures printed; nothing asserted).

1. release a wave of 10,000 orders (>= 50,000 lines), persisted: SQLite and PostgreSQL;
2. confirm a pick (scan id stored, stock and reservation moved, ledger written): p50/p99 for one
   terminal, SQLite and PostgreSQL;
3. 16 terminals (processes) confirming picks at once on PostgreSQL: confirmed picks per second.

Data: the demo builder (`wms_terminal.demo.build_demo`). PostgreSQL: a scratch database
`wms_bench_picking_<pid>` on WMS_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/),
dropped at the end.

    .venv/bin/python bench/bench_picking.py [--orders N] [--skip-pg]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from wms_terminal.config import normalise_database_url
from wms_terminal.core import migrate
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.demo import build_demo
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

PG_ADMIN = os.environ.get("WMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
PG_DB = f"wms_bench_picking_{os.getpid()}"  # one per run: two runs never share or drop it
WAVE_ORDERS = 10_000


def _pg_url() -> str:
    with psycopg.connect(PG_ADMIN + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return normalise_database_url(PG_ADMIN + PG_DB)


def _drop_pg() -> None:
    with psycopg.connect(PG_ADMIN + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def _users(db: Database, n: int) -> list[Actor]:
    out = []
    with db.transaction() as s:
        wid = s.execute(text("SELECT id FROM warehouse WHERE code = 'MAIN'")).scalar_one()
        boss = create_user(s, username="bench-boss", name="Boss", role="supervisor", pin="1234")
        out.append(Actor(boss.id, boss.username, boss.role, "bench"))
        for i in range(n):
            u = create_user(
                s,
                username=f"bench-p{i}",
                name=f"P{i}",
                role="picker",
                pin="1234",
                warehouse_id=wid,
            )
            out.append(Actor(u.id, u.username, u.role, f"bench-{i}"))
    return out


def _pick_lists(db: Database, actor: Actor, wid: int, picks: int) -> list[float]:
    """Claim lists and confirm every pick on them; returns the confirm latencies (seconds)."""
    lat: list[float] = []
    rejected: list[str] = []
    tote_n = 0
    while len(lat) < picks:
        lid = service.claim_next(db, actor, warehouse_id=wid, resume=False)
        if lid is None:
            break
        pl = get_list(db, lid)
        tote_n += 1
        for i, task in enumerate(pl.tasks):
            if len(lat) >= picks:
                break
            # The first pick of a list binds a fresh tote; the rest go into it.
            code = f"T-MAIN-{900_000 + tote_n:06d}" if i == 0 else None
            t0 = time.perf_counter()
            r = service.confirm_pick(
                db, actor, scan_id=uuid.uuid4().hex, task_id=task.task_id, qty=task.qty, tote=code
            )
            lat.append(time.perf_counter() - t0)
            if not r.accepted:
                rejected.append(r.code)
    if rejected:
        print(f"  ({len(rejected)} confirmations refused: {sorted(set(rejected))})")
    return lat


def _terminal(
    url: str, actor: dict[str, Any], wid: int, seconds: float, start: Any, q: Any
) -> None:
    """One terminal: its own process and its own connection. Connects and warms up, waits at the
    barrier with the others, then claims lists and confirms picks for `seconds`."""
    db = Database(make_engine(url, pool_size=1))
    who = Actor(**actor)
    done = refused = errors = 0
    codes: set[str] = set()
    tote_n = 0
    try:
        with db.reading() as s:
            s.execute(text("SELECT 1"))
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            lid = service.claim_next(db, who, warehouse_id=wid, resume=False)
            if lid is None:
                break
            tote_n += 1
            for i, task in enumerate(get_list(db, lid).tasks):
                code = None
                if i == 0:
                    code = f"T-MAIN-{(who.user_id or 0) * 10_000 + tote_n:06d}"
                try:
                    r = service.confirm_pick(
                        db,
                        who,
                        scan_id=uuid.uuid4().hex,
                        task_id=task.task_id,
                        qty=task.qty,
                        tote=code,
                    )
                except Exception as exc:  # counted and shown: a benchmark must not hide them
                    errors += 1
                    codes.add(type(exc).__name__)
                else:
                    if r.accepted:
                        done += 1
                    else:
                        refused += 1
                        codes.add(r.code)
                if time.perf_counter() >= deadline:
                    break
    finally:
        db.dispose()
        q.put((done, refused, errors, sorted(codes)))


def bench_backend(
    name: str,
    url: str,
    orders: int,
    terminals: int,
    strategy: str = "per-order",
    window: float = 10.0,
) -> None:
    engine = make_engine(url, pool_size=4)
    migrate.upgrade(engine)
    db = Database(engine)
    t0 = time.perf_counter()
    summary = build_demo(db, orders=orders, seed=7)
    print(
        f"[{name}] demo built: {summary.orders} orders, {summary.order_lines} lines "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    actors = _users(db, max(terminals, 1))
    boss, pickers = actors[0], actors[1:]
    with db.reading() as s:
        wid = s.execute(text("SELECT id FROM warehouse WHERE code = 'MAIN'")).scalar_one()
    t0 = time.perf_counter()
    wave = release_wave(
        db, boss, WaveFilter(warehouse="MAIN", max_orders=WAVE_ORDERS), strategy=strategy
    )
    took = time.perf_counter() - t0
    print(
        f"[{name}] release wave {wave.number} ({strategy}): {wave.orders} orders, "
        f"{wave.lines} lines, "
        f"{wave.picks} picks, {len(wave.pick_list_ids)} lists, persisted in {took:.2f} s"
    )
    lat = _pick_lists(db, pickers[0], wid, 2_000)
    lat_ms = sorted(x * 1000 for x in lat)
    p99 = lat_ms[int(len(lat_ms) * 0.99) - 1]
    print(
        f"[{name}] confirm a pick, one terminal: n={len(lat_ms)} "
        f"p50={statistics.median(lat_ms):.2f} ms p99={p99:.2f} ms max={lat_ms[-1]:.2f} ms"
    )
    if terminals > 1:
        ctx = multiprocessing.get_context("spawn")
        q = ctx.Queue()
        start = ctx.Barrier(terminals + 1)
        seconds = window
        procs = [
            ctx.Process(
                target=_terminal,
                args=(
                    url,
                    {
                        "user_id": a.user_id,
                        "username": a.username,
                        "role": a.role,
                        "terminal": a.terminal,
                    },
                    wid,
                    seconds,
                    start,
                    q,
                ),
            )
            for a in pickers[:terminals]
        ]
        for p in procs:
            p.start()
        start.wait()  # every terminal connected: the window starts now for all of them
        t0 = time.perf_counter()
        results = [q.get() for _ in procs]
        wall = time.perf_counter() - t0
        for p in procs:
            p.join()
        total = sum(r[0] for r in results)
        refused = sum(r[1] for r in results)
        errors = sum(r[2] for r in results)
        codes = sorted({c for r in results for c in r[3]})
        print(
            f"[{name}] {terminals} terminals (processes, one connection each), "
            f"{seconds:.0f} s window: {total} confirmed picks = {total / seconds:,.0f} picks/s "
            f"(window closed after {wall:.1f} s); refused {refused}, errors {errors}"
            + (f" {codes}" if codes else "")
        )
    db.dispose()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=int(os.environ.get("BENCH_ORDERS", "14000")))
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--strategy", default="per-order", help="strategy of the released wave")
    ap.add_argument("--terminals", type=int, default=16, help="PostgreSQL terminals (processes)")
    ap.add_argument("--seconds", type=float, default=10.0, help="the terminals' window")
    args = ap.parse_args(argv)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench_backend(
                "sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.orders, 1, args.strategy
            )
    if not args.skip_pg:
        try:
            bench_backend(
                "postgresql", _pg_url(), args.orders, args.terminals, args.strategy, args.seconds
            )
        finally:
            _drop_pg()


if __name__ == "__main__":
    main()
