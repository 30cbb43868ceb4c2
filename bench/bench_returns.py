"""Returns station benchmark (figures printed; nothing asserted): receive and grade returned
units through `returns.flow.ReturnsFlow`, as the station and `returns --headless` do, on SQLite
and PostgreSQL. Target (issue 10): p95 <= 20 ms per scan over 1,000 units.

Data: the demo builder; its first orders marked shipped (lines shipped whole, a shipment row
each: the packing path is bench_packing's), a return opened for every line of them until the
units are enough; then each return's RMA scanned and each unit scanned and graded (resell,
refurbish, quarantine, scrap in turn). Timed: every scan (the RMA, the unit, the grade: the
grade is the transaction that moves stock, raises the put-away and writes the ledger).

    .venv/bin/python bench/bench_returns.py [--units N] [--skip-pg] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))

from _setup import scratch_postgres, scratch_sqlite
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.models import Shipment
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.returns import Grade
from wms_terminal.demo import build_demo
from wms_terminal.returns.flow import Expect, ReturnsFlow
from wms_terminal.returns.rma import open_return


def _shipped_returns(db: Database, units: int) -> tuple[Actor, list[tuple[str, list[str]]]]:
    """Returns opened for `units` shipped units: (RMA, the unit barcodes) each."""
    build_demo(db, orders=max(60, units // 3), seed=7)
    with db.transaction() as s:
        u = create_user(s, username="bench-returns", name="Ret", role="packer", pin="1234")
        actor = Actor(u.id, u.username, "packer", "RET-1")
        rows = s.execute(
            text(
                "SELECT so.id, so.number, COALESCE(so.warehouse_id, 1), ol.id, p.sku, ol.qty "
                "FROM sales_order so JOIN order_line ol ON ol.order_id = so.id "
                "JOIN product p ON p.id = ol.product_id ORDER BY so.id, ol.line_no"
            )
        ).all()
        codes = dict(
            s.execute(
                text(
                    "SELECT p.sku, MIN(b.barcode) FROM product_barcode b JOIN product p "
                    "ON p.id = b.product_id WHERE b.pack_qty = 1 GROUP BY p.sku"
                )
            ).all()
        )
        picked: dict[int, tuple[str, int, list[tuple[str, int]]]] = {}
        total = 0
        for oid, number, wid, line_id, sku, qty in rows:
            if total >= units and int(oid) not in picked:
                break
            picked.setdefault(int(oid), (str(number), int(wid), []))[2].append((str(sku), qty))
            s.execute(
                text(
                    "UPDATE order_line SET qty_picked = qty, qty_packed = qty, qty_shipped = qty "
                    "WHERE id = :l"
                ),
                {"l": line_id},
            )
            total += int(qty)
        for oid, (_, wid, _) in picked.items():
            s.execute(text("UPDATE sales_order SET status = 'shipped' WHERE id = :o"), {"o": oid})
            s.add(Shipment(warehouse_id=wid, order_id=oid, status="shipped", shipped_at=utcnow()))
    out: list[tuple[str, list[str]]] = []
    for number, _, lines in picked.values():
        rma = open_return(
            db, actor, order=number, lines=lines, reason="changed_mind", resolution="refund"
        ).rma
        out.append((rma, [str(codes[sku]) for sku, q in lines for _ in range(q)]))
    return actor, out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * p) - 1)]


def bench(name: str, db: Database, units: int) -> None:
    t0 = time.perf_counter()
    actor, returns = _shipped_returns(db, units)
    n = sum(len(c) for _, c in returns)
    print(f"  {len(returns)} returns of {n} units opened in {time.perf_counter() - t0:.1f} s")
    flow = ReturnsFlow(db, actor)
    grade_ms: list[float] = []
    all_ms: list[float] = []
    by_grade: dict[str, list[float]] = {g: [] for g in Grade.ALL}
    closing: list[float] = []  # the grade of a return's last unit also closes its receipt
    k = 0
    for rma, codes in returns:
        t = time.perf_counter()
        v = flow.scan(rma)
        all_ms.append((time.perf_counter() - t) * 1000)
        assert v.expect == Expect.PRODUCT, v.error
        for code in codes:
            t = time.perf_counter()
            v = flow.scan(code)
            all_ms.append((time.perf_counter() - t) * 1000)
            assert v.expect == Expect.GRADE, v.error
            t = time.perf_counter()
            v = flow.scan(Grade.ALL[k % 4])
            ms = (time.perf_counter() - t) * 1000
            grade_ms.append(ms)
            all_ms.append(ms)
            (closing if v.expect == Expect.RMA else by_grade[Grade.ALL[k % 4]]).append(ms)
            assert not v.error, v.error
            k += 1
    parts = [(f"  grade {g}", by_grade[g]) for g in Grade.ALL] + [("  closing grade", closing)]
    for label, values in (("grade a unit", grade_ms), *parts, ("every scan", all_ms)):
        if not values:
            continue
        print(
            f"  {name} {label}: n={len(values)} p50={statistics.median(values):.1f} ms "
            f"p95={_pct(values, 0.95):.1f} ms max={max(values):.1f} ms"
        )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=int(os.environ.get("BENCH_RETURN_UNITS", "1000")))
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not args.skip_sqlite:
        bench("SQLite", scratch_sqlite("bench_returns"), args.units)
    if not args.skip_pg:
        db = scratch_postgres("bench_returns")
        if db is not None:
            bench("PostgreSQL", db, args.units)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
