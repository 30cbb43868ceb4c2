"""Invoice numbers never repeat and never skip: 8 writers raising invoices at once (threads,
each with its own connections), some of whose transactions fail after taking a number; on
PostgreSQL (the issue's case) and on SQLite."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from tests import factories as f
from tests.picking.conftest import build_floor
from wms_terminal.core.auth import SYSTEM, Actor
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models._base import utcnow
from wms_terminal.sales.invoices import list_invoices, raise_due, raise_in, raise_invoice

from .conftest import ACME, add_customer

WRITERS, EACH = 8, 5


class Boom(Exception):
    """A failure after the invoice was written: its transaction rolls back."""


def _shipped_orders(db: Database, n: int) -> list[str]:
    """`n` orders of ACME, shipped (set directly: the floor is not what is tested here)."""
    specs = [
        type(o)(**{**o.__dict__, "customer_ref": ACME})
        for o in (f.order(f"B{i:04d}", [("SKU-00001", 1)]) for i in range(n))
    ]
    numbers = import_orders(db, specs, actor=SYSTEM).order_numbers
    with db.transaction() as s:
        s.execute(
            text(
                "UPDATE order_line SET qty_picked = qty, qty_packed = qty, qty_shipped = qty, "
                "qty_reserved = 0, qty_backordered = 0"
            )
        )
        s.execute(text("UPDATE sales_order SET status = 'shipped'"))
    return numbers


def test_numbers_stay_gapless_and_unique_under_8_writers(db: Database, db_url: str) -> None:
    floor = build_floor(db, products=2, stock=100)
    boss = floor.actors["boss"]
    add_customer(db, boss)
    orders = _shipped_orders(db, WRITERS * (EACH + 1))
    today = utcnow().date()
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        mine = Database(make_engine(db_url))
        try:
            start.wait()
            todo = orders[k * (EACH + 1) : (k + 1) * (EACH + 1)]
            for n, number in enumerate(todo):
                if n == 2:  # a failed transaction in the middle of each writer's run
                    try:
                        mine.run(lambda s, o=number: _fail_after(s, boss, o, today))
                    except Boom:
                        continue
                raise_invoice(mine, boss, order=number, today=today)
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            mine.dispose()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    numbers = [v.number for v in list_invoices(db)]
    assert sorted(numbers) == [f"INV-{i:07d}" for i in range(1, WRITERS * EACH + 1)]
    # The failed ones gave their numbers back: the next invoices go on without a gap.
    late = [v.number for v in raise_due(db, boss, today=today)]
    assert late == [f"INV-{i:07d}" for i in range(WRITERS * EACH + 1, WRITERS * (EACH + 1) + 1)]


def _fail_after(s: Session, boss: Actor, order: str, today: date) -> None:
    oid = s.execute(text("SELECT id FROM sales_order WHERE number = :n"), {"n": order}).scalar()
    raise_in(s, boss, int(str(oid)), None, today)
    raise Boom
