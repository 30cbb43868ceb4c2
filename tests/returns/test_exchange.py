"""Exchanges on both backends: the replacement order (unique code, linked, flagged special,
priced at zero) raised when the parcel is received, or at once for a VIP order and shipped
before the parcel comes back; asked twice, raised once."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests import factories as f
from tests.packing.conftest import pack_tote
from tests.picking.helpers import rows, scalar
from wms_terminal.cli import main
from wms_terminal.packing.shipments import manifest
from wms_terminal.returns.flow import Expect, ReturnsFlow
from wms_terminal.returns.rma import show_return

from .conftest import Station, ship


def _exchange(db_url: str, badge: list[str], order: str, line: str) -> int:
    args = ["returns", "open", "--order", order, "--line", line, "--reason", "wrong_size"]
    return main([*args, "--exchange", "--json", "--database", db_url, *badge])


def test_the_replacement_is_raised_when_the_parcel_is_received(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    (order,) = ship(station, [(5, 1)])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    assert _exchange(db_url, badge, order, f"{fl.sku(5)}:1") == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["replacement"] is None  # not a VIP: it waits for the parcel
    rma = opened["rma"]

    flow = ReturnsFlow(station.db, station.packer)
    flow.scan(rma)
    flow.scan(fl.gtin(5))
    v = flow.scan("resell")
    assert v.expect == Expect.RMA and "replacement SO-" in v.message, v.message
    got = show_return(station.db, rma)
    assert got["status"] == "completed" and got["credit_note"] is None
    code = "RPL-" + rma.removeprefix("RMA-")
    assert got["replacement"]["code"] == code
    number = got["replacement"]["order"]
    ((total, status, external),) = rows(
        station.db,
        "SELECT so.total, so.status, so.external_id FROM sales_order so WHERE so.number = :n",
        n=number,
    )
    assert (total == 0, status, external) == (True, "reserved", code)
    prices = rows(
        station.db,
        "SELECT ol.unit_price, ol.qty FROM order_line ol JOIN sales_order so "
        "ON so.id = ol.order_id WHERE so.number = :n",
        n=number,
    )
    assert len(prices) == 1 and prices[0][1] == 1 and Decimal(prices[0][0] or 0) == 0
    flags = rows(
        station.db,
        "SELECT f.code FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
        "JOIN sales_order so ON so.id = sf.order_id WHERE so.number = :n",
        n=number,
    )
    assert flags == [("REPLACEMENT",)]
    # Asked again by hand: the same order, none raised twice.
    assert main(["returns", "exchange", rma, "--json", "--database", db_url, *badge]) == 0
    assert json.loads(capsys.readouterr().out)["replacement"]["order"] == number
    assert (
        scalar(station.db, "SELECT COUNT(*) FROM sales_order WHERE external_id = :c", c=code) == 1
    )
    # A refund return cannot be exchanged.
    assert main(["returns", "show", rma, "--database", db_url]) == 0
    assert f"replacement order {number} ({code})" in capsys.readouterr().out


def test_a_vip_gets_the_replacement_shipped_before_the_parcel_comes_back(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    order = fl.order([(6, 1)], flags=("VIP",))
    closed = [pack_tote(station, t) for t in station.pick_all()]
    manifest(station.db, station.packer, carrier=str(closed[0]["carrier"]))
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    assert _exchange(db_url, badge, order, f"{fl.sku(6)}:1") == 0
    opened = json.loads(capsys.readouterr().out)
    number = opened["replacement"]["order"]
    # The replacement is picked, packed and shipped while the return is still open.
    closed = [pack_tote(station, t) for t in station.pick_all()]
    manifest(station.db, station.packer, carrier=str(closed[0]["carrier"]))
    assert scalar(station.db, "SELECT status FROM sales_order WHERE number = :n", n=number) == (
        "shipped"
    )
    assert show_return(station.db, opened["rma"])["status"] == "open"
    flow = ReturnsFlow(station.db, station.packer)
    flow.scan(opened["rma"])
    flow.scan(fl.gtin(6))
    v = flow.scan("quarantine")
    assert v.expect == Expect.RMA and "replacement" not in v.message.split("received")[-1]
    assert show_return(station.db, opened["rma"])["status"] == "completed"
