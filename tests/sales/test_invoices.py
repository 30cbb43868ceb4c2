"""Invoices on both backends: raised once for what shipped (per order or per shipment), due
after the customer's net days, overdue when open past that, paid by payments (never beyond
what is outstanding) and by linked credit notes; PDF and UBL 2.1 XML valid against the
official schema; the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.errors import InvalidTransition, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models._base import utcnow
from wms_terminal.documents.ubl_schema import invoice_problems
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return
from wms_terminal.sales.customers import save_business_customer
from wms_terminal.sales.invoice_docs import render_invoice_pdf, render_invoice_ubl
from wms_terminal.sales.invoices import (
    list_invoices,
    pay_invoice,
    raise_due,
    raise_invoice,
    show_invoice,
)

from .conftest import ACME, Desk, add_customer, ship_all


def test_shipped_order_is_invoiced_once_due_after_net_days_and_paid(desk: Desk) -> None:
    order = desk.order([(1, 3), (2, 2)])
    with pytest.raises(ValidationError, match="once shipped"):
        raise_invoice(desk.db, desk.boss, order=order)
    ship_all(desk)  # the hand-over raises the invoice, in its transaction
    today = utcnow().date()
    [inv] = list_invoices(desk.db)
    assert (inv.number, inv.order, inv.status) == ("INV-0000001", order, "open")
    assert inv.due_on == today + timedelta(days=30)
    assert inv.total == Decimal("50.00") and [ln.qty for ln in inv.lines] == [3, 2]
    assert raise_due(desk.db, desk.boss) == []  # nothing twice
    with pytest.raises(ValidationError, match="nothing shipped is left"):
        raise_invoice(desk.db, desk.boss, order=order)

    late = today + timedelta(days=31)
    assert [v.number for v in list_invoices(desk.db, overdue=True, today=late)] == [inv.number]
    assert list_invoices(desk.db, overdue=True, today=today + timedelta(days=30)) == []

    with pytest.raises(ValidationError, match=r"more than the 50\.00 outstanding"):
        pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("50.01"))
    with pytest.raises(ValidationError, match="not an amount"):
        pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("0.001"))
    part = pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("20.00"), reference="B1")
    assert (part.status, part.outstanding) == ("open", Decimal("30.00"))
    paid = pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("30.00"))
    assert (paid.status, paid.paid_on, paid.outstanding) == ("paid", today, Decimal("0"))
    assert list_invoices(desk.db, overdue=True, today=late) == []
    with pytest.raises(InvalidTransition, match="paid"):
        pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("1.00"))


def test_customer_invoiced_per_shipment_gets_one_per_hand_over(desk: Desk) -> None:
    add_customer(desk.db, desk.boss, "SHIP-1", per="shipment")
    order = desk.order([(3, 2)], customer="SHIP-1")
    ship_all(desk)
    with pytest.raises(ValidationError, match="per shipment"):
        raise_invoice(desk.db, desk.boss, order=order)
    [inv] = list_invoices(desk.db, customer="SHIP-1")
    assert inv.shipment is not None and inv.order == order and inv.total == Decimal("20.00")
    with pytest.raises(ValidationError, match="invoiced already"):
        raise_invoice(desk.db, desk.boss, shipment=inv.shipment)


@pytest.mark.parametrize("refund_first", [False, True], ids=["invoiced-first", "refund-first"])
def test_credit_note_of_a_return_is_linked_and_settles_the_invoice(
    desk: Desk, refund_first: bool
) -> None:
    fl = desk.station.floor
    if refund_first:  # shipped before the customer had business terms: not invoiced yet
        spec = f.order("LATE-1", [(fl.sku(1), 1), (fl.sku(2), 1)], email="late@example.com")
        order = import_orders(desk.db, [spec], actor=SYSTEM).order_numbers[0]
        ship_all(desk)
        assert list_invoices(desk.db) == []
        save_business_customer(desk.db, desk.boss, ref="late@example.com")
    else:
        order = desk.order([(1, 1), (2, 1)])
        ship_all(desk)
        [inv] = list_invoices(desk.db)
        pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("10.00"))
    rma = open_return(
        desk.db,
        desk.station.packer,
        order=order,
        lines=[(fl.sku(2), 1)],
        reason="damaged",
        resolution="refund",
    ).rma
    flow = ReturnsFlow(desk.db, desk.station.packer)
    for scan in (rma, fl.gtin(2), "resell"):
        assert not flow.scan(scan).error
    note = issue_refund(desk.db, desk.station.packer, rma)
    if refund_first:  # the invoice raised afterwards counts the refund made before it
        [inv] = raise_due(desk.db, desk.boss)
        assert (inv.status, inv.outstanding) == ("open", Decimal("10.00"))
        pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("10.00"))
    v = show_invoice(desk.db, inv.number)
    assert v.credit_notes == (note.credit_note,) and v.credited == note.amount
    assert v.status == "paid" and v.outstanding == Decimal(0)


def test_pdf_and_ubl_are_valid_and_print_names_as_written(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WMS_SELLER_NAME", "Seller <b>&</b> Sons")
    monkeypatch.setenv("WMS_SELLER_COUNTRY", "NL")
    save_business_customer(desk.db, desk.boss, ref="GBP-1", name="Brit & Co", country="GB")
    st = desk.station
    from wms_terminal.sales.quotes import LineSpec, accept_quote, create_quote, send_quote

    q = create_quote(
        desk.db,
        desk.boss,
        customer=ACME,
        currency="EUR",
        valid_until=utcnow().date(),
        lines=[LineSpec(st.floor.sku(1), 4, Decimal("12.50"), Decimal("10"))],
        discount_percent=Decimal("3"),
        shipping=Decimal("6.95"),
        tax_percent=Decimal("21"),
    ).number
    send_quote(desk.db, desk.boss, q)
    accept_quote(desk.db, desk.boss, q)
    ship_all(desk)
    [inv] = list_invoices(desk.db)
    # 4 x 11.25 = 45.00; discount 1.35; shipping 6.95; VAT 21% of 50.60 = 10.63
    assert (inv.subtotal, inv.discount, inv.shipping, inv.tax, inv.total) == (
        Decimal("45.00"), Decimal("1.35"), Decimal("6.95"), Decimal("10.63"), Decimal("61.23"),
    )  # fmt: skip
    xml = render_invoice_ubl(desk.db, inv.number)
    assert invoice_problems(xml) == []
    assert b"Seller &lt;b&gt;&amp;&lt;/b&gt; Sons" in xml and b">61.23<" in xml
    assert invoice_problems(xml.replace(b"<cbc:IssueDate>", b"<cbc:Bogus/><cbc:IssueDate>"))
    out = tmp_path / "i.pdf"
    out.write_bytes(render_invoice_pdf(desk.db, inv.number))
    page = PdfReader(out).pages[0].extract_text()
    assert inv.number in page and "ACME-1 <b>Trading</b> & Co" in page and "61.23" in page


def test_command_line(
    desk: Desk, db_url: str, wms_pin: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sup = ["--database", db_url, "--badge", desk.station.sup_badge]
    desk.order([(4, 1)])
    ship_all(desk)
    assert main(["invoices", "raise", "--due", "--json", *sup]) == 0  # raised at hand-over
    assert json.loads(capsys.readouterr().out) == []
    assert main(["invoices", "list", "--json", "--database", db_url]) == 0
    [inv] = json.loads(capsys.readouterr().out)
    assert (inv["invoice"], inv["net_days"], inv["overdue"]) == ("INV-0000001", 30, False)
    assert main(["invoices", "list", "--overdue", "--json", "--database", db_url]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["invoices", "ubl", inv["invoice"], "--out", str(tmp_path / "i.xml"),
                 "--database", db_url]) == 0  # fmt: skip
    assert invoice_problems((tmp_path / "i.xml").read_bytes()) == []
    assert main(["invoices", "pdf", inv["invoice"], "--out", str(tmp_path / "i.pdf"),
                 "--database", db_url]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["invoices", "pay", inv["invoice"], "--amount", "99", *sup]) != 0
    assert "outstanding" in capsys.readouterr().err
    assert main(["invoices", "pay", inv["invoice"], "--amount", "10.00", "--json", *sup]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "paid"
    assert main(["invoices", "pay", inv["invoice"], "--amount", "1", *sup]) != 0
    assert "paid" in capsys.readouterr().err
    # An unknown shipment is named (ids past an INTEGER column stop at the command line:
    # tests/test_cli_failures.py).
    assert main(["invoices", "raise", "--shipment", "2147483647", *sup]) == 1
    assert "no shipment 2147483647" in capsys.readouterr().err
    # A picker may not invoice.
    assert main(["invoices", "raise", "--due", "--database", db_url,
                 "--badge", desk.station.picker_badge]) == 6  # fmt: skip
    assert wms_pin == f.CLI_PIN


def test_order_shipped_in_two_hand_overs_is_billed_in_two_invoices_that_add_up(
    desk: Desk,
) -> None:
    """Shipping on the first invoice; discount and VAT shared by goods, the last invoice taking
    what is left, so the two invoices add up to the order's total."""
    from wms_terminal.core.codes import COMMAND_PREFIX
    from wms_terminal.packing.flow import PackFlow
    from wms_terminal.packing.shipments import hand_over
    from wms_terminal.sales.quotes import LineSpec, accept_quote, create_quote, send_quote

    st = desk.station
    add_customer(desk.db, desk.boss, "PER-SHIP", per="shipment")
    q = create_quote(
        desk.db,
        desk.boss,
        customer="PER-SHIP",
        currency="EUR",
        valid_until=utcnow().date(),
        lines=[LineSpec(st.floor.sku(1), 2, Decimal("10.00")),
               LineSpec(st.floor.sku(3), 1, Decimal("10.00"))],
        discount_percent=Decimal("10"),
        shipping=Decimal("5.00"),
        tax_percent=Decimal("21"),
    ).number  # fmt: skip
    send_quote(desk.db, desk.boss, q)
    order = accept_quote(desk.db, desk.boss, q)
    assert order.total == Decimal("38.72")  # 30 - 3 + 5 + 21% of 32
    [tote] = st.pick_all()
    flow = PackFlow(st.db, st.packer)
    flow.scan(tote)
    labels = []
    for n, units in enumerate(((f.gtin13(1), f.gtin13(1)), (f.gtin13(3),))):
        for code in units:
            assert not flow.scan(code).error
        if n == 0:  # this box is full: the rest goes into the order's next package
            assert flow.scan(COMMAND_PREFIX + "DONE").expect == "box"
        v = flow.scan("BOX-M")
        v = flow.key_weight(round((v.expected_kg or 0) * 1000))
        labels.append(str(v.data["sscc"]))
        assert not flow.scan(labels[-1]).error
    first = hand_over(st.db, st.packer, sscc=labels[0])
    assert first.orders_shipped == () and first.invoices == ("INV-0000001",)
    second = hand_over(st.db, st.packer, sscc=labels[1])
    assert second.invoices == ("INV-0000002",)
    one, two = list_invoices(desk.db)
    assert (one.subtotal, one.discount, one.shipping, one.tax, one.total) == (
        Decimal("20.00"), Decimal("2.00"), Decimal("5.00"), Decimal("4.83"), Decimal("27.83"),
    )  # fmt: skip
    assert (two.subtotal, two.discount, two.shipping, two.tax, two.total) == (
        Decimal("10.00"), Decimal("1.00"), Decimal("0.00"), Decimal("1.89"), Decimal("10.89"),
    )  # fmt: skip
    assert one.total + two.total == order.total
    assert (one.number, two.number) == ("INV-0000001", "INV-0000002")
