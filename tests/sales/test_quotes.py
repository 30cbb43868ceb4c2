"""Quotes on both backends: amounts with line and total discounts, the status walk (draft ->
sent -> accepted / declined / expired, revised back to draft), acceptance through the order
intake (one order, stock reserved), the PDF and the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from wms_terminal.cli import main
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import Customer, OrderLine, SalesOrder
from wms_terminal.core.models._base import utcnow
from wms_terminal.sales.quote_docs import render_quote
from wms_terminal.sales.quotes import (
    LineSpec,
    accept_quote,
    create_quote,
    decline_quote,
    list_quotes,
    revise_quote,
    send_quote,
    show_quote,
)

from .conftest import ACME, Desk


def test_amounts_round_per_line_then_on_the_total(desk: Desk) -> None:
    sku = desk.station.floor.sku
    v = create_quote(
        desk.db,
        desk.boss,
        customer=ACME,
        currency="EUR",
        valid_until=utcnow().date() + timedelta(days=10),
        lines=[
            LineSpec(sku(1), 3, Decimal("9.99"), Decimal("12.5")),  # 8.74125 -> 8.74
            LineSpec(sku(2), 2),  # list price 9.99
        ],
        discount_percent=Decimal("5"),
        shipping=Decimal("7.50"),
        tax_percent=Decimal("21"),
    )
    assert v.status == "draft" and v.number == "Q-0000001"
    assert [ln.unit_price for ln in v.lines] == [Decimal("8.74"), Decimal("9.99")]
    assert v.subtotal == Decimal("46.20")  # 26.22 + 19.98
    assert v.discount == Decimal("2.31")
    assert v.tax == Decimal("10.79")  # (46.20 - 2.31 + 7.50) x 21% = 10.7919
    assert v.total == Decimal("62.18")


def test_every_bad_line_is_reported_and_nothing_is_written(desk: Desk) -> None:
    with pytest.raises(ValidationError) as err:
        create_quote(
            desk.db,
            desk.boss,
            customer=ACME,
            currency="EUR",
            valid_until=utcnow().date() + timedelta(days=1),
            lines=[
                LineSpec("NOPE", 1, Decimal("1")),
                LineSpec(desk.station.floor.sku(1), 1, Decimal("1.234")),
                LineSpec(desk.station.floor.sku(2), 1, Decimal("1"), Decimal("120")),
            ],
        )
    assert "3 problem(s)" in err.value.message
    assert "unknown SKU" in err.value.message and "1.234" in err.value.message
    assert list_quotes(desk.db) == []
    with pytest.raises(NotFound, match="no business customer"):
        desk.quote([(1, 1)], customer="NOBODY")


def test_huge_quantities_and_prices_are_refused_not_a_crash(desk: Desk) -> None:
    # The order intake's bounds (qty 1 to 100000, amounts to 1000000.00): past them the quote
    # could not become an order, and the database could not hold its amounts.
    sku = desk.station.floor.sku(1)
    with pytest.raises(ValidationError) as err:
        create_quote(
            desk.db,
            desk.boss,
            customer=ACME,
            currency="EUR",
            valid_until=utcnow().date() + timedelta(days=1),
            lines=[
                LineSpec(sku, 99999999999999999999, Decimal("1")),
                LineSpec(sku, 1, Decimal("1e30")),
            ],
        )
    assert "quantity must be 1 to 100000" in err.value.message
    assert "price 1E+30 is more than 1000000.00" in err.value.message
    with pytest.raises(ValidationError, match=r"shipping 1E\+30 is more than 1000000.00"):
        desk_quote = [LineSpec(sku, 1, Decimal("1"))]
        create_quote(
            desk.db,
            desk.boss,
            customer=ACME,
            currency="EUR",
            valid_until=utcnow().date() + timedelta(days=1),
            lines=desk_quote,
            shipping=Decimal("1e30"),
        )
    with pytest.raises(ValidationError, match=r"valid until 9999-12-31.* is outside 2000-01-01"):
        create_quote(
            desk.db,
            desk.boss,
            customer=ACME,
            currency="EUR",
            valid_until=date(9999, 12, 31),
            lines=[LineSpec(sku, 1, Decimal("1"))],
        )
    with pytest.raises(ValidationError, match="the note contains control characters"):
        create_quote(
            desk.db,
            desk.boss,
            customer=ACME,
            currency="EUR",
            valid_until=utcnow().date() + timedelta(days=1),
            lines=[LineSpec(sku, 1, Decimal("1"))],
            note="\x1b[31mred\x1b[0m",
        )
    assert list_quotes(desk.db) == []


def test_accepted_quote_becomes_one_order_through_the_intake(desk: Desk) -> None:
    number = desk.quote([(1, 4), (3, 2)])
    with pytest.raises(InvalidTransition, match="draft"):
        accept_quote(desk.db, desk.boss, number)  # not sent yet
    send_quote(desk.db, desk.boss, number)
    v = accept_quote(desk.db, desk.boss, number)
    assert v.status == "accepted" and v.order
    with desk.db.reading() as s:
        so = s.exec(select(SalesOrder).where(col(SalesOrder.number) == v.order)).one()
        lines = s.exec(select(OrderLine).where(col(OrderLine.order_id) == so.id)).all()
        customer = s.get(Customer, so.customer_id)
    assert (so.channel, so.external_id, so.status) == ("phone", number, "reserved")
    assert so.total == v.total == Decimal("60.00")
    assert sorted((ln.qty, ln.qty_reserved) for ln in lines) == [(2, 2), (4, 4)]
    assert customer is not None and customer.external_ref == ACME
    # Final: accepting again or declining now is refused; still one order.
    for again in (accept_quote, decline_quote):
        with pytest.raises(InvalidTransition, match="accepted"):
            again(desk.db, desk.boss, number)
    with desk.db.reading() as s:
        assert len(s.exec(select(SalesOrder.id)).all()) == 1


def test_expired_quote_cannot_be_accepted_and_is_revised_to_draft(desk: Desk) -> None:
    past = utcnow().date() - timedelta(days=20)
    number = desk.quote([(1, 1)], valid_days=5, today=past)
    send_quote(desk.db, desk.boss, number, today=past)
    assert show_quote(desk.db, number).status == "expired"  # as a reader sees it
    with pytest.raises(InvalidTransition, match="expired"):
        accept_quote(desk.db, desk.boss, number)
    with desk.db.reading() as s:
        assert s.exec(select(SalesOrder.id)).all() == []
    v = revise_quote(desk.db, desk.boss, number, valid_until=utcnow().date() + timedelta(days=7))
    assert v.status == "draft"
    send_quote(desk.db, desk.boss, number)
    assert accept_quote(desk.db, desk.boss, number).order


def test_declined_quote_is_revised_sent_and_accepted(desk: Desk) -> None:
    number = desk.quote([(2, 1)])
    send_quote(desk.db, desk.boss, number)
    assert decline_quote(desk.db, desk.boss, number).status == "declined"
    with pytest.raises(InvalidTransition):
        send_quote(desk.db, desk.boss, number)
    revise_quote(desk.db, desk.boss, number, valid_until=utcnow().date() + timedelta(days=3))
    send_quote(desk.db, desk.boss, number)
    assert accept_quote(desk.db, desk.boss, number).status == "accepted"


def test_a_picker_may_not_quote(desk: Desk) -> None:
    from wms_terminal.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_quote(
            desk.db,
            desk.station.floor.actors["pat"],
            customer=ACME,
            currency="EUR",
            valid_until=utcnow().date(),
            lines=[LineSpec(desk.station.floor.sku(1), 1)],
        )


def test_pdf_prints_the_customer_as_written(desk: Desk, tmp_path: Path) -> None:
    number = desk.quote([(1, 2)])
    out = tmp_path / "q.pdf"
    out.write_bytes(render_quote(desk.db, number))
    page = PdfReader(out).pages[0].extract_text()
    assert number in page and "ACME-1 <b>Trading</b> & Co" in page
    assert "valid until" in page and "20.00" in page


def test_command_line_walk(
    desk: Desk, db_url: str, wms_pin: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sup = ["--database", db_url, "--badge", desk.station.sup_badge]
    sku = desk.station.floor.sku
    until = (utcnow().date() + timedelta(days=14)).isoformat()
    assert main(["quotes", "customer", "--ref", "B-2", "--name", "Beta", "--net-days", "14",
                 "--country", "DE", "--json", *sup]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["net_days"] == 14
    argv = ["quotes", "create", "--customer", "B-2", "--currency", "EUR", "--valid-until", until,
            "--line", f"{sku(1)}:2:20.00:10", "--line", f"{sku(2)}:1", "--discount", "10",
            "--json", *sup]  # fmt: skip
    assert main(argv) == 0
    q = json.loads(capsys.readouterr().out)
    assert (q["status"], q["subtotal"], q["discount"], q["total"]) == (
        "draft", "45.99", "4.60", "41.39",
    )  # fmt: skip
    for action in ("send", "accept"):
        assert main(["quotes", action, q["quote"], "--json", *sup]) == 0
    accepted = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert accepted["status"] == "accepted" and accepted["order"].startswith("SO-")
    assert main(["quotes", "list", "--status", "accepted", "--json", "--database", db_url]) == 0
    assert [r["quote"] for r in json.loads(capsys.readouterr().out)] == [q["quote"]]
    assert main(["quotes", "pdf", q["quote"], "--out", str(tmp_path / "q.pdf"),
                 "--database", db_url]) == 0  # fmt: skip
    assert (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    # Bad input: a message, no traceback, nothing written.
    assert main(["quotes", "decline", q["quote"], *sup]) != 0
    assert "accepted" in capsys.readouterr().err
    assert main(["quotes", "create", "--customer", "B-2", "--currency", "EUR", "--valid-until",
                 until, "--line", "x", *sup]) != 0  # fmt: skip
    assert "SKU:QTY" in capsys.readouterr().err
