"""Back-orders take the stock that arrives: VIP and priority first, then the oldest promise; a
cancelled order's stock goes to them in the same transaction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from tests import factories as f
from tests.core.stockyard import ledger_matches_stock
from wms_terminal.core.auth import SYSTEM, Actor
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    AuditEntry,
    OrderLine,
    Reservation,
    SalesOrder,
    Stock,
)
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.stock_in_out import receive

SUPERVISOR = Actor(user_id=None, username="sue", role="supervisor", terminal="t1")
PICKER = Actor(user_id=None, username="pia", role="picker", terminal="t1")
SOON = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def floor(db: Database) -> dict[str, int]:
    """One warehouse; product 1 with 3 units on a pick face, product 2 with none at all."""
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "MAIN", 52.37, 4.90)
        p1, p2 = f.product(s, 1), f.product(s, 2)
        face = f.location(s, wh, 1, 1)
        f.location(s, wh, 1, 2)
        f.put(s, face, p1, 3)
        ids = {"wh": wh.id, "p1": p1.id, "p2": p2.id, "face": face.id}
    return {k: int(v) for k, v in ids.items() if v is not None}


def _state(db: Database, ext: str) -> tuple[str, int, int]:
    with db.reading() as s:
        order = s.exec(select(SalesOrder).where(SalesOrder.external_id == ext)).one()
        reserved, short = s.execute(
            select(func.sum(OrderLine.qty_reserved), func.sum(OrderLine.qty_backordered)).where(
                OrderLine.order_id == order.id
            )
        ).one()
        return order.status, int(reserved), int(short)


def _arrive(db: Database, ids: dict[str, int], product: str, qty: int) -> list[int]:
    def fn(s):  # type: ignore[no-untyped-def]
        receive(s, location_id=ids["face"] + 1, product_id=ids[product], qty=qty, actor=SYSTEM)
        return rereserve(s, warehouse_id=ids["wh"], product_ids=[ids[product]], actor=SYSTEM)

    return db.run(fn)


def test_arriving_stock_serves_vip_then_priority_then_oldest_promise(
    db: Database, floor: dict[str, int]
):
    # Imported oldest first; each wants 2 units of a product with no stock.
    base = f.order("X", [("SKU-00002", 2)])
    orders = [
        dataclasses.replace(base, external_id="NOPROMISE"),
        dataclasses.replace(base, external_id="LATE", ship_by=SOON + timedelta(days=5)),
        dataclasses.replace(base, external_id="EARLY", ship_by=SOON),
        dataclasses.replace(base, external_id="PRIO", priority=5, ship_by=SOON + timedelta(9)),
        dataclasses.replace(base, external_id="VIP", flags=("VIP",)),
    ]
    import_orders(db, orders, actor=SYSTEM)
    assert {_state(db, o.external_id) for o in orders} == {("backordered", 0, 2)}

    served = _arrive(db, floor, "p2", 5)

    with db.reading() as s:
        numbers = {o.id: o.external_id for o in s.exec(select(SalesOrder))}
    assert [numbers[i] for i in served] == ["VIP", "PRIO", "EARLY"]
    assert _state(db, "VIP") == ("reserved", 2, 0)
    assert _state(db, "PRIO") == ("reserved", 2, 0)
    assert _state(db, "EARLY") == ("partially_reserved", 1, 1)
    assert _state(db, "LATE") == ("backordered", 0, 2)
    assert _state(db, "NOPROMISE") == ("backordered", 0, 2)
    ledger_matches_stock(db)

    # The next delivery serves the rest of EARLY, then LATE, then the order with no promise.
    _arrive(db, floor, "p2", 4)
    assert _state(db, "EARLY") == ("reserved", 2, 0)
    assert _state(db, "LATE") == ("reserved", 2, 0)
    assert _state(db, "NOPROMISE") == ("partially_reserved", 1, 1)
    ledger_matches_stock(db)
    with db.reading() as s:
        assert (
            s.exec(select(func.count()).where(col(AuditEntry.action) == "backorder_filled")).one()
            == 6
        )  # EARLY was served twice


def test_nothing_waiting_or_nothing_free_changes_nothing(db: Database, floor: dict[str, int]):
    import_orders(db, [f.order("A", [("SKU-00001", 3)])], actor=SYSTEM)
    # Product 1 has no waiting order; product 2 has no free stock.
    got = db.run(
        lambda s: rereserve(
            s, warehouse_id=floor["wh"], product_ids=[floor["p1"], floor["p2"]], actor=SYSTEM
        )
    )
    assert got == []
    assert _state(db, "A") == ("reserved", 3, 0)


def test_cancelling_an_order_gives_its_stock_to_the_back_orders(
    db: Database, floor: dict[str, int]
):
    import_orders(
        db,
        [
            f.order("HOLDER", [("SKU-00001", 3)]),
            f.order("WAITER", [("SKU-00001", 2)]),
            f.order("SECOND", [("SKU-00001", 2)]),
        ],
        actor=SYSTEM,
    )
    assert _state(db, "WAITER") == ("backordered", 0, 2)
    with db.reading() as s:
        holder = s.exec(select(SalesOrder).where(SalesOrder.external_id == "HOLDER")).one()

    done = cancel_order(db, SUPERVISOR, number=holder.number, reason="customer asked")

    assert done.units_released == 3 and done.status_before == "reserved"
    assert len(done.refilled) == 2
    assert _state(db, "HOLDER") == ("cancelled", 0, 0)
    assert _state(db, "WAITER") == ("reserved", 2, 0)
    assert _state(db, "SECOND") == ("partially_reserved", 1, 1)
    with db.reading() as s:
        stock = s.exec(select(Stock).where(Stock.product_id == floor["p1"])).one()
        assert (stock.on_hand, stock.reserved) == (3, 3)
        assert not s.exec(
            select(Reservation).where(
                Reservation.order_id == holder.id, Reservation.status == "active"
            )
        ).all()
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "order_cancelled")).one()
        assert audit.detail["reason"] == "customer asked"
    ledger_matches_stock(db)


def test_cancel_refusals_change_nothing(db: Database, floor: dict[str, int]):
    import_orders(db, [f.order("A", [("SKU-00001", 3)])], actor=SYSTEM)
    with db.reading() as s:
        number = s.exec(select(SalesOrder.number)).one()
    with pytest.raises(PermissionDenied):
        cancel_order(db, PICKER, number=number, reason="x")
    with pytest.raises(ValidationError, match="reason"):
        cancel_order(db, SUPERVISOR, number=number, reason="  ")
    with pytest.raises(NotFound, match="SO-9999999"):
        cancel_order(db, SUPERVISOR, number="SO-9999999", reason="x")
    assert _state(db, "A") == ("reserved", 3, 0)
    cancel_order(db, SUPERVISOR, number=number, reason="x")
    with pytest.raises(InvalidTransition, match="cancelled"):
        cancel_order(db, SUPERVISOR, number=number, reason="again")
    ledger_matches_stock(db)
