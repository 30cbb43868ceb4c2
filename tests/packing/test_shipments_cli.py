"""`wms-terminal shipments list --json` (the fixed contract) and `shipments manifest`: the
carrier's closed packages become shipped, the manifest PDF lists them, and each order's track &
trace notice is queued to its customer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import col, select

from tests import factories as f
from tests.picking.helpers import rows, scalar
from wms_terminal.cli import main
from wms_terminal.core.invariants import check
from wms_terminal.core.models import Notification
from wms_terminal.notices.outbox import recipients

from .conftest import Station, pack_tote


def _list(db_url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    assert main(["shipments", "list", "--json", "--database", db_url, *extra]) == 0
    return list(json.loads(capsys.readouterr().out)["packages"])


def test_list_then_manifest_ships_and_queues_the_notices(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, wms_pin: str
):
    fl = station.floor
    first = fl.order([(1, 2), (4, 1)])
    second = fl.order([(2, 1)])
    totes = station.pick_all()
    closed = [pack_tote(station, t) for t in totes]
    carrier = str(closed[0]["carrier"])
    assert all(c["carrier"] == carrier for c in closed)  # the cheapest domestic service

    got = _list(db_url, capsys)
    assert [set(p) for p in got] == [
        {"order", "package", "sscc", "tracking", "carrier", "service", "status", "lines"}
        | {"hold_reason"}
    ] * 2
    by_order = {p["order"]: p for p in got}
    assert by_order[first]["lines"] == [{"sku": fl.sku(1), "qty": 2}, {"sku": fl.sku(4), "qty": 1}]
    assert by_order[second]["lines"] == [{"sku": fl.sku(2), "qty": 1}]
    assert {p["status"] for p in got} == {"closed"}
    assert {p["sscc"] for p in got} == {c["sscc"] for c in closed}
    assert _list(db_url, capsys, "--status", "closed", "--carrier", carrier) == got
    assert _list(db_url, capsys, "--status", "held") == []
    assert _list(db_url, capsys, "--carrier", "NOPE") == []

    with station.db.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
    out = tmp_path / "manifest.pdf"
    args = ["shipments", "manifest", "--carrier", carrier, "--out", str(out), "--json"]
    assert main([*args, "--database", db_url, *badge]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["packages"] == 2 and sorted(report["orders_shipped"]) == sorted([first, second])

    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    for c in closed:
        assert str(c["sscc"]) in text and str(c["tracking"]) in text
    assert "2 package(s)" in text
    assert {p["status"] for p in _list(db_url, capsys)} == {"shipped"}
    assert rows(station.db, "SELECT DISTINCT status FROM sales_order") == [("shipped",)]
    assert scalar(station.db, "SELECT SUM(qty_shipped) FROM order_line") == 4
    with station.db.reading() as s:
        notes = list(s.exec(select(Notification).order_by(col(Notification.id))))
        assert [n.kind for n in notes] == ["track_trace", "track_trace"]
        assert recipients(s, notes[0]) == (f"{'T00001'.lower()}@example.com",)
        assert str(closed[0]["tracking"]) in notes[0].body
        assert "Expected delivery: 20" in notes[0].body

    assert check(station.db) == []

    # Nothing left for the carrier: refused, nothing written.
    out.unlink()
    assert main([*args, "--database", db_url, *badge]) == 2
    assert "no closed package" in capsys.readouterr().err and not out.exists()


def test_manifest_needs_a_badge_and_a_known_carrier(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, wms_pin: str
):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "m.pdf"
    assert main(["shipments", "manifest", "--carrier", "DHL", "--out", str(out),
                 "--database", db_url]) == 6  # fmt: skip
    assert "--badge" in capsys.readouterr().err
    with station.db.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
    code = main(["shipments", "manifest", "--carrier", "NOPE", "--out", str(out),
                 "--database", db_url, *badge])  # fmt: skip
    assert code == 1 and "no carrier NOPE" in capsys.readouterr().err
    assert not list(out.parent.iterdir())  # no manifest, no temporary file left


def test_a_package_handed_over_at_the_dock_ships_alone(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    order = fl.order([(1, 1)])
    (tote,) = station.pick_all()
    closed = pack_tote(station, tote)
    with station.db.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
    args = ["shipments", "handover", "--sscc", str(closed["sscc"]), "--json", "--database", db_url]
    assert main([*args, *badge]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["orders_shipped"] == [order] and report["notices"] == 1
    assert rows(station.db, "SELECT status FROM package") == [("shipped",)]
    assert check(station.db) == []
    # Scanned again: it is already shipped.
    assert main([*args, *badge]) == 2
    assert "is shipped, not closed" in capsys.readouterr().err


def test_one_manifest_per_warehouse(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, wms_pin: str
):
    fl = station.floor
    fl.order([(1, 1)])
    fl.order([(2, 1)])
    closed = [pack_tote(station, t) for t in station.pick_all()]
    carrier = str(closed[0]["carrier"])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
        west = f.warehouse(s, "WEST", 51.9, 4.4)
        # The second package as if packed in the other warehouse.
        s.execute(
            text("UPDATE package SET warehouse_id = :w WHERE sscc = :s"),
            {"w": west.id, "s": closed[1]["sscc"]},
        )
    out = tmp_path / "m.pdf"
    args = ["shipments", "manifest", "--carrier", carrier, "--out", str(out), "--json",
            "--database", db_url, *badge]  # fmt: skip
    assert main(args) == 2
    assert "MAIN, WEST wait" in capsys.readouterr().err and not out.exists()
    assert main([*args, "--warehouse", "MAIN"]) == 0
    assert json.loads(capsys.readouterr().out)["packages"] == 1
    assert [p["status"] for p in _list(db_url, capsys)] == ["shipped", "closed"]


def test_orders_whose_customer_has_no_e_mail_are_named_at_hand_over(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, wms_pin: str
):
    fl = station.floor
    first, second = fl.order([(1, 1)]), fl.order([(2, 1)])
    with station.db.transaction() as s:
        s.execute(text("UPDATE customer SET email = ''"))
        badge = f.cli_user(s, "dock", "packer")
    by_sscc = {str(c["sscc"]): c for c in (pack_tote(station, t) for t in station.pick_all())}
    closed = {
        str(number): by_sscc[str(sscc)]
        for number, sscc in rows(
            station.db,
            "SELECT so.number, p.sscc FROM package p JOIN sales_order so ON so.id = p.order_id",
        )
    }
    args = ["shipments", "handover", "--sscc", str(closed[first]["sscc"]), "--json"]
    assert main([*args, "--database", db_url, *badge]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["no_email"] == [first] and report["notices"] == 0
    out = tmp_path / "manifest.pdf"
    carrier = str(closed[second]["carrier"])
    args = ["shipments", "manifest", "--carrier", carrier, "--out", str(out)]
    assert main([*args, "--database", db_url, *badge]) == 0
    assert f"no e-mail address, no track & trace sent: {second}" in capsys.readouterr().out
    assert (
        rows(station.db, "SELECT status, last_error FROM notification WHERE kind = 'track_trace'")
        == [("no_address", "no e-mail address: the customer has none")] * 2
    )
