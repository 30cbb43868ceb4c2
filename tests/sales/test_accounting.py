"""The accounting journal of a day on both backends: invoices, credit notes, shipping costs and
stock value changes, each in the transaction currency and in EUR with the rate used; a day
that has ended is posted on its first export and re-exports byte for byte, even after a cost or
a rate changed; the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.errors import PermissionDenied
from wms_terminal.core.models import CurrencyRate, JournalDay, Product
from wms_terminal.core.models._base import utcnow
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return
from wms_terminal.sales.accounting import as_csv, as_json, export_journal
from wms_terminal.sales.invoices import raise_due
from wms_terminal.sales.quotes import LineSpec, accept_quote, create_quote, send_quote

from .conftest import ACME, Desk, ship_all


def _manager(desk: Desk) -> tuple[Actor, str]:
    with desk.db.transaction() as s:
        u = create_user(s, username="mona", name="Mona", role="manager", pin=f.CLI_PIN)
        assert u.id is not None
        return Actor(u.id, "mona", "manager", terminal="T-mona"), u.badge_code


def _day_of_business(desk: Desk) -> str:
    """An EUR order and a USD order shipped and invoiced; one EUR unit returned and refunded."""
    fl = desk.station.floor
    eur = desk.order([(1, 2)])
    usd = create_quote(
        desk.db,
        desk.boss,
        customer=ACME,
        currency="USD",
        valid_until=utcnow().date() + timedelta(days=5),
        lines=[LineSpec(fl.sku(2), 3, Decimal("19.99"))],
    ).number
    send_quote(desk.db, desk.boss, usd)
    accept_quote(desk.db, desk.boss, usd)
    ship_all(desk)
    raise_due(desk.db, desk.boss)
    rma = open_return(
        desk.db, desk.station.packer, order=eur, lines=[(fl.sku(1), 1)], reason="damaged",
        resolution="refund",
    ).rma  # fmt: skip
    flow = ReturnsFlow(desk.db, desk.station.packer)
    for scan in (rma, fl.gtin(1), "resell"):
        assert not flow.scan(scan).error
    return issue_refund(desk.db, desk.station.packer, rma).credit_note


def test_journal_books_each_kind_in_both_currencies_and_posts_a_closed_day(desk: Desk) -> None:
    manager, _ = _manager(desk)
    note = _day_of_business(desk)
    day = utcnow().date()  # the journal's days are UTC days
    live = export_journal(desk.db, manager, day, today=day)
    assert not live.final
    kinds = [e["kind"] for e in live.entries]
    assert kinds == sorted(
        kinds, key=("invoice", "credit_note", "shipping_cost", "stock_value").index
    )
    [eur, usd] = [e for e in live.entries if e["kind"] == "invoice"]
    assert (eur["currency"], eur["amount"], eur["rate"], eur["booking_amount"]) == (
        "EUR", "20.00", "1", "20.00",
    )  # fmt: skip
    # 3 x 19.99 = 59.97 USD at 0.92 = 55.1724 -> 55.17 EUR
    assert (usd["currency"], usd["amount"], usd["rate"], usd["booking_amount"]) == (
        "USD", "59.97", "0.92", "55.17",
    )  # fmt: skip
    [cn] = [e for e in live.entries if e["kind"] == "credit_note"]
    assert (cn["document"], cn["reference"], cn["amount"]) == (note, eur["document"], "-10.00")
    ships = [e for e in live.entries if e["kind"] == "shipping_cost"]
    assert len(ships) == 2 and all(Decimal(e["amount"]) <= 0 and e["party"] for e in ships)
    receipts = [
        e for e in live.entries if e["kind"] == "stock_value" and e["reference"] == "receipt"
    ]
    # Product 1 came in as 50 + 20 + 100 units at a cost of 2.50.
    assert any(e["document"] == "MAIN/SKU-00001" and e["amount"] == "425.00" for e in receipts)
    assert [e["seq"] for e in live.entries] == [str(n) for n in range(1, len(live.entries) + 1)]

    # The day ends: the first export posts it; later ones print it again, whatever changed.
    first = export_journal(desk.db, manager, day, today=day + timedelta(days=1))
    assert first.final and first.entries == live.entries
    files = (as_csv(first), as_json(first))
    with desk.db.transaction() as s:
        s.get(CurrencyRate, "USD").rate_to_eur = Decimal("0.5")  # type: ignore[union-attr]
        for p in s.exec(select(Product).where(col(Product.sku) == "SKU-00001")):
            p.cost = Decimal("99")
            s.add(p)
    again = export_journal(desk.db, manager, day, today=day + timedelta(days=3))
    assert (as_csv(again), as_json(again)) == files
    doc = json.loads(files[1])
    assert doc["final"] is True and doc["booking_currency"] == "EUR"
    assert doc["totals"]["invoice"] == "75.17" and doc["totals"]["credit_note"] == "-10.00"
    assert files[0].decode().splitlines()[0].startswith("day,seq,kind,document,reference")

    # docs/accounting.md shows this layout: the same keys, in the same order.
    text = (Path(__file__).parents[2] / "docs" / "accounting.md").read_text()
    shown = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    assert list(shown) == list(doc) and list(shown["entries"][0]) == list(doc["entries"][0])
    assert list(shown["totals"]) == list(doc["totals"])

    with pytest.raises(PermissionDenied):
        export_journal(desk.db, desk.boss, day)  # a supervisor keeps no books


def test_command_line_export_twice_is_byte_identical(
    desk: Desk, db_url: str, wms_pin: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, badge = _manager(desk)
    desk.order([(3, 1)])
    ship_all(desk)
    raise_due(desk.db, desk.boss)
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    today = utcnow().date().isoformat()
    for day in (today, yesterday):
        for fmt in ("csv", "json"):
            outs = []
            for n in (1, 2):
                out = tmp_path / f"{day}-{n}.{fmt}"
                argv = ["accounting", "export", "--day", day, "--format", fmt, "--out", str(out),
                        "--database", db_url, "--badge", badge]  # fmt: skip
                assert main(argv) == 0, capsys.readouterr().err
                outs.append(out.read_bytes())
            assert outs[0] == outs[1]
    assert b"INV-0000001" in (tmp_path / f"{today}-1.csv").read_bytes()
    assert json.loads((tmp_path / f"{yesterday}-1.json").read_bytes())["entries"] == []
    capsys.readouterr()
    bad = ["accounting", "export", "--day", today, "--format", "csv", "--out",
           str(tmp_path / "x.json"), "--database", db_url, "--badge", badge]  # fmt: skip
    assert main(bad) == 2 and ".csv" in capsys.readouterr().err
    # Year 1 is a typing error: refused, and no journal day is posted for it.
    year_one = ["accounting", "export", "--day", "0001-01-01", "--format", "csv", "--out",
                str(tmp_path / "y.csv"), "--database", db_url, "--badge", badge]  # fmt: skip
    assert main(year_one) == 2 and "outside 2000-01-01" in capsys.readouterr().err
    with desk.db.reading() as s:
        assert s.get(JournalDay, date(1, 1, 1)) is None
