"""Terminal benchmarks: scan to updated screen on the picker's screen, and a picker session's
resident memory.

1. Scan to updated screen (target p95 <= 50 ms): the app under Textual's Pilot at 40x16 on a
   SQLite demo warehouse with a released wave; the picker claims lists with Enter and picks them
   by scanner bursts (location, then item, a scan per unit, the tote when asked). Each scan is
   timed from its keys being posted to the picker's screen showing the answer: the scan field
   has taken the keys, the screen's database job has answered, the card or message has changed
   and the frame after it has been drawn.
2. A picker session is `wms-terminal run` on a pseudo-terminal (40x16, a handheld), signed in by
badge and PIN as the demo's picker, on a demo warehouse with a released wave. Its memory is read
from /proc: VmRSS (the figure with a target: <= 80 MB), and from smaps_rollup the PSS (shared
pages split among the processes sharing them) and the private memory, which is what each further
session on the same machine adds. On SQLite and on PostgreSQL (its driver, psycopg with its own
libpq and OpenSSL, comes on top).

    .venv/bin/python bench/bench_terminal.py [--skip-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from _terminal import PtyApp

CLI = str(Path(sys.executable).with_name("wms-terminal"))
PG_ADMIN = os.environ.get("WMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
PG_DB = f"wms_bench_terminal_{os.getpid()}"
HANDHELD = (40, 16)


def _cli(*args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if out.returncode != 0:
        raise RuntimeError(f"wms-terminal {' '.join(args[:2])} failed: {out.stderr.strip()}")
    return out.stdout


def prepare(url: str, orders: int = 200) -> dict[str, dict[str, str]]:
    """A demo warehouse with a released wave; returns the demo users by role."""
    made = json.loads(
        _cli(
            "demo",
            "--orders",
            str(orders),
            "--database",
            url,
            "--json",
            "-q",
            *(["--create"] if url.startswith("sqlite") else []),
        )
    )
    users = {u["role"]: u for u in made["users"]}
    boss = users["supervisor"]
    _cli(
        "wave", "release", "--database", url, "--warehouse", "MAIN", "--max-orders", "40",
        "--badge", boss["badge"], "--json", env={"WMS_PIN": boss["pin"]},
    )  # fmt: skip
    return users


def _burst(app: Any, text: str) -> None:
    """A scanner burst: every key of `text` and Enter posted back to back to the scan field."""
    from textual import events

    from wms_terminal.tui.widgets.scan_input import ScanInput

    field = app.screen.query_one(ScanInput)
    for ch in text:
        field.post_message(events.Key(ch, ch))
    field.post_message(events.Key("enter", "\r"))


def _card(app: Any) -> str:
    from textual.widgets import Static

    found = app.screen.query("#card-head, #prompt, #message, #qty").results(Static)
    return "|".join(str(box.render()) for box in found)


async def _timed_scan(
    pilot: Any, answered: asyncio.Event, app: Any, text: str, latencies: list[float]
) -> None:
    answered.clear()
    started = time.perf_counter()
    _burst(app, text)
    try:
        await asyncio.wait_for(answered.wait(), 10)
    except TimeoutError:
        raise TimeoutError(f"no answer to {text!r} on screen: {_card(app)!r}") from None
    await pilot.pause()  # the answer drawn: messages handled, the screen's frame composed
    latencies.append(time.perf_counter() - started)


def _on_answer(screen: Any) -> asyncio.Event:
    """Set when the screen applies the answer of its database job (shown or refused)."""
    answered = asyncio.Event()
    show, failed = screen._show, screen._failed

    def shown(result: Any) -> None:
        show(result)
        answered.set()

    def refused(text: str) -> None:
        failed(text)
        answered.set()

    screen._show, screen._failed = shown, refused
    return answered


async def _until(pilot: Any, done: Any, what: str, app: Any, seconds: float = 30) -> None:
    deadline = time.perf_counter() + seconds
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no {what} within {seconds} s: {_card(app)!r}")
        await pilot.pause(0.02)


async def _pick_by_scans(url: str, picker: dict[str, str], scans: int) -> list[float]:
    from wms_terminal.core.db import Database, make_engine
    from wms_terminal.headless.hints import Hints
    from wms_terminal.picking.flow import Step
    from wms_terminal.tui.app import WmsApp

    db = Database(make_engine(url))
    hints = Hints(db)
    app = WmsApp(db, terminal="bench")
    latencies: list[float] = []
    async with app.run_test(size=HANDHELD) as pilot:
        for entry in (picker["badge"], picker["pin"]):
            for ch in entry:
                await pilot.press(ch)
                await pilot.pause(0.05)
            await pilot.press("enter")
        await _until(pilot, lambda: app.screen.id == "mode-picker", "the picker's screen", app)
        screen: Any = app.screen
        await _until(pilot, lambda: screen.db_runner.idle, "the picker's work", app)
        answered = _on_answer(screen)
        while len(latencies) < scans:
            flow = screen.pick
            if flow.step in (Step.IDLE, Step.DONE):
                await pilot.pause(0.5)  # a person: Enter right after a scan is the scan's own end
                answered.clear()
                await pilot.press("enter")  # the next list
                await _until(pilot, answered.is_set, "answer to Enter", app)
                flow = screen.pick
                if flow.task is None:
                    break  # no more work
                continue
            task = flow.task
            if flow.step is Step.LOCATION:
                code = task.location_barcode
            elif flow.step is Step.ITEM:
                code = hints.product_barcode(task.product_id)
            elif flow.step is Step.QTY:
                code = str(task.remaining)
            elif flow.step is Step.TOTE:
                code = hints.free_tote(flow.pick_list.warehouse_id)
            else:
                raise RuntimeError(f"unexpected step {flow.step}: {_card(app)!r}")
            await _timed_scan(pilot, answered, app, code, latencies)
    db.dispose()
    return latencies


def scan_to_screen(url: str, picker: dict[str, str], scans: int = 300) -> None:
    cpu = time.process_time()
    lat = sorted(x * 1000 for x in asyncio.run(_pick_by_scans(url, picker, scans)))
    cpu_ms = (time.process_time() - cpu) * 1000 / max(len(lat), 1)
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
    verdict = "ok" if p95 <= 50 else "OVER"
    print(
        f"scan -> updated screen, {len(lat)} scans at 40x16 on SQLite: median "
        f"{statistics.median(lat):.1f} ms, p95 {p95:.1f} ms, max {lat[-1]:.1f} ms "
        f"(target p95 50 ms: {verdict}); CPU {cpu_ms:.1f} ms per scan, app and Pilot together, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


def _smaps(pid: int) -> dict[str, float]:
    fields: dict[str, float] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return fields


def picker_session(url: str, picker: dict[str, str], data_dir: str) -> dict[str, float]:
    env = {"WMS_DATABASE_URL": url, "XDG_DATA_HOME": data_dir}
    with PtyApp([CLI, "run"], env=env, size=HANDHELD) as app:
        app.wait_for("Scan your badge")
        sign_in = app.rss_mb()
        time.sleep(0.5)  # a person reaches for the badge; keys typed at once may race the start
        app.type(picker["badge"] + "\r")
        app.wait_for("PIN")
        app.type(picker["pin"] + "\r")
        app.wait_for("h help", timeout=60)  # the picker's screen (its keys line)
        time.sleep(2.0)  # the mode screen's first reads
        assert app.proc is not None
        smaps = _smaps(app.proc.pid)
        return {
            "at sign-in": sign_in,
            "signed in": app.rss_mb(),
            "pss": smaps.get("Pss", 0.0),
            "private": smaps.get("Private_Clean", 0.0) + smaps.get("Private_Dirty", 0.0),
        }


def _report(backend: str, figures: dict[str, float]) -> None:
    verdict = "ok" if figures["signed in"] <= 80 else "OVER"
    print(
        f"{backend:10} RSS at the sign-in screen {figures['at sign-in']:5.1f} MB, signed in "
        f"{figures['signed in']:5.1f} MB (target 80 MB: {verdict}); PSS {figures['pss']:5.1f} MB, "
        f"private {figures['private']:5.1f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--scans", type=int, default=300, help="scans timed (default 300)")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="wms-bench-terminal-")
    url = f"sqlite:///{work}/floor.sqlite3"
    users = prepare(url)
    scan_to_screen(url, users["picker"], args.scans)
    print("resident memory of one picker session (run on a 40x16 pty, signed in):")
    _report("SQLite", picker_session(url, users["picker"], work))
    if args.skip_pg:
        return
    try:
        with psycopg.connect(PG_ADMIN + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {PG_ADMIN}: {str(exc).strip().splitlines()[0]}")
        return
    try:
        pg_url = PG_ADMIN + PG_DB
        _report("PostgreSQL", picker_session(pg_url, prepare(pg_url)["picker"], work))
    finally:
        with psycopg.connect(PG_ADMIN + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
