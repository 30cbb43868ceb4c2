"""Many terminals at once: 16 processes reserving one scarce product never oversell."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from tests import factories as f
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import OrderLine, Reservation, Stock, StockMove

PROCESSES = 16
ORDERS_EACH = 8
UNITS = 50


def _reserve_worker(url: str, worker: int, start: Any, done: Any) -> None:
    db = Database(make_engine(url))
    orders = [f.order(f"P{worker}-{i}", [("SKU-00001", 1)]) for i in range(ORDERS_EACH)]
    start.wait(timeout=60)
    # One order per call: every order is its own short transaction, all racing for the last units.
    for o in orders:
        import_orders(db, [o], actor=SYSTEM)
    db.dispose()
    done.put(worker)


def test_sixteen_processes_never_reserve_more_than_exists(db: Database, db_url: str) -> None:
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        p = f.product(s, 1)
        # Split over three locations so that the race also covers the re-read path.
        f.put(s, f.location(s, wh, 1, 1), p, 20)
        f.put(s, f.location(s, wh, 1, 2), p, 20)
        f.put(s, f.location(s, wh, 2, 1), p, UNITS - 40)

    ctx = mp.get_context("spawn")
    start, done = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_reserve_worker, args=(db_url, w, start, done)) for w in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(timeout=240)
    assert [proc.exitcode for proc in procs] == [0] * PROCESSES

    with db.reading() as s:
        stock = s.exec(select(Stock)).all()
        reserved_lines = s.exec(select(func.sum(OrderLine.qty_reserved))).one()
        backordered = s.exec(select(func.sum(OrderLine.qty_backordered))).one()
        reservations = s.exec(select(func.sum(Reservation.qty))).one()
        ledger = s.exec(select(func.sum(StockMove.reserved_delta))).one()
    assert sum(st.on_hand for st in stock) == UNITS
    assert all(0 <= st.reserved <= st.on_hand for st in stock)
    # Demand was 16 x 8 = 128 units: exactly the 50 that exist are reserved, the rest back-ordered.
    assert sum(st.reserved for st in stock) == UNITS
    assert reserved_lines == reservations == ledger == UNITS
    assert backordered == PROCESSES * ORDERS_EACH - UNITS
