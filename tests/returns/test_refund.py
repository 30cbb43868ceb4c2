"""The whole cycle on both backends: shipped -> return opened -> received and graded -> refund
(credit note with a gap-free number, payment event, shipping and restocking fees per rule) ->
the customer's e-mails delivered to a real SMTP server; partial refunds add up and never pass
what was paid."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from tests import factories as f
from tests.notices.conftest import SmtpServerFixture, free_port
from tests.picking.helpers import rows, scalar
from wms_terminal.cli import main
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Customer, SalesOrder
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url
from wms_terminal.returns.flow import Expect, ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return, show_return

from .conftest import Station, ship


@pytest.fixture
def smtp() -> Iterator[SmtpServerFixture]:
    server = SmtpServerFixture(free_port())
    yield server
    server.stop()


def _receive(station: Station, rma: str, units: list[tuple[str, str]]) -> None:
    flow = ReturnsFlow(station.db, station.packer)
    assert flow.scan(rma).expect == Expect.PRODUCT
    for code, grade in units:
        assert flow.scan(code).expect == Expect.GRADE
        v = flow.scan(grade)
        assert not v.error, v.error
    assert flow.view().expect == Expect.RMA


def _paid(station: Station, order: str, shipping: str, total: str) -> None:
    """The order's shipping and total as paid (the customer's lifetime value follows, as the
    order intake counts it)."""
    with station.db.transaction() as s:
        so = s.exec(select(SalesOrder).where(col(SalesOrder.number) == order)).one()
        customer = s.get(Customer, so.customer_id)
        assert customer is not None
        customer.lifetime_value_eur += Decimal(total) - so.total
        so.shipping, so.total = Decimal(shipping), Decimal(total)
        s.add_all([so, customer])


def _open(station: Station, order: str, lines: list[tuple[int, int]], reason: str) -> str:
    fl = station.floor
    return open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(n), q) for n, q in lines],
        reason=reason,
        resolution="refund",
    ).rma


def test_refunds_add_up_with_shipping_and_fees_and_the_customer_is_mailed(
    station: Station,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    wms_pin: str,
    smtp: SmtpServerFixture,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("WMS_RESTOCKING_FEE", "refurbish=10")
    fl = station.floor
    (order,) = ship(station, [(1, 2), (2, 1)])  # 3 units at 10.00
    _paid(station, order, "4.95", "34.95")
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")

    # Damaged (the shop's fault): the shipping comes back; the refurbished unit costs 10%.
    first = _open(station, order, [(1, 1), (2, 1)], "damaged")
    _receive(station, first, [(fl.gtin(1), "resell"), (fl.gtin(2), "refurbish")])
    assert main(["returns", "refund", first, "--json", "--database", db_url, *badge]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == {
        "rma": first,
        "credit_note": "CN-0000001",
        "amount": "23.95",
        "currency": "EUR",
        "goods": "20.00",
        "shipping": "4.95",
        "fees": "1.00",
    }
    # Once only.
    assert main(["returns", "refund", first, "--database", db_url, *badge]) == 2
    assert "completed" in capsys.readouterr().err

    # The last unit, changed mind: no shipping this time (refunded once per order anyway).
    second = _open(station, order, [(1, 1)], "changed_mind")
    _receive(station, second, [(fl.gtin(1), "resell")])
    done = issue_refund(station.db, station.packer, second)
    assert (done.credit_note, done.amount, done.shipping) == ("CN-0000002", Decimal("10.00"), 0)

    assert main(["returns", "show", first, "--json", "--database", db_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["refund_total"], shown["currency"], shown["credit_note"]) == (
        "completed",
        "23.95",
        "EUR",
        "CN-0000001",
    )
    assert [(x["sku"], x["grade"]) for x in shown["lines"]] == [
        (fl.sku(1), "resell"),
        (fl.sku(2), "refurbish"),
    ]
    # Customer service: the history, the return rate, the lifetime value net of refunds.
    assert main(["returns", "customer", "T00001@example.com", "--json", "--database", db_url]) == 0
    history = json.loads(capsys.readouterr().out)
    assert (history["units_shipped"], history["units_returned"], history["return_rate"]) == (
        3,
        3,
        1.0,
    )
    assert [r["credit_note"] for r in history["returns"]] == ["CN-0000001", "CN-0000002"]
    assert Decimal(history["lifetime_value_eur"]) == Decimal("1.00")  # 34.95 - 23.95 - 10.00
    assert main(["returns", "customer", "nobody@example.com", "--database", db_url]) != 0
    assert "no customer" in capsys.readouterr().err
    events = rows(station.db, "SELECT kind, status, currency FROM payment_event ORDER BY id")
    assert events == [("refund", "pending", "EUR")] * 2
    actions = [a for (a,) in rows(station.db, "SELECT action FROM audit_log ORDER BY id")]
    for step in ("return_opened", "return_unit_graded", "return_received", "refund_issued"):
        assert step in actions

    smtp.start()
    report = send_due(station.db, parse_smtp_url(smtp.url), mail_from="shop@example.com")
    # Track & trace, and per return: authorised (the RMA code), received, refunded.
    assert report.sent == 7 and report.failed == 0
    mails = {m["Subject"]: m for m in smtp.mailbox.messages}
    received = mails[f"We received your return {first}"]
    assert received["To"] == "t00001@example.com"
    assert "2 of 2 unit(s) received" in received.get_body(("plain",)).get_content()
    refunds = [
        m.get_body(("plain",)).get_content()
        for m in smtp.mailbox.messages
        if m["Subject"].startswith("Your refund")
    ]
    assert len(refunds) == 2
    assert "refunded 23.95 EUR" in refunds[0] + refunds[1]
    assert "refunded 10.00 EUR" in refunds[0] + refunds[1]
    assert "credit note CN-0000001" in refunds[0] + refunds[1]


def test_a_refund_that_would_pass_what_was_paid_is_refused_and_numbers_stay_gap_free(
    station: Station,
):
    fl = station.floor
    (order,) = ship(station, [(3, 2)])
    _paid(station, order, "0.00", "15.00")  # a discount: 15.00 paid for 20.00 of goods
    rma = _open(station, order, [(3, 2)], "changed_mind")
    _receive(station, rma, [(fl.gtin(3), "resell"), (fl.gtin(3), "resell")])
    with pytest.raises(ValidationError, match=r"more than the 15\.00 EUR paid"):
        issue_refund(station.db, station.packer, rma)
    assert scalar(station.db, "SELECT COUNT(*) FROM credit_note") == 0
    assert scalar(station.db, "SELECT COUNT(*) FROM payment_event") == 0
    assert show_return(station.db, rma)["status"] == "received"
    # An exchange has no refund.
    (other,) = ship(station, [(4, 1)])
    swap = open_return(
        station.db,
        station.packer,
        order=other,
        lines=[(fl.sku(4), 1)],
        reason="wrong_size",
        resolution="exchange",
    ).rma
    _receive(station, swap, [(fl.gtin(4), "resell")])
    with pytest.raises(ValidationError, match="is an exchange"):
        issue_refund(station.db, station.packer, swap)
    _paid(station, order, "0.00", "20.00")
    assert issue_refund(station.db, station.packer, rma).credit_note == "CN-0000001"


def test_the_credit_note_pdf_shows_the_figures_and_hostile_names_as_text(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    fl = station.floor
    (order,) = ship(station, [(2, 1)])
    hostile = "<b>Evil</b> & Co [red]x[/]"
    with station.db.transaction() as s:
        so = s.exec(select(SalesOrder).where(col(SalesOrder.number) == order)).one()
        customer = s.get(Customer, so.customer_id)
        assert customer is not None
        customer.name = hostile
        s.add(customer)
    rma = _open(station, order, [(2, 1)], "defective")
    _receive(station, rma, [(fl.gtin(2), "resell")])
    done = issue_refund(station.db, station.packer, rma)
    out = tmp_path / "cn.pdf"
    args = ["returns", "credit-note", rma, "--out", str(out), "--database", db_url]
    assert main(args) == 0
    assert done.credit_note in capsys.readouterr().out
    page = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert f"Credit note {done.credit_note}" in page and rma in page and order in page
    assert hostile in page and "10.00" in page
    # No credit note before the refund; a wrong file name writes nothing.
    assert main([*args[:2], "RMA-0000999", *args[3:]]) != 0
    assert "no credit note" in capsys.readouterr().err
    assert main([*args[:4], str(tmp_path / "cn.txt"), *args[5:]]) == 2
    assert not (tmp_path / "cn.txt").exists()
