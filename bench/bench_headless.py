"""The headless picker (`wms-terminal pick --headless`): time from a line on stdin to the next
prompt on stdout, per line, while one robot picks every list of a released demo wave, on SQLite
and on PostgreSQL. The driver runs in this process (its JSON lines go to a buffer); each line is
timed from the moment the driver takes it until it asks for the next one.

    .venv/bin/python bench/bench_headless.py
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections.abc import Iterator

from _setup import scratch_postgres, scratch_sqlite
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.demo import build_demo, demo_users
from wms_terminal.headless.events import EventWriter
from wms_terminal.headless.picker import Options, PickerDriver
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

SEED = 5
ORDERS = 300
WAVE_ORDERS = 40


def _robot(db: Database, badge: str, pin: str) -> list[float]:
    out = io.StringIO()
    seen = 0
    times: list[float] = []
    totes = iter(range(9000, 9999))

    def lines() -> Iterator[str]:
        nonlocal seen
        while True:
            text = out.getvalue()
            last = json.loads(text.splitlines()[-1])
            if last["event"] == "done":
                return
            if last["expect"] == "quantity":
                line = str(last["qty"])
            else:
                line = last["barcode"] or f"T-MAIN-{next(totes):04d}"
            started = time.perf_counter()
            yield line
            times.append(time.perf_counter() - started)
            seen += 1

    options = Options(terminal="bench", badge=badge, pin=pin)
    code = PickerDriver(db, EventWriter(out), options).run(lines())
    assert code == 0, out.getvalue()[-400:]
    return times


def run(name: str, db: Database) -> None:
    build_demo(db, orders=ORDERS, seed=SEED)
    wave = release_wave(db, SYSTEM, WaveFilter(warehouse="MAIN", max_orders=WAVE_ORDERS))
    picker = next(u for u in demo_users(SEED) if u[0] == "picker")
    started = time.perf_counter()
    times = _robot(db, picker[3], picker[4])
    wall = time.perf_counter() - started
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{name:<10} {len(wave.pick_list_ids)} lists, {len(ms)} lines in {wall:.1f} s: "
        f"per line median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def main() -> None:
    run("sqlite", scratch_sqlite("bench_headless"))
    pg = scratch_postgres("wms_bench_headless")
    if pg is not None:
        run("postgresql", pg)


if __name__ == "__main__":
    main()
