"""Times are UTC on both backends; dates and numbers at the edge get a message, not a traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from wms_terminal.cli import main
from wms_terminal.core.models import SalesOrder

from .conftest import Floor


@pytest.fixture(autouse=True)
def _pin(wms_pin: str) -> None:
    """The PIN of the floor's users in WMS_PIN, for `orders import --badge`."""


def _write(tmp_path: Path, orders: list[dict[str, object]]) -> str:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": orders}))
    return str(path)


def _order(ext: str, **extra: object) -> dict[str, object]:
    return {
        "channel": "web",
        "external_id": ext,
        "currency": "EUR",
        "customer": {"name": "Ann"},
        "ship_to": {"name": "Ann", "country": "NL", "latitude": 52.0, "longitude": 4.5},
        "lines": [{"sku": "SKU-00001", "qty": 1, "unit_price": "5.00"}],
        **extra,
    }


def _import(floor: Floor, db_url: str, path: str) -> int:
    return main(["orders", "import", path, "--database", db_url, "--badge", floor.badges["boss"]])


def _plan(db_url: str, *extra: str) -> list[str]:
    return ["wave", "plan", "--database", db_url, "--warehouse", "MAIN", "--json", *extra]


def test_offsets_are_kept_as_utc_and_cutoff_selects_alike(
    floor: Floor, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        [
            _order(
                "W1",
                ship_by="2031-03-01T15:00:00+01:00",
                ordered_at="2031-02-27T23:30:00-08:00",
            )
        ],
    )
    assert _import(floor, db_url, path) == 0
    with floor.db.reading() as s:
        order = s.exec(select(SalesOrder).where(SalesOrder.external_id == "W1")).one()
        assert order.ship_by == datetime(2031, 3, 1, 14, 0, tzinfo=UTC)
        assert order.ship_by.utcoffset() is not None  # aware, in UTC
        assert order.ordered_at == datetime(2031, 2, 28, 7, 30, tzinfo=UTC)
    capsys.readouterr()
    # 14:30 UTC is after the 14:00 UTC ship-by (15:00+01:00): the order is in.
    assert main(_plan(db_url, "--cutoff", "2031-03-01T14:30:00Z")) == 0
    assert json.loads(capsys.readouterr().out)["orders"] == 1
    # 14:30+01:00 is 13:30 UTC: before it. (SQLite used to compare the wall times 15:00 > 14:30.)
    main(_plan(db_url, "--cutoff", "2031-03-01T14:30:00+01:00"))
    captured = capsys.readouterr()
    assert "No orders match" in captured.err or json.loads(captured.out)["orders"] == 0


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:00-05:00", "0001-01-01T00:00+01:00", "1899-12-31", "2200-01-01T00:00:00Z"],
)
def test_import_refuses_dates_at_the_edge(
    floor: Floor, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = _write(tmp_path, [_order("OK1"), _order("EDGE", ship_by=value)])
    assert _import(floor, db_url, path) == 2
    err = capsys.readouterr().err
    assert "orders[1]: ship_by" in err and "outside 2000-01-01 to 2099-12-31" in err
    assert "nothing imported" in err and "Traceback" not in err
    with floor.db.reading() as s:
        assert s.exec(select(SalesOrder)).all() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cutoff", "9999-12-31T23:00-05:00"), "cut-off 9999-12-31T23:00:00-05:00 is outside"),
        (("--cutoff", "0001-01-01T00:00+01:00"), "cut-off 0001-01-01T00:00:00+01:00 is outside"),
        (("--cutoff", "9999-12-31"), "is outside 2000-01-01 to 2099-12-31"),
        (("--priority-min", "101"), "minimum priority must be -100 to 100"),
        (("--priority-min", "-101"), "minimum priority must be -100 to 100"),
        (("--max-orders", "1000001"), "order limit must be 1 to 1,000,000"),
        (("--cart-totes", "101"), "--cart-totes must be 1 to 100"),
    ],
)
def test_wave_filters_at_the_edge_are_refused_with_a_message(
    floor: Floor,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, str],
    message: str,
) -> None:
    floor.order([(1, 1)])
    capsys.readouterr()
    assert main(_plan(db_url, *args)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_wave_plan_at_the_latest_accepted_date_works(
    floor: Floor, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [_order("LATE", ship_by="2099-12-31T23:00:00-00:00")])
    assert _import(floor, db_url, path) == 0
    capsys.readouterr()
    assert main(_plan(db_url, "--cutoff", "2099-12-31")) == 0
    assert json.loads(capsys.readouterr().out)["orders"] == 1
