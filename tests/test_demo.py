"""The demo warehouse, checked the way a user would notice it is wrong.

One small demo (400 orders) is built per backend and module; the checks read it. Determinism is
checked against a second build on SQLite, so on PostgreSQL it also proves that both backends get
the same demo from the same seed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from stdnum import ean

from tests.conftest import BACKENDS, create_pg_database, drop_pg_database, worker_name
from wms_terminal.cli import main as cli_main
from wms_terminal.core import auth, migrate
from wms_terminal.core.codes import BADGE_RE, LOCATION_RE, TOTE_RE
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import AuthenticationFailed, ValidationError
from wms_terminal.core.models import CurrencyRate, Warehouse
from wms_terminal.demo import DemoSummary, build_demo
from wms_terminal.picking.layout import Layout

ORDERS = 400
SEED = 11
TODAY = date(2025, 3, 3)


def _rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.reading() as s:
        return list(s.execute(text(sql), params).all())


def _scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.reading() as s:
        return s.execute(text(sql), params).scalar_one()


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, DemoSummary]]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
    else:
        admin = request.getfixturevalue("pg_admin_dsn")
        name = f"wms_demo_{worker_name()}"
        url = create_pg_database(admin, name)
        request.addfinalizer(lambda: drop_pg_database(admin, name))
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
    db = Database(make_engine(url))
    summary = build_demo(db, orders=ORDERS, seed=SEED, today=TODAY)
    yield db, summary
    db.dispose()


def test_two_warehouses_with_addresses_coordinates_and_routing_layout(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, summary = demo
    assert summary.warehouses == 2
    with db.reading() as s:
        warehouses = list(s.exec(select(Warehouse).order_by(Warehouse.code.desc())))  # type: ignore[attr-defined]
    for wh in warehouses:
        assert wh.street and wh.city and wh.postcode and wh.country
        assert -90 <= wh.latitude <= 90 and -180 <= wh.longitude <= 180
        assert set(wh.layout) == {
            "aisles",
            "bays",
            "aisle_pitch_m",
            "bay_width_m",
            "cross_aisles",
            "depot_aisle",
        }
        layout = Layout.from_dict(wh.layout)  # the router accepts it
        assert layout.cross_aisles >= 2 and layout.bays % (layout.cross_aisles - 1) == 0
        aisles, bays, levels, sides = _rows(
            db,
            "SELECT COUNT(DISTINCT aisle), COUNT(DISTINCT bay), COUNT(DISTINCT level), "
            "COUNT(DISTINCT side) FROM location WHERE warehouse_id = :w "
            "AND kind NOT IN ('receiving', 'damaged')",
            w=wh.id,
        )[0]
        assert (aisles, bays) == (layout.aisles, layout.bays)
        assert sides == 2
        count = _scalar(
            db,
            "SELECT COUNT(*) FROM location WHERE warehouse_id = :w "
            "AND kind NOT IN ('receiving', 'damaged')",
            w=wh.id,
        )
        assert count == aisles * bays * levels * 2
        # Each warehouse has one receiving and one damaged location, at the front of the depot
        # aisle.
        docks = _rows(
            db,
            "SELECT kind, aisle, bay, level FROM location WHERE warehouse_id = :w "
            "AND kind IN ('receiving', 'damaged') ORDER BY id",
            w=wh.id,
        )
        assert docks == [
            ("receiving", layout.depot_aisle, 1, 0),
            ("damaged", layout.depot_aisle, 1, 0),
        ]
    main = warehouses[0]
    assert main.layout["aisles"] >= 20 and main.layout["bays"] >= 30
    assert (main.latitude, main.longitude) != (warehouses[1].latitude, warehouses[1].longitude)
    zones = _rows(
        db, "SELECT travel_rank FROM zone WHERE warehouse_id = :w ORDER BY travel_rank", w=main.id
    )
    assert [z[0] for z in zones] == [0, 1, 2]
    levels = _rows(
        db,
        "SELECT level, kind, COUNT(*) FROM location WHERE warehouse_id = :w GROUP BY level, kind",
        w=main.id,
    )
    kinds = {(lv, k) for lv, k, _n in levels}
    assert {lv for lv, _k in kinds} >= {1, 2, 3, 4}
    assert {k for _lv, k in kinds} == {"pick_face", "reserve", "receiving", "damaged"}
    # Pick faces below, reserve above.
    assert max(lv for lv, k in kinds if k == "pick_face") < min(  # receiving is level 0
        lv for lv, k in kinds if k == "reserve"
    )


def test_reference_data(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    assert 3 <= summary.box_types <= 5
    assert summary.carriers == 2
    per_carrier = _rows(db, "SELECT carrier_id, COUNT(*) FROM carrier_service GROUP BY carrier_id")
    assert len(per_carrier) == 2 and all(n >= 2 for _c, n in per_carrier)
    assert all(c is not None for (c,) in _rows(db, "SELECT cutoff FROM carrier_service"))
    # Rate tables: every service prices every zone up to its weight limit.
    zones = _rows(
        db,
        "SELECT s.code, r.zone, MAX(r.max_weight_g), s.max_weight_g FROM carrier_rate r "
        "JOIN carrier_service s ON s.id = r.carrier_service_id GROUP BY s.code, r.zone, "
        "s.max_weight_g",
    )
    assert len(zones) == 3 * sum(n for _c, n in per_carrier)
    # Each carrier has one return service (`returns.rma`: the return tracking numbers).
    returning = _rows(
        db, "SELECT carrier_id, COUNT(*) FROM carrier_service WHERE is_return GROUP BY carrier_id"
    )
    assert sorted(n for _c, n in returning) == [1, 1]
    assert all(top >= limit for _s, _z, top, limit in zones)
    with db.reading() as s:  # through the model: SQLite stores exact scaled integers
        rates = {r.currency: r.rate_to_eur for r in s.exec(select(CurrencyRate))}
    assert set(rates) == {"EUR", "USD", "GBP"} and rates["EUR"] == Decimal("1")
    totes = [c for (c,) in _rows(db, "SELECT code FROM tote")]
    assert len(totes) == summary.totes >= 200 and len(set(totes)) == len(totes)
    assert all(TOTE_RE.match(c) for c in totes)


def test_products_have_valid_unique_gtins_and_plausible_data(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, summary = demo
    assert summary.products >= 2000
    codes = _rows(db, "SELECT barcode, kind, pack_qty, product_id FROM product_barcode")
    assert len({c for c, *_ in codes}) == len(codes)
    gtin13 = [c for c, kind, _q, _p in codes if kind == "gtin13"]
    assert len({p for _c, kind, _q, p in codes if kind == "gtin13"}) == summary.products
    for code, kind, pack_qty, _pid in codes:
        assert code.isdigit() and ean.is_valid(code), code
        assert len(code) == {"gtin13": 13, "gtin14": 14}[kind]
        assert pack_qty == 1 if kind == "gtin13" else pack_qty > 1
    assert len(gtin13) == summary.products
    products = _rows(
        db,
        "SELECT sku, name, weight_g, length_mm, width_mm, height_mm, cost, price, "
        "reorder_point, reorder_qty, supplier_id FROM product",
    )
    assert len({p[0] for p in products}) == len(products)
    assert len({p[1] for p in products}) > 0.95 * len(products)  # names vary
    for sku, name, weight, length, width, height, cost, price, point, qty, supplier in products:
        assert len(name.split()) >= 4, name
        assert weight > 0 and length >= width >= height > 0, sku
        assert 0 < cost < price, sku
        assert point >= 0 and qty > 0 and supplier is not None, sku


def test_location_barcodes_are_valid_unique_and_match_the_location(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, _ = demo
    rows = _rows(
        db,
        "SELECT w.code, l.barcode, l.code, l.aisle, l.bay, l.level, l.side, l.kind, l.capacity, "
        "l.min_qty, l.max_qty FROM location l JOIN warehouse w ON w.id = l.warehouse_id",
    )
    assert len({r[1] for r in rows}) == len(rows)
    for wh, barcode, code, aisle, bay, level, side, kind, capacity, lo, hi in rows:
        m = LOCATION_RE.match(barcode)
        assert m, barcode
        assert (m["wh"], int(m["aisle"]), int(m["bay"]), int(m["level"]), m["side"]) == (
            wh,
            aisle,
            bay,
            level,
            side,
        )
        assert barcode.endswith(code)
        assert capacity > 0
        assert 0 <= lo <= hi
        if kind == "reserve":
            assert hi == 0
    slotted = _scalar(db, "SELECT COUNT(*) FROM location WHERE kind = 'pick_face' AND max_qty > 0")
    assert slotted >= 2000


def test_fast_movers_sit_nearer_the_depot_than_slow_movers(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, _ = demo
    (wid, layout_json) = _rows(db, "SELECT id, layout FROM warehouse WHERE code = 'MAIN'")[0]
    layout = Layout.from_dict(layout_json if isinstance(layout_json, dict) else _json(layout_json))
    faces = {
        pid: (aisle, bay, rank)
        for pid, aisle, bay, rank in _rows(
            db,
            "SELECT s.product_id, l.aisle, l.bay, z.travel_rank FROM stock s "
            "JOIN location l ON l.id = s.location_id JOIN zone z ON z.id = l.zone_id "
            "WHERE l.kind = 'pick_face' AND s.warehouse_id = :w",
            w=wid,
        )
    }
    lines = Counter(
        dict(_rows(db, "SELECT product_id, COUNT(*) FROM order_line GROUP BY product_id"))
    )
    ranked = sorted(faces, key=lambda p: (-lines[p], p))
    fast, slow = ranked[:100], ranked[-500:]

    def walk(pid: int) -> float:
        aisle, bay, _ = faces[pid]
        return (
            abs(aisle - layout.depot_aisle) * layout.aisle_pitch_m
            + (bay - 0.5) * layout.bay_width_m
        )

    assert sum(map(walk, fast)) / len(fast) < 0.6 * sum(map(walk, slow)) / len(slow)
    # Most order lines are for products in the zone nearest the depot.
    per_zone: dict[int, int] = defaultdict(int)
    for pid, n in lines.items():
        if pid in faces:
            per_zone[faces[pid][2]] += n
    assert per_zone[0] > per_zone[1] > per_zone[2]


def _json(value: str) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(value)
    return result


def test_stock_reservations_and_ledger_agree(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    stock = _rows(db, "SELECT location_id, product_id, on_hand, reserved FROM stock")
    assert len(stock) == summary.stock_rows
    assert all(0 <= reserved <= on_hand for _l, _p, on_hand, reserved in stock)
    assert sum(on_hand for _l, _p, on_hand, _r in stock) == summary.units_on_hand
    ledger = {
        (loc, pid): (on_hand, reserved)
        for loc, pid, on_hand, reserved in _rows(
            db,
            "SELECT location_id, product_id, SUM(on_hand_delta), SUM(reserved_delta) "
            "FROM stock_ledger GROUP BY location_id, product_id",
        )
    }
    assert ledger == {(loc, pid): (on_hand, res) for loc, pid, on_hand, res in stock}
    # Both kinds of stock exist: pick faces and reserve.
    kinds = _rows(
        db,
        "SELECT l.kind, SUM(s.on_hand) FROM stock s JOIN location l ON l.id = s.location_id "
        "GROUP BY l.kind",
    )
    assert {k for k, units in kinds if units > 0} == {"pick_face", "reserve"}
    # Every reserved unit belongs to an active reservation of an order line.
    held = dict(
        _rows(
            db,
            "SELECT stock_id, SUM(qty) FROM reservation WHERE status = 'active' GROUP BY stock_id",
        )
    )
    by_id = dict(_rows(db, "SELECT id, reserved FROM stock"))
    assert {k: v for k, v in by_id.items() if v} == held


def test_orders_are_reserved_or_back_ordered(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    assert summary.orders == ORDERS
    lines = _rows(
        db,
        "SELECT ol.id, ol.qty, ol.qty_reserved, ol.qty_backordered, "
        "COALESCE((SELECT SUM(r.qty) FROM reservation r WHERE r.order_line_id = ol.id), 0) "
        "FROM order_line ol",
    )
    assert len(lines) == summary.order_lines
    assert 4 <= len(lines) / ORDERS <= 6  # about five lines per order
    for _id, qty, reserved, back, held in lines:
        assert reserved + back == qty and held == reserved
    statuses = dict(_rows(db, "SELECT status, COUNT(*) FROM sales_order GROUP BY status"))
    assert set(statuses) <= {"reserved", "partially_reserved", "backordered"}
    assert statuses["reserved"] > 0.8 * ORDERS  # most orders can ship
    assert summary.backordered_lines > 0  # scarce products show the back-order path
    assert _scalar(db, "SELECT COUNT(*) FROM purchase_order") == summary.purchase_orders > 0
    assert _scalar(db, "SELECT COUNT(*) FROM notification WHERE kind = 'purchase_order'") > 0
    per_wh = dict(
        _rows(
            db,
            "SELECT w.code, COUNT(*) FROM sales_order o JOIN warehouse w "
            "ON w.id = o.warehouse_id GROUP BY w.code",
        )
    )
    assert set(per_wh) == {"MAIN", "DAV"}  # both warehouses ship


def test_orders_cover_channels_currencies_countries_and_flags(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, _ = demo
    orders = _rows(
        db,
        "SELECT o.channel, o.currency, a.country, a.latitude, o.carrier_service_id, o.ship_by, "
        "o.gift_message, o.id FROM sales_order o JOIN address a ON a.id = o.ship_address_id",
    )
    assert len({o[0] for o in orders}) == 3
    assert {o[1] for o in orders} == {"EUR", "USD", "GBP"}
    assert len({o[2] for o in orders}) >= 5
    assert all(o[3] is not None and o[4] is not None and o[5] is not None for o in orders)
    flags = dict(_rows(db, "SELECT code, wave_priority FROM order_flag"))
    assert set(flags) >= {"GIFT", "VIP", "REPLACEMENT"}
    assert flags["VIP"] == max(flags.values())
    used = dict(
        _rows(
            db,
            "SELECT f.code, COUNT(*) FROM sales_order_flag sf JOIN order_flag f "
            "ON f.id = sf.flag_id GROUP BY f.code",
        )
    )
    assert all(used.get(code, 0) > 0 for code in ("GIFT", "VIP", "REPLACEMENT"))
    gifts = {
        oid
        for (oid,) in _rows(
            db,
            "SELECT sf.order_id FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
            "WHERE f.code = 'GIFT'",
        )
    }
    assert all(bool(o[6]) == (o[7] in gifts) for o in orders)
    # Repeat customers: fewer customers with orders than orders, lifetime value kept.
    buyers = _scalar(db, "SELECT COUNT(*) FROM customer WHERE order_count > 0")
    assert 0 < buyers < ORDERS
    assert _scalar(db, "SELECT SUM(order_count) FROM customer") == ORDERS


def _login(session: Session, *, badge: str, pin: str) -> auth.Actor:
    return auth.login(session, badge=badge, pin=pin)


def test_each_role_logs_in_with_the_printed_badge_and_pin(
    demo: tuple[Database, DemoSummary],
) -> None:
    db, summary = demo
    assert sorted(role for role, *_ in summary.users) == sorted(
        ["picker", "packer", "supervisor", "manager"]
    )
    for role, username, _name, badge, pin in summary.users:
        assert BADGE_RE.match(badge) and pin.isdigit()
        actor = db.run(partial(_login, badge=badge, pin=pin))
        assert (actor.role, actor.username) == (role, username)
    role, _u, _n, badge, pin = summary.users[0]
    wrong = "0000" if pin != "0000" else "1111"
    with pytest.raises(AuthenticationFailed):
        db.run(partial(_login, badge=badge, pin=wrong))


def _plain(rows: list[Any]) -> list[tuple[Any, ...]]:
    """Rows with money as text: SQLite hands back floats where PostgreSQL hands back Decimals."""
    return [
        tuple(f"{Decimal(str(v)):.2f}" if isinstance(v, int | float | Decimal) else v for v in row)
        for row in rows
    ]


def _snapshot(db: Database) -> dict[str, list[Any]]:
    def m(column: str) -> str:  # money as stored: SQLite keeps exact 1/10,000 units
        return column if db.dialect == "postgresql" else f"({column} / 10000.0)"

    snap = {
        "products": _rows(
            db,
            f"SELECT p.sku, p.name, p.weight_g, {m('p.price')}, p.reorder_point, b.barcode "
            "FROM product p JOIN product_barcode b ON b.product_id = p.id "
            "ORDER BY p.sku, b.barcode",
        ),
        "stock": _rows(
            db,
            "SELECT w.code, l.code, p.sku, s.on_hand, s.reserved FROM stock s "
            "JOIN location l ON l.id = s.location_id JOIN warehouse w ON w.id = s.warehouse_id "
            "JOIN product p ON p.id = s.product_id ORDER BY w.code, l.code, p.sku",
        ),
        "orders": _rows(
            db,
            f"SELECT o.number, o.channel, o.external_id, o.currency, {m('o.total')}, o.status, "
            "o.priority, o.gift_message, w.code, c.external_ref, a.city "
            "FROM sales_order o JOIN warehouse w ON w.id = o.warehouse_id "
            "JOIN customer c ON c.id = o.customer_id JOIN address a ON a.id = o.ship_address_id "
            "ORDER BY o.number",
        ),
        "lines": _rows(
            db,
            f"SELECT o.number, ol.line_no, p.sku, ol.qty, {m('ol.unit_price')}, ol.qty_reserved "
            "FROM order_line ol JOIN sales_order o ON o.id = ol.order_id "
            "JOIN product p ON p.id = ol.product_id ORDER BY o.number, ol.line_no",
        ),
        "history": _rows(
            db,
            "SELECT w.code, p.sku, CAST(h.day AS TEXT), h.qty FROM demand_history h "
            "JOIN warehouse w ON w.id = h.warehouse_id JOIN product p ON p.id = h.product_id "
            "ORDER BY w.code, p.sku, h.day",
        ),
    }
    return {part: _plain(rows) for part, rows in snap.items()}


def test_demand_history_leads_up_to_the_open_orders_and_the_forecast_beats_a_naive_one(
    demo: tuple[Database, DemoSummary],
) -> None:
    from wms_terminal.forecast.backtest import backtest
    from wms_terminal.forecast.history import read_history

    db, _ = demo
    ((first, last, days),) = _rows(
        db,
        "SELECT CAST(MIN(day) AS TEXT), CAST(MAX(day) AS TEXT), COUNT(DISTINCT day) "
        "FROM demand_history",
    )
    # 70 days, up to the day before the first of the open orders (placed over 3 days).
    assert (first, last, days) == ("2024-12-20", "2025-02-27", 70)
    with db.reading() as s:
        history = read_history(s, end=TODAY)
    assert history.units.shape == (2 * 2000, 56)
    # The open orders' days continue the history: every one of the last 3 days has demand.
    assert (history.units[:, -3:].sum(axis=0) > 0).all()
    overall = backtest(history).scores[0]
    assert overall.mase is not None and overall.naive_mase is not None
    assert overall.wape is not None and overall.naive_wape is not None
    assert overall.mase < overall.naive_mase and overall.wape < overall.naive_wape


def test_same_seed_builds_the_same_demo(
    demo: tuple[Database, DemoSummary], sqlite_template: Path, tmp_path: Path
) -> None:
    db, summary = demo
    path = tmp_path / "again.sqlite3"
    shutil.copy(sqlite_template, path)
    again = Database(make_engine(f"sqlite:///{path}"))
    try:
        second = build_demo(again, orders=ORDERS, seed=SEED, today=TODAY)
        assert second.users == summary.users
        first_snap, second_snap = _snapshot(db), _snapshot(again)
        for part in first_snap:
            assert first_snap[part] == second_snap[part], part
    finally:
        again.dispose()


def test_another_seed_builds_another_catalogue(tmp_path: Path, sqlite_template: Path) -> None:
    from wms_terminal.demo import catalog
    from wms_terminal.demo.build import _stream

    a = catalog.products(_stream(1, "catalog"))
    b = catalog.products(_stream(2, "catalog"))
    assert [p.name for p in a] != [p.name for p in b]
    assert [p.name for p in a] == [p.name for p in catalog.products(_stream(1, "catalog"))]


def test_refuses_a_database_that_already_has_a_warehouse(db: Database) -> None:
    db.run(lambda s: s.add(Warehouse(code="X1", name="Existing", latitude=52.0, longitude=5.0)))
    with pytest.raises(ValidationError, match="already holds warehouses"):
        build_demo(db, orders=10)
    assert _scalar(db, "SELECT COUNT(*) FROM product") == 0
    assert _scalar(db, "SELECT COUNT(*) FROM warehouse") == 1


def test_command_migrates_builds_prints_users_and_refuses_a_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"  # no file yet: made with --create, migrated
    args = ["demo", "--orders", "50", "--seed", "3", "--database", url, "-q"]
    assert cli_main(args) == 2
    assert f"no database at {tmp_path / 'fresh.sqlite3'}" in capsys.readouterr().err
    assert not (tmp_path / "fresh.sqlite3").exists()
    assert cli_main([*args, "--create"]) == 0
    out = capsys.readouterr().out
    assert "open orders" in out and "50" in out
    for role in ("picker", "packer", "supervisor", "manager"):
        assert role in out
    badges = BADGE_RE.pattern.strip("^$")
    import re

    assert len(re.findall(badges, out)) == 4
    assert cli_main(["demo", "--database", url, "-q"]) == 2
    err = capsys.readouterr().err
    assert "already holds" in err and "Traceback" not in err


@pytest.mark.slow
def test_demo_command_builds_5000_orders_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo5000.sqlite3'}"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "wms_terminal", "demo", "--orders", "5000"),
            *("--database", url, "--create"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    db = Database(make_engine(url))
    try:
        assert _scalar(db, "SELECT COUNT(*) FROM sales_order") == 5000
        assert _scalar(db, "SELECT COUNT(*) FROM product") >= 2000
        bad = _scalar(db, "SELECT COUNT(*) FROM stock WHERE reserved > on_hand OR on_hand < 0")
        assert bad == 0
    finally:
        db.dispose()
    for role in ("picker", "packer", "supervisor", "manager"):
        assert role in done.stdout


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo_json_names_the_database_and_the_users(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'new' / 'demo.sqlite3'}"
    else:  # the libpq form, as a user types it: printed back as given
        url = request.getfixturevalue("pg_scratch_url").replace("postgresql+psycopg", "postgresql")
    assert cli_main(["demo", "--orders", "5", "--database", url, "--create", "--json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"database", "users"} and doc["database"] == url
    assert {u["role"] for u in doc["users"]} == {"picker", "packer", "supervisor", "manager"}
    assert all(set(u) == {"role", "name", "badge", "pin"} for u in doc["users"])
    db = Database(make_engine(url))
    try:
        for u in doc["users"]:
            assert auth.authenticate(db, badge=u["badge"], pin=u["pin"]).role == u["role"]
    finally:
        db.dispose()


def test_the_demo_command_leaves_a_wave_ready_in_each_warehouse_as_the_readme_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run`'s demo: a picker's first Enter must find a list, in either warehouse."""
    from wms_terminal.demo import DEMO_WAVE_ORDERS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"a wave of {DEMO_WAVE_ORDERS} is released in each warehouse" in " ".join(readme.split())
    url = f"sqlite:///{tmp_path / 'ready.sqlite3'}"
    args = ["demo", "--orders", "80", "--seed", "3", "--database", url, "--create", "-q"]
    assert cli_main(args) == 0
    out = capsys.readouterr().out
    db = Database(make_engine(url))
    try:
        waves = _rows(
            db,
            "SELECT w.code, COUNT(DISTINCT pl.id), COUNT(DISTINCT pt.order_id) FROM warehouse w "
            "JOIN pick_list pl ON pl.warehouse_id = w.id AND pl.status = 'open' "
            "JOIN pick_task pt ON pt.pick_list_id = pl.id GROUP BY w.code ORDER BY w.code",
        )
        codes = [c for (c,) in _rows(db, "SELECT code FROM warehouse ORDER BY code")]
        assert [w[0] for w in waves] == codes and len(codes) == 2
        assert all(lists > 0 and 0 < orders <= DEMO_WAVE_ORDERS for _c, lists, orders in waves)
        assert f"pick lists released {sum(w[1] for w in waves)}" in " ".join(out.split())
    finally:
        db.dispose()
    plain = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    args = ["demo", "--orders", "20", "--wave", "0", "--database", plain, "--create", "-q"]
    assert cli_main(args) == 0
    capsys.readouterr()
    db = Database(make_engine(plain))
    try:
        assert _scalar(db, "SELECT COUNT(*) FROM pick_list") == 0
    finally:
        db.dispose()
