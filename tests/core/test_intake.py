"""Order intake: warehouse choice, reservations, back-orders, idempotency, reorder points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests import factories as f
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    Customer,
    Notification,
    OrderLine,
    PurchaseOrderLine,
    Reservation,
    SalesOrder,
    Stock,
    StockMove,
)
from wms_terminal.core.order_files import ImportFileError


@pytest.fixture
def two_warehouses(db: Database) -> Database:
    """NORTH near Amsterdam, SOUTH near Lyon; product 1 in both, product 2 only in SOUTH."""
    with db.transaction() as s:
        f.reference_data(s)
        north = f.warehouse(s, "NORTH", 52.37, 4.90)
        south = f.warehouse(s, "SOUTH", 45.76, 4.84, country="FR")
        p1, p2 = f.product(s, 1), f.product(s, 2, reorder_point=3, reorder_qty=50)
        f.put(s, f.location(s, north, 1, 1), p1, 10)
        f.put(s, f.location(s, south, 1, 1), p1, 10)
        f.put(s, f.location(s, south, 1, 2), p2, 5)
    return db


def _order(db: Database, ext: str) -> SalesOrder:
    with db.reading() as s:
        return s.exec(select(SalesOrder).where(SalesOrder.external_id == ext)).one()


def _warehouse_code(db: Database, order: SalesOrder) -> str:
    from wms_terminal.core.models import Warehouse

    with db.reading() as s:
        wh = s.get(Warehouse, order.warehouse_id)
        assert wh is not None
        return wh.code


def test_order_goes_to_the_nearest_warehouse_that_ships_it_complete(two_warehouses: Database):
    db = two_warehouses
    near_amsterdam = f.order("A1", [("SKU-00001", 2)], lat=52.1, lon=5.1)
    needs_south_only_stock = f.order("A2", [("SKU-00001", 1), ("SKU-00002", 1)], lat=52.1, lon=5.1)
    import_orders(db, [near_amsterdam, needs_south_only_stock], actor=SYSTEM)

    assert _warehouse_code(db, _order(db, "A1")) == "NORTH"
    # NORTH is nearer but cannot ship product 2: the complete warehouse wins.
    assert _warehouse_code(db, _order(db, "A2")) == "SOUTH"
    assert _order(db, "A2").status == "reserved"


def test_what_no_warehouse_has_is_backordered(two_warehouses: Database):
    db = two_warehouses
    result = import_orders(db, [f.order("B1", [("SKU-00002", 8)])], actor=SYSTEM)
    order = _order(db, "B1")
    assert order.status == "partially_reserved"
    assert result.backordered_lines == 1
    with db.reading() as s:
        line = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
        assert (line.qty_reserved, line.qty_backordered) == (5, 3)
        stock = s.exec(select(Stock).where(Stock.product_id == line.product_id)).one()
        assert stock.reserved == stock.on_hand == 5


def test_reservations_and_ledger_match_stock(two_warehouses: Database):
    db = two_warehouses
    import_orders(db, [f.order(f"C{i}", [("SKU-00001", 3)]) for i in range(5)], actor=SYSTEM)
    with db.reading() as s:
        reserved_rows = s.exec(select(func.sum(Stock.reserved))).one()
        reservations = s.exec(
            select(func.sum(Reservation.qty)).where(Reservation.status == "active")
        ).one()
        ledger = s.exec(
            select(func.sum(StockMove.reserved_delta)).where(StockMove.kind == "reservation")
        ).one()
    # 20 units exist in total: 5 orders of 3 fit, in two warehouses.
    assert reserved_rows == reservations == ledger == 15


def test_importing_the_same_orders_again_creates_nothing(two_warehouses: Database):
    db = two_warehouses
    orders = [f.order("D1", [("SKU-00001", 1)]), f.order("D2", [("SKU-00001", 1)])]
    first = import_orders(db, orders, actor=SYSTEM)
    again = import_orders(db, orders, actor=SYSTEM)
    assert (first.created, again.created, again.already_present) == (2, 0, 2)
    with db.reading() as s:
        assert s.exec(select(func.count()).select_from(SalesOrder)).one() == 2
        assert s.exec(select(func.sum(Stock.reserved))).one() == 2


def test_unknown_sku_rejects_the_whole_batch(two_warehouses: Database):
    db = two_warehouses
    good, bad = f.order("E1", [("SKU-00001", 1)]), f.order("E2", [("NOPE", 1)])
    with pytest.raises(ImportFileError) as err:
        import_orders(db, [good, bad], actor=SYSTEM)
    assert "unknown SKU 'NOPE'" in err.value.message
    with db.reading() as s:
        assert s.exec(select(func.count()).select_from(SalesOrder)).one() == 0
        assert s.exec(select(func.sum(Stock.reserved))).one() == 0


def test_crossing_the_reorder_point_raises_one_purchase_order_and_notifies(
    two_warehouses: Database,
):
    db = two_warehouses
    # Product 2: 5 in SOUTH, reorder point 3. Two orders take it to 3 and then 1.
    result = import_orders(
        db, [f.order("F1", [("SKU-00002", 2)]), f.order("F2", [("SKU-00002", 2)])], actor=SYSTEM
    )
    assert len(result.purchase_orders) == 1
    with db.reading() as s:
        lines = s.exec(select(PurchaseOrderLine)).all()
        assert [(pl.qty, pl.open_key is not None) for pl in lines] == [(50, True)]
        notes = s.exec(select(Notification)).all()
        assert len(notes) == 1 and "SKU-00002" in notes[0].subject


def test_customers_are_matched_and_lifetime_value_in_eur(two_warehouses: Database):
    db = two_warehouses
    a = f.order("G1", [("SKU-00001", 1)], email="same@example.com")
    b = f.order("G2", [("SKU-00001", 2)], email="Same@Example.com", currency="USD")
    import_orders(db, [a, b], actor=SYSTEM)
    with db.reading() as s:
        customers = s.exec(select(Customer)).all()
        assert len(customers) == 1
        # 10.00 EUR + 20.00 USD at 0.92
        assert customers[0].lifetime_value_eur == Decimal("28.40")
        assert customers[0].order_count == 2


def test_a_backordered_product_is_reordered_to_cover_what_is_owed(two_warehouses: Database):
    db = two_warehouses
    with db.transaction() as s:
        f.product(s, 3, reorder_point=5, reorder_qty=20)  # none in stock anywhere
    result = import_orders(db, [f.order("K1", [("SKU-00003", 30)])], actor=SYSTEM)
    assert _order(db, "K1").status == "backordered"
    assert len(result.purchase_orders) == 1
    with db.reading() as s:
        line = s.exec(select(PurchaseOrderLine)).one()
        note = s.exec(select(Notification)).one()
    # 30 owed and nothing free: reorder quantity 20 plus the 30 owed.
    assert line.qty == 50
    assert "30 back-ordered" in note.body
