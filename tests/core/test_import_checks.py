"""`orders import` reports every problem once, where it is, and a bad file imports nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.db import Database
from wms_terminal.core.models import AuditEntry, SalesOrder
from wms_terminal.core.order_files import ImportFileError, parse_csv, parse_json

HEADER = "channel,external_id,currency,customer_name,ship_name,ship_country,sku,qty,unit_price"


@pytest.fixture
def stocked(db: Database, wms_pin: str) -> Database:
    with db.transaction() as s:
        f.two_product_warehouse(s, 1000)
    return db


@pytest.fixture
def badge(stocked: Database) -> list[str]:
    with stocked.transaction() as s:
        return f.cli_user(s, "ida", "manager")


def _orders(db: Database) -> int:
    with db.reading() as s:
        return s.exec(select(func.count()).select_from(SalesOrder)).one()


def _order(ext: str, **extra: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "channel": "web",
        "external_id": ext,
        "currency": "EUR",
        "customer": {"name": "Ann"},
        "ship_to": {"name": "Ann", "country": "NL"},
        "lines": [{"sku": "SKU-00001", "qty": 1, "unit_price": "5.00"}],
    }
    order.update(extra)
    return order


def _import(db_url: str, path: Path, badge: list[str], *extra: str) -> int:
    return main(["orders", "import", str(path), "--database", db_url, *badge, *extra])


# -- surrogates: refused like control characters, in every field --------------------------------

BAD = "Bad\udc80name"


@pytest.mark.parametrize(
    ("change", "where", "field"),
    [
        ({"customer": {"name": BAD}}, "orders[0]", "customer_name"),
        ({"customer": {"name": "A", "email": BAD}}, "orders[0]", "customer_email"),
        ({"ship_to": {"name": BAD}}, "orders[0]", "ship-to name"),
        ({"ship_to": {"name": "A", "city": BAD}}, "orders[0]", "ship-to city"),
        ({"external_id": BAD}, "orders[0]", "external_id"),
        ({"gift_message": BAD}, "orders[0]", "gift_message"),
        ({"flags": [BAD]}, "orders[0]", "flag"),
        ({"carrier_service": BAD}, "orders[0]", "carrier_service"),
        ({"lines": [{"sku": BAD, "qty": 1, "unit_price": "1.00"}]}, "orders[0].lines[0]", "sku"),
    ],
)
def test_an_unpaired_surrogate_is_refused_in_every_text_field(
    change: dict[str, Any], where: str, field: str
) -> None:
    doc = json.dumps({"orders": [_order("A1", **change)]})  # json escapes it as \udc80
    assert "\\udc80" in doc
    with pytest.raises(ImportFileError) as e:
        parse_json(doc)
    assert f"{where}: {field} contains an unpaired surrogate (U+DC80): not valid Unicode" in [
        str(p) for p in e.value.problems
    ]


def test_a_surrogate_in_order_300_imports_nothing(
    stocked: Database, db_url: str, badge: list[str], tmp_path: Path, capsys: Any
) -> None:
    orders = [_order(f"S{i}") for i in range(300)]
    orders[299]["customer"] = {"name": BAD}
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": orders}))
    assert _import(db_url, path, badge) == 2
    err = capsys.readouterr().err
    assert "orders[299]: customer_name contains an unpaired surrogate" in err
    assert "nothing imported" in err and "Traceback" not in err
    assert _orders(stocked) == 0


# -- the right line, one pass, in file order ----------------------------------------------------


def test_unknown_sku_is_reported_at_its_own_line(
    stocked: Database, db_url: str, badge: list[str], tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        f"{HEADER}\n"
        "web,W1,EUR,Ann,Ann,NL,SKU-00001,1,5.00\n"
        "web,W1,EUR,Ann,Ann,NL,SKU-77777,1,5.00\n"
    )
    assert _import(db_url, path, badge) == 2
    assert "line 3: unknown SKU 'SKU-77777'" in capsys.readouterr().err
    doc = {"orders": [_order("J1")]}
    doc["orders"][0]["lines"].append({"sku": "SKU-77777", "qty": 1, "unit_price": "1.00"})
    path = tmp_path / "o.json"
    path.write_text(json.dumps(doc))
    assert _import(db_url, path, badge) == 2
    assert "orders[0].lines[1]: unknown SKU 'SKU-77777'" in capsys.readouterr().err
    assert _orders(stocked) == 0


def test_format_and_reference_problems_come_in_one_pass_in_file_order(
    stocked: Database, db_url: str, badge: list[str], tmp_path: Path, capsys: Any
) -> None:
    rows = [
        "web,W1,EUR,Ann,Ann,NL,SKU-00001,1,5.00",
        "web,W2,EUR,Bob,Bob,NL,SKU-88888,1,5.00",  # line 3: reference
        "web,W3,EUR,Cy,Cy,NL,SKU-00001,two,5.00",  # line 4: format
    ]
    rows += [f"web,W{n},EUR,Di,Di,NL,SKU-00001,1,5.00" for n in range(4, 10)]
    rows.append("web,W10,EUR,Ed,Ed,XX,SKU-99999,1,5.00")  # line 11: both
    path = tmp_path / "o.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    assert _import(db_url, path, badge) == 2
    err = capsys.readouterr().err
    listed = [ln.strip() for ln in err.splitlines() if ln.startswith("  ")]
    assert listed == [
        "line 3: unknown SKU 'SKU-88888'",
        "line 4: qty 'two' is not a whole number",
        "line 11: ship-to country 'XX' is not an ISO 3166 country code",
        "line 11: unknown SKU 'SKU-99999'",
    ]
    assert _orders(stocked) == 0


def test_empty_ship_name_and_unknown_country_are_refused() -> None:
    with pytest.raises(ImportFileError) as e:
        parse_csv(f"{HEADER}\nweb,W1,EUR,Ann,,XX,SKU-1,1,5.00\n")
    assert [str(p) for p in e.value.problems] == [
        "line 2: ship-to name is missing",
        "line 2: ship-to country 'XX' is not an ISO 3166 country code",
    ]
    with pytest.raises(ImportFileError, match=r"orders\[0\]: ship-to name is missing"):
        parse_json(json.dumps({"orders": [_order("A", ship_to={"country": "NL"})]}))
    [ok] = parse_csv(f"{HEADER}\nweb,W1,EUR,Ann,Ann,gb,SKU-1,1,5.00\n")
    assert ok.ship_to.country == "GB"


# -- the format comes from the content; the summary names orders and warehouses --------------


def test_file_type_comes_from_the_content(
    stocked: Database, db_url: str, badge: list[str], tmp_path: Path, capsys: Any
) -> None:
    as_txt = tmp_path / "orders-from-shop.txt"
    as_txt.write_text(json.dumps({"orders": [_order("J1")]}))
    assert _import(db_url, as_txt, badge, "--json") == 0
    assert json.loads(capsys.readouterr().out)["format"] == "json"
    csv_named_json = tmp_path / "export.json"
    csv_named_json.write_text(f"{HEADER}\nweb,C1,EUR,Ann,Ann,NL,SKU-00002,1,5.00\n")
    no_suffix = tmp_path / "export"
    no_suffix.write_text(f"{HEADER}\nweb,C2,EUR,Ann,Ann,NL,SKU-00002,1,5.00\n")
    for path in (csv_named_json, no_suffix):
        assert _import(db_url, path, badge, "--json") == 0
        assert json.loads(capsys.readouterr().out)["format"] == "csv"
    assert _orders(stocked) == 3


def test_summary_names_order_numbers_and_warehouses(
    stocked: Database, db_url: str, badge: list[str], tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"orders": [_order("A1"), _order("A2")]}))
    assert _import(db_url, path, badge, "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    with stocked.reading() as s:
        numbers = sorted(o.number for o in s.exec(select(SalesOrder)))
    assert sorted(summary["order_numbers"]) == numbers
    assert summary["warehouses"] == {"MAIN": summary["order_numbers"]}
    path.write_text(json.dumps({"orders": [_order("A3")]}))
    assert _import(db_url, path, badge) == 0
    out = capsys.readouterr().out
    with stocked.reading() as s:
        third = s.exec(select(SalesOrder).where(SalesOrder.external_id == "A3")).one()
    assert f"MAIN: {third.number}" in out


def test_audit_names_each_written_part(stocked: Database, db_url: str, badge: list[str]) -> None:
    from wms_terminal.core.auth import SYSTEM
    from wms_terminal.core.intake import import_orders

    orders = parse_json(json.dumps({"orders": [_order(f"P{i}") for i in range(5)]}))
    result = import_orders(stocked, orders, actor=SYSTEM, name="parts.json", chunk_size=2)
    assert result.created == 5
    with stocked.reading() as s:
        parts = s.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "orders_import_part")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
    assert [(p.detail["done"], p.detail["of"]) for p in parts] == [(2, 5), (4, 5), (5, 5)]
    assert parts[0].detail["first"] == result.order_numbers[0]
