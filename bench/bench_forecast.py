"""Demand forecast benchmark (figures printed; nothing asserted): `forecast run` over the demo
warehouse, 2,000 products x 2 warehouses = 4,000 series of 56 days, on SQLite and PostgreSQL.
Target (issue 11): <= 10 s on this 2-core machine.

Data: the demo builder (1,000 open orders and the weeks of demand history before them). Timed,
in this one process: importing statsmodels and scipy (once per process: the command line pays it
every run), reading the history, fitting the 4,000 series (wall clock and CPU time: the machine
is shared, the CPU time says what the fit costs), and the whole `run_forecast` twice: the first
run raises the purchase orders due at the new reorder points, the second finds them raised.

    .venv/bin/python bench/bench_forecast.py [--skip-pg] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _setup import scratch_postgres, scratch_sqlite
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.demo import build_demo
from wms_terminal.forecast.history import read_history
from wms_terminal.forecast.run import fit_history, run_forecast


def bench(label: str, db: Database) -> None:
    build_demo(db, orders=1_000, seed=7)
    today = datetime.now(UTC).date()
    started = time.perf_counter()
    import scipy.stats  # noqa: F401
    import statsmodels.tsa.holtwinters  # noqa: F401

    imported = time.perf_counter() - started
    started = time.perf_counter()
    with db.reading() as s:
        history = read_history(s, end=today)
    read = time.perf_counter() - started
    wall, cpu = time.perf_counter(), time.process_time()
    fits = fit_history(history)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label}: {len(fits):,} series x {history.days} days; import statsmodels+scipy "
        f"{imported:.2f} s, read history {read:.2f} s, fit {wall:.2f} s "
        f"(CPU {cpu:.2f} s, {1000 * cpu / len(fits):.2f} ms a series)"
    )
    for n in (1, 2):
        started, cpu = time.perf_counter(), time.process_time()
        done = run_forecast(db, SYSTEM, today=today)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{label}: forecast run {n}: {total:.2f} s in all (CPU of this process {cpu:.2f} s; "
            f"fit {done.fit_seconds:.2f} s), "
            f"{done.changed:,} reorder points changed, {len(done.raised):,} purchase orders "
            f"raised, warnings {done.warnings}"
        )
    db.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not args.skip_sqlite:
        bench("SQLite", scratch_sqlite("bench_forecast"))
    if not args.skip_pg:
        db = scratch_postgres("bench_forecast")
        if db is not None:
            bench("PostgreSQL", db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
