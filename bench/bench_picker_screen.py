"""The picker's screen over a real terminal: `wms-terminal run` on a 40x16 pseudo-terminal, a
picker signed in, picking whole lists of a released demo wave by wedge bursts (each scan's
characters and its Enter written at once, as a USB scanner types them). Each scan is timed from
the write until the screen has drawn the next prompt. Then the session's memory from /proc: VmRSS
(the figure with a target), and from smaps_rollup the PSS (shared pages split among the
processes sharing them) and the private memory, which is what each further session on the same
machine adds; at the sign-in screen and after picking. On SQLite, then on PostgreSQL, whose
driver brings its own libpq and OpenSSL. The figures move with the machine's load (printed).
Targets: scan to updated screen p95 <= 50 ms; resident memory per picker session <= 80 MB.

    .venv/bin/python bench/bench_picker_screen.py [LISTS] [--skip-pg]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from _setup import scratch_postgres, scratch_sqlite
from _terminal import PtyApp
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.demo import build_demo, demo_users
from wms_terminal.headless.hints import Hints
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

CLI = str(Path(sys.executable).with_name("wms-terminal"))
SEED = 5
NEXT = ("Scan item", "or key qty", "tote", "Go to", "List done")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lists = int(args[0]) if args else 3
    times, memory = _session(scratch_sqlite("picker_screen"), lists)
    _latency("SQLite", times)
    pg = None if "--skip-pg" in sys.argv else scratch_postgres("picker_screen")
    pg_memory = None
    if pg is not None:
        pg_times, pg_memory = _session(pg, lists)
        _latency("PostgreSQL", pg_times)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print("memory of one picker session (wms-terminal run on a 40x16 pty):")
    _report("SQLite", memory)
    if pg_memory is not None:
        _report("PostgreSQL", pg_memory)


def _latency(backend: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(int(len(ms) * 0.95) - 1, 0)]
    verdict = "ok" if p95 <= 50 else "OVER"
    print(
        f"{len(ms)} scans on a 40x16 terminal ({backend}): scan to updated screen median "
        f"{statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms "
        f"(target p95 <= 50 ms: {verdict})"
    )


def _session(db: Database, lists: int) -> tuple[list[float], dict[str, float]]:
    """A demo floor with a released wave on `db`; the demo picker signs in on a pty and picks
    `lists` lists. Returns the scans' times and the session's memory figures."""
    build_demo(db, orders=200, seed=SEED)
    release_wave(db, SYSTEM, WaveFilter(warehouse="MAIN", max_orders=30))
    _role, username, _name, badge, pin = next(u for u in demo_users(SEED) if u[0] == "picker")
    url = db.engine.url.render_as_string(hide_password=False)
    env = {
        "WMS_DATABASE_URL": url,
        "XDG_DATA_HOME": tempfile.mkdtemp(prefix="wms-bench-"),
        "WMS_IDLE_LOGOUT_S": "0",
    }
    hints = Hints(db)
    times: list[float] = []
    with PtyApp([CLI, "run"], env=env, size=(40, 16)) as app:
        app.wait_for("Scan your badge")
        at_sign_in = app.rss_mb()
        app.type(badge + "\r")
        app.wait_for("PIN")
        app.type(pin + "\r")
        app.wait_for("Enter for a list")
        for _ in range(lists):
            time.sleep(0.3)  # a person presses Enter, not the tail of a scan
            app.type("\r")
            if app.wait_for_any(("Go to", "No pick list")) != "Go to":
                break
            with db.reading() as s:
                list_id = s.execute(
                    text(
                        "SELECT pl.id FROM pick_list pl JOIN app_user u ON u.id = pl.claimed_by "
                        "WHERE u.username = :u AND pl.status = 'claimed'"
                    ),
                    {"u": username},
                ).scalar_one()
            times += _pick_list(app, db, hints, int(list_id))
        assert app.proc is not None
        smaps = _smaps(app.proc.pid)
        memory = {
            "at sign-in": at_sign_in,
            "signed in": app.rss_mb(),
            "pss": smaps.get("Pss", 0.0),
            "private": smaps.get("Private_Clean", 0.0) + smaps.get("Private_Dirty", 0.0),
        }
    db.dispose()
    return times, memory


def _smaps(pid: int) -> dict[str, float]:
    fields: dict[str, float] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return fields


def _report(backend: str, figures: dict[str, float]) -> None:
    verdict = "ok" if figures["signed in"] <= 80 else "OVER"
    print(
        f"{backend:10} RSS at the sign-in screen {figures['at sign-in']:5.1f} MB, picking "
        f"{figures['signed in']:5.1f} MB (target 80 MB: {verdict}); PSS {figures['pss']:5.1f} MB, "
        f"private {figures['private']:5.1f} MB"
    )


def _pick_list(app: PtyApp, db: object, hints: Hints, list_id: int) -> list[float]:
    times: list[float] = []
    totes = 0

    def scan(code: str) -> str:
        started = time.perf_counter()
        app.type(code + "\r")
        seen = app.wait_for_any(NEXT)
        times.append(time.perf_counter() - started)
        return seen

    while (task := get_list(db, list_id).next_task) is not None:  # type: ignore[arg-type]
        scan(task.location_barcode)
        seen = scan(hints.product_barcode(task.product_id) or task.sku)
        if seen == "or key qty":
            time.sleep(0.2)  # keyed by hand
            seen = scan(str(task.remaining))
        if seen == "tote":
            totes += 1
            scan(hints.free_tote(get_list(db, list_id).warehouse_id) or "T-MAIN-9999")  # type: ignore[arg-type]
    return times


if __name__ == "__main__":
    main()
