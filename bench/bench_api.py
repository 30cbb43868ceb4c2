"""API order creation: POST /v1/orders against the real server (`wms-terminal api`, its own
process), on SQLite and PostgreSQL, with one sequential client and with 8 concurrent clients.

Target (issue 11): >= 200 orders/s each, on a 2-core machine. The database is the demo
warehouse (2,000 products, two warehouses, stock; no orders); each order has 1 to 3 lines of
stocked products and is new (201): validated, placed, reserved, audited, exactly as a channel's
order. The server and the clients share the machine's two cores.

    .venv/bin/python bench/bench_api.py [--orders N] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))

from _setup import scratch_postgres, scratch_sqlite
from wms_terminal.core import users
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.demo import build_demo

TARGET = 200.0  # orders per second
CLIENTS = 8


def prepare(db: Database) -> tuple[str, list[str]]:
    """The demo warehouse without orders; an integration key; SKUs with free stock."""
    build_demo(db, orders=0, seed=11)
    new = users.add_account(
        db,
        SYSTEM,
        name="bench-shop",
        role="supervisor",
        permissions=["import_orders"],
        rate_limit=100_000,
    )
    with db.reading() as s:
        skus = list(
            s.execute(
                text(
                    "SELECT p.sku FROM product p JOIN stock st ON st.product_id = p.id "
                    "GROUP BY p.sku HAVING SUM(st.on_hand - st.reserved) > 50 ORDER BY p.sku"
                )
            ).scalars()
        )
    return new.secret, skus


def order(n: int, rng: random.Random, skus: list[str]) -> dict[str, object]:
    return {
        "channel": "web",
        "external_id": f"BENCH-{n:07d}",
        "currency": "EUR",
        "customer": {"name": f"Customer {n}", "email": f"c{n % 5000}@example.com"},
        "ship_to": {"name": f"Customer {n}", "city": "Utrecht", "country": "NL"},
        "lines": [
            {"sku": sku, "qty": rng.randint(1, 2), "unit_price": "9.95"}
            for sku in rng.sample(skus, rng.randint(1, 3))
        ],
    }


class Server:
    """`wms-terminal api` on a free port, as an operator starts it."""

    def __init__(self, url: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        src = str(Path(__file__).parents[1] / "src")
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        cmd = [sys.executable, "-m", "wms_terminal", "api", "--port", str(self.port)]
        self.proc = subprocess.Popen([*cmd, "--database", url, "--no-access-log"], env=env)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.base}/openapi.json", timeout=2)
                return
            except httpx.TransportError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the API server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run(
    base: str, key: str, docs: list[dict[str, object]], clients: int
) -> tuple[float, list[float]]:
    """Send `docs` with `clients` concurrent clients; (orders/s, latencies in ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def client(part: list[dict[str, object]]) -> None:
        mine: list[float] = []
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=auth, timeout=60) as c:
            for doc in part:
                t = time.perf_counter()
                r = c.post("/v1/orders", json=doc)
                mine.append((time.perf_counter() - t) * 1000)
                if r.status_code != 201:
                    failures.append(f"{r.status_code} {r.text[:200]}")
        with lock:
            latencies.extend(mine)

    parts = [docs[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(p,)) for p in parts]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} order(s) not created, e.g. {failures[0]}")
    return len(docs) / elapsed, latencies


def bench(name: str, db: Database, orders: int) -> list[bool]:
    key, skus = prepare(db)
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    server = Server(url)
    rng = random.Random(5)
    ok = []
    try:
        warm = [order(900_000 + n, rng, skus) for n in range(50)]
        run(server.base, key, warm, 1)  # connections, caches, the first plans
        n = 0
        for clients in (1, CLIENTS):
            docs = [order(n + i, rng, skus) for i in range(orders)]
            n += orders
            rate, lat = run(server.base, key, docs, clients)
            q = statistics.quantiles(lat, n=100)
            passed = rate >= TARGET
            ok.append(passed)
            print(
                f"{name:10s} {clients} client(s): {orders} orders in {orders / rate:5.2f} s = "
                f"{rate:6.1f} orders/s (target >= {TARGET:.0f}: {'ok' if passed else 'MISSED'}); "
                f"latency p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms",
                flush=True,
            )
    finally:
        server.stop()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders per run (1000)")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = bench("SQLite", scratch_sqlite("bench_api"), args.orders)
    if not args.sqlite_only:
        pg = scratch_postgres("bench_api")
        if pg is not None:
            results += bench("PostgreSQL", pg, args.orders)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
