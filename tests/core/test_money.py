"""Money is exact on both backends: rates with 8 decimals, amounts per currency's minor unit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests import factories as f
from wms_terminal.core import migrate
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    CurrencyRate,
    Customer,
    OrderLine,
    Product,
    SalesOrder,
)
from wms_terminal.core.money import minor_units, round_money
from wms_terminal.core.order_files import ImportFileError, LineInput, parse_json


def test_minor_units_come_from_iso_4217_data() -> None:
    assert [minor_units(c) for c in ("EUR", "JPY", "KWD", "BHD", "GBP")] == [2, 0, 3, 3, 2]
    assert round_money(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert round_money(Decimal("149.5"), "JPY") == Decimal("150")


@pytest.fixture
def stocked(db: Database) -> Database:
    with db.transaction() as s:
        f.reference_data(s)
        s.add(CurrencyRate(currency="JPY", rate_to_eur=Decimal("0.0062")))
        s.add(CurrencyRate(currency="KWD", rate_to_eur=Decimal("2.98765432")))
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        p1 = f.product(s, 1)
        f.put(s, f.location(s, wh, 1, 1), p1, 100)
    return db


def _priced(ext: str, currency: str, price: str, qty: int = 1, email: str = "") -> object:
    o = f.order(ext, [("SKU-00001", qty)], currency=currency, email=email)
    line = LineInput(sku="SKU-00001", qty=qty, unit_price=Decimal(price))
    return type(o)(**{**o.__dict__, "lines": (line,)})


def test_rates_keep_8_decimals_and_lifetime_value_is_exact(stocked: Database) -> None:
    db = stocked
    with db.reading() as s:
        assert s.get(CurrencyRate, "JPY").rate_to_eur == Decimal("0.0062")  # type: ignore[union-attr]
    # 10 orders of JPY 1,000 from one customer: EUR 62.00, not 100.00 (the 2-decimal rate 0.01).
    orders = [_priced(f"J{i}", "JPY", "1000", email="kenji@example.jp") for i in range(10)]
    import_orders(db, orders, actor=SYSTEM)  # type: ignore[arg-type]
    with db.reading() as s:
        customer = s.exec(select(Customer).where(Customer.email == "kenji@example.jp")).one()
        assert customer.lifetime_value_eur == Decimal("62.00")
        assert customer.order_count == 10


def test_three_decimal_currency_is_stored_exactly(stocked: Database) -> None:
    db = stocked
    import_orders(db, [_priced("K1", "KWD", "1.235", qty=3)], actor=SYSTEM)  # type: ignore[list-item]
    with db.reading() as s:
        order = s.exec(select(SalesOrder).where(SalesOrder.external_id == "K1")).one()
        assert (str(order.total), order.currency) == ("3.705", "KWD")
        line = s.exec(select(OrderLine)).one()
        assert str(line.unit_price) == "1.235"
        # Sums in SQL stay exact too (SQLite adds integers, not floats).
        total = s.exec(select(func.sum(SalesOrder.total))).one()
        assert Decimal(str(total)) == Decimal("3.705")
        customer = s.get(Customer, order.customer_id)
        assert customer is not None
        assert customer.lifetime_value_eur == Decimal("11.07")  # 3.705 x 2.98765432 = 11.0692...


def test_many_small_amounts_add_up_exactly(stocked: Database) -> None:
    db = stocked
    orders = [_priced(f"C{i}", "EUR", "0.10", email="cents@example.com") for i in range(30)]
    import_orders(db, orders, actor=SYSTEM)  # type: ignore[arg-type]
    with db.reading() as s:
        c = s.exec(select(Customer).where(Customer.email == "cents@example.com")).one()
        assert str(c.lifetime_value_eur) == "3.00"
        assert s.exec(select(func.sum(SalesOrder.total))).one() == Decimal("3.00")


def _json(currency: str, price: str, shipping: str = "0") -> str:
    order = {
        "channel": "web",
        "external_id": "X1",
        "currency": currency,
        "customer": {"name": "A"},
        "ship_to": {"name": "A", "country": "NL"},
        "shipping": shipping,
        "lines": [{"sku": "SKU-00001", "qty": 1, "unit_price": price}],
    }
    return json.dumps({"orders": [order]})


def test_amounts_are_checked_against_the_currency_minor_unit() -> None:
    assert parse_json(_json("KWD", "1.235"))[0].lines[0].unit_price == Decimal("1.235")
    assert parse_json(_json("JPY", "1500"))[0].lines[0].unit_price == Decimal("1500")
    with pytest.raises(ImportFileError) as e:
        parse_json(_json("JPY", "1500.5", shipping="0.1"))
    assert [str(p) for p in e.value.problems] == [
        "orders[0]: shipping 0.1 has more decimals than JPY has (0)",
        "orders[0].lines[0]: unit_price 1500.5 has more decimals than JPY has (0)",
    ]
    with pytest.raises(ImportFileError, match=r"has more decimals than EUR has \(2\)"):
        parse_json(_json("EUR", "9.999"))
    with pytest.raises(ImportFileError, match="'ABC' is not an ISO 4217 currency code"):
        parse_json(_json("ABC", "1"))


# -- the migration converts existing data -------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    url: str = request.getfixturevalue("pg_scratch_url")
    return url


OLD_ROWS = [
    "INSERT INTO currency_rate (currency, rate_to_eur) VALUES ('USD', 0.92), ('JPY', 0.01)",
    "INSERT INTO customer (id, name, email, phone, lifetime_value_eur, order_count, created_at)"
    " VALUES (1, 'Ann', 'ann@example.com', '', 1234567.89, 3, '2026-01-01 10:00:00')",
    "INSERT INTO address (id, customer_id, name, street, city, postcode, country)"
    " VALUES (1, 1, 'Ann', '', '', '', 'NL')",
    "INSERT INTO product (id, sku, name, length_mm, width_mm, height_mm, weight_g, reorder_point,"
    " reorder_qty, cost, price, currency, active)"
    " VALUES (1, 'SKU-1', 'P', 1, 1, 1, 1, 0, 0, 1.2345, 19.99, 'EUR', true)",
    "INSERT INTO sales_order (id, number, channel, external_id, customer_id, ship_address_id,"
    " currency, subtotal, shipping, tax, total, status, priority, gift_message, ordered_at)"
    " VALUES (1, 'SO-1', 'web', 'W1', 1, 1, 'USD', 59.97, 4.95, 0.01, 64.93, 'new', 0, '',"
    " '2026-01-01 10:00:00')",
    "INSERT INTO order_line (id, order_id, line_no, product_id, qty, unit_price, qty_reserved,"
    " qty_backordered, qty_picked, qty_packed, qty_shipped)"
    " VALUES (1, 1, 1, 1, 3, 19.99, 0, 0, 0, 0, 0)",
]


def test_migration_converts_existing_money_exactly(old_url: str) -> None:
    engine = make_engine(old_url)
    migrate.upgrade(engine, "0005")
    with engine.begin() as conn:
        for stmt in OLD_ROWS:
            conn.execute(text(stmt))
        # As an old import stored 9999-12-31T23:00-05:00 (SQLite: offset dropped).
        pg = conn.dialect.name == "postgresql"
        conn.execute(
            text("UPDATE sales_order SET ship_by = :v"),
            {"v": "9999-12-31 23:00:00-05" if pg else "9999-12-31 23:00:00.000000"},
        )
    migrate.upgrade(engine)
    db = Database(engine)
    with db.reading() as s:
        rates = {r.currency: r.rate_to_eur for r in s.exec(select(CurrencyRate))}
        assert rates == {"USD": Decimal("0.92"), "JPY": Decimal("0.01")}
        c = s.get(Customer, 1)
        assert c is not None and str(c.lifetime_value_eur) == "1234567.89"
        p = s.get(Product, 1)
        assert p is not None and (str(p.cost), str(p.price)) == ("1.2345", "19.99")
        o = s.get(SalesOrder, 1)
        assert o is not None
        assert [str(v) for v in (o.subtotal, o.shipping, o.tax, o.total)] == [
            "59.97",
            "4.95",
            "0.01",
            "64.93",
        ]
        assert str(s.exec(select(OrderLine.unit_price)).one()) == "19.99"
        # A date Python cannot read is brought to the last one the import accepts.
        assert o.ship_by == datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    # After the upgrade the new precision is there: JPY's real rate fits.
    with db.transaction() as s:
        rate = s.get(CurrencyRate, "JPY")
        assert rate is not None
        rate.rate_to_eur = Decimal("0.0062")
    with db.reading() as s:
        assert s.get(CurrencyRate, "JPY").rate_to_eur == Decimal("0.0062")  # type: ignore[union-attr]
    if db.dialect == "sqlite":
        with db.reading() as s:  # stored as whole numbers of 1/10,000: no binary float
            assert s.execute(text("SELECT typeof(total), total FROM sales_order")).one() == (
                "integer",
                649300,
            )
    db.dispose()
