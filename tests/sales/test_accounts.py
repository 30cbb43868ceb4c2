"""A business customer's one record (terms, billing address, credit limit), written by one
command under its three spellings, migrated from the credit limit on `customer`; the credit
exposure counts unpaid invoices, so an invoice left unpaid holds the next order for a manager
and paying it lets the next one through; a refund to a customer on account settles against its
invoice (no payment event) and its credit note is UBL 2.1 XML valid against the schema (both
backends)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core import migrate
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.credit import approve_order, exposure_eur, set_credit_limit
from wms_terminal.core.db import make_engine
from wms_terminal.core.errors import PermissionDenied
from wms_terminal.core.models._base import utcnow
from wms_terminal.documents.ubl_schema import credit_note_problems
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return
from wms_terminal.sales.customers import save_business_customer
from wms_terminal.sales.invoice_docs import render_credit_note_ubl
from wms_terminal.sales.invoices import list_invoices, pay_invoice, show_invoice

from .conftest import ACME, Desk, ship_all


def _manager(desk: Desk) -> tuple[Actor, str]:
    with desk.db.transaction() as s:
        u = create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN)
        assert u.id is not None
        return Actor(u.id, "mia", "manager", terminal="T-mia"), u.badge_code


def _state(desk: Desk, number: str) -> tuple[str, str]:
    with desk.db.reading() as s:
        row = s.execute(
            text("SELECT status, release_hold FROM sales_order WHERE number = :n"), {"n": number}
        ).one()
    return str(row[0]), str(row[1])


def _exposure(desk: Desk) -> Decimal:
    with desk.db.reading() as s:
        cid = s.execute(
            text("SELECT id FROM customer WHERE external_ref = :r"), {"r": ACME}
        ).scalar_one()
        return exposure_eur(s, int(cid))


def test_an_unpaid_invoice_holds_the_next_order_until_it_is_paid(desk: Desk) -> None:
    mia, _ = _manager(desk)
    save_business_customer(desk.db, mia, ref=ACME, credit_limit=Decimal("50"))
    first = desk.order([(1, 3)])  # 30.00 EUR: open order
    assert _exposure(desk) == Decimal("30.00")
    ship_all(desk)  # shipped and invoiced in the hand-over: the exposure does not drop
    [inv] = list_invoices(desk.db)
    assert (inv.order, inv.status, inv.total) == (first, "open", Decimal("30.00"))
    assert _exposure(desk) == Decimal("30.00")

    over = desk.order([(2, 3)])  # 30 unpaid + 30 > 50: waits for a manager
    assert _state(desk, over) == ("reserved", "credit")
    assert _exposure(desk) == Decimal("30.00")  # a held order does not count yet
    pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("25.00"))
    assert _exposure(desk) == Decimal("5.00")  # only what is outstanding counts
    pay_invoice(desk.db, desk.boss, inv.number, amount=Decimal("5.00"))
    assert _exposure(desk) == Decimal("0.00")
    nxt = desk.order([(3, 3)])  # paid: 0 + 30 <= 50, through without a manager
    assert _state(desk, nxt) == ("reserved", "")
    approve_order(desk.db, mia, number=over)
    assert _state(desk, over) == ("reserved", "")
    assert _exposure(desk) == Decimal("60.00")


def test_one_record_for_terms_and_credit_limit(desk: Desk) -> None:
    mia, _ = _manager(desk)
    with pytest.raises(PermissionDenied):  # a supervisor keeps terms, not credit
        save_business_customer(desk.db, desk.boss, ref=ACME, credit_limit=Decimal("10"))
    t = save_business_customer(desk.db, mia, ref=ACME, net_days=14, credit_limit=Decimal("75"))
    # Options left out keep what the record has; the limit set by the old command is the same.
    assert (t.vat_id, t.payment_terms_days, t.invoice_per, t.credit_limit_eur) == (
        "NL123456789B01", 14, "order", Decimal("75"),
    )  # fmt: skip
    set_credit_limit(desk.db, mia, customer="acme-1@example.com", limit=Decimal("80"))
    t = save_business_customer(desk.db, desk.boss, ref=ACME, invoice_per="shipment")
    assert (t.credit_limit_eur, t.invoice_per, t.payment_terms_days) == (
        Decimal("80"), "shipment", 14,
    )  # fmt: skip
    set_credit_limit(desk.db, mia, customer=ACME, limit=None)  # off account, terms kept
    t = save_business_customer(desk.db, desk.boss, ref=ACME)
    assert (t.credit_limit_eur, t.vat_id, t.invoice_per) == (None, "NL123456789B01", "shipment")
    with desk.db.reading() as s:
        assert s.execute(text("SELECT COUNT(*) FROM business_customer")).scalar_one() == 1


def test_control_characters_in_a_business_customer_are_refused(desk: Desk) -> None:
    # They would go into the UBL XML (which cannot hold them), PDFs and e-mail headers.
    from wms_terminal.core.errors import ValidationError

    for field in ("name", "street", "city", "email", "vat_id"):
        with pytest.raises(ValidationError, match=f"{field} contains control characters"):
            save_business_customer(desk.db, desk.boss, ref="BEL", **{field: "Bell\x07 Ltd"})
    with desk.db.reading() as s:
        assert (
            s.execute(text("SELECT COUNT(*) FROM customer WHERE external_ref = 'BEL'")).one()[0]
            == 0
        )


def test_customers_account_command_and_its_older_spellings(
    desk: Desk, db_url: str, wms_pin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, badge = _manager(desk)
    auth = ["--database", db_url, "--badge", badge]
    assert main(["customers", "account", "NEW-1", "--name", "New & Co", "--email",
                 "ap@new.example", "--net-days", "45", "--credit-limit", "1000", "--json",
                 *auth]) == 0  # fmt: skip
    got = json.loads(capsys.readouterr().out)
    assert got == {
        "customer": "NEW-1", "name": "New & Co", "email": "ap@new.example", "vat_id": "",
        "net_days": 45, "invoice_per": "order", "street": "", "postcode": "", "city": "",
        "country": "", "on_account": True, "credit_limit_eur": "1000.00",
    }  # fmt: skip
    assert main(["quotes", "customer", "--ref", "NEW-1", "--vat-id", "DE123", "--json",
                 *auth]) == 0  # fmt: skip
    got = json.loads(capsys.readouterr().out)
    assert (got["vat_id"], got["net_days"], got["credit_limit_eur"]) == ("DE123", 45, "1000.00")
    assert main(["customers", "credit-limit", "NEW-1", "--limit", "none", *auth]) == 0
    capsys.readouterr()
    assert main(["customers", "account", "ap@new.example", "--json", *auth]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["customer"], got["on_account"], got["vat_id"]) == ("NEW-1", False, "DE123")
    assert main(["customers", "account", "NEW-2", *auth]) == 2
    assert "give its --name" in capsys.readouterr().err
    # A supervisor may keep terms but not give credit.
    sup = ["--database", db_url, "--badge", desk.station.sup_badge]
    assert main(["customers", "account", "NEW-1", "--credit-limit", "5", *sup]) == 6
    assert wms_pin == f.CLI_PIN


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    url: str = request.getfixturevalue("pg_scratch_url")
    return url


def test_migration_moves_credit_limits_onto_the_business_record(empty_url: str) -> None:
    engine = make_engine(empty_url)
    migrate.upgrade(engine, "0031")
    with engine.begin() as c:
        for n, limit in ((1, "500.00"), (2, "75.50"), (3, None)):
            c.execute(
                text(
                    "INSERT INTO customer (id, external_ref, name, email, phone, "
                    "lifetime_value_eur, order_count, created_at, followup_opt_out, "
                    "credit_limit_eur, language) VALUES (:i, :r, :n, '', '', 0, 0, "
                    "CURRENT_TIMESTAMP, false, :l, '')"
                ),
                {"i": n, "r": f"C{n}", "n": f"Customer {n}",
                 "l": None if limit is None else int(Decimal(limit) * 10000)
                 if empty_url.startswith("sqlite") else limit},
            )  # fmt: skip
        # C2 and C3 had business terms already (the quotes' side).
        for n in (2, 3):
            c.execute(
                text(
                    "INSERT INTO business_customer (customer_id, vat_id, payment_terms_days, "
                    "invoice_per, street, city, postcode, country) "
                    "VALUES (:i, 'VAT', 14, 'shipment', '', '', '', 'NL')"
                ),
                {"i": n},
            )
    migrate.upgrade(engine, "0032")
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT customer_id, vat_id, payment_terms_days, invoice_per, credit_limit_eur "
                "FROM business_customer ORDER BY customer_id"
            )
        ).all()
    engine.dispose()
    scale = (lambda v: None if v is None else Decimal(v) / 10000) if empty_url.startswith(
        "sqlite"
    ) else (lambda v: v)  # fmt: skip
    assert [(r[0], r[1], r[2], r[3], scale(r[4])) for r in rows] == [
        (1, "", 30, "order", Decimal("500")),  # a limit and no terms: on account, default terms
        (2, "VAT", 14, "shipment", Decimal("75.5")),
        (3, "VAT", 14, "shipment", None),  # terms, no limit: not on account
    ]


def test_refund_on_account_settles_the_invoice_without_a_payment_and_has_ubl(
    desk: Desk, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fl = desk.station.floor
    mia, _ = _manager(desk)
    save_business_customer(desk.db, mia, ref=ACME, credit_limit=Decimal("500"))
    order = desk.order([(1, 1), (2, 2)])
    ship_all(desk)
    [inv] = list_invoices(desk.db)
    assert inv.outstanding == Decimal("30.00")
    rma = open_return(
        desk.db, desk.station.packer, order=order, lines=[(fl.sku(2), 1)], reason="damaged",
        resolution="refund",
    ).rma  # fmt: skip
    flow = ReturnsFlow(desk.db, desk.station.packer)
    for scan in (rma, fl.gtin(2), "resell"):
        assert not flow.scan(scan).error
    note = issue_refund(desk.db, desk.station.packer, rma)
    assert note.amount == Decimal("10.00")
    with desk.db.reading() as s:  # nothing for the payment provider to pay back
        assert s.execute(text("SELECT COUNT(*) FROM payment_event")).scalar_one() == 0
    v = show_invoice(desk.db, inv.number)
    assert (v.credit_notes, v.outstanding) == ((note.credit_note,), Decimal("20.00"))
    assert _exposure(desk) == Decimal("20.00")

    xml = render_credit_note_ubl(desk.db, note.credit_note)
    assert credit_note_problems(xml) == []
    assert b"<cbc:CreditNoteTypeCode>381<" in xml and inv.number.encode() in xml
    assert b'<cbc:PayableAmount currencyID="EUR">10.00<' in xml
    assert b"NL123456789B01" in xml  # the buyer from the business record
    assert credit_note_problems(xml.replace(b"<cbc:IssueDate>", b"<cbc:Bogus/><cbc:IssueDate>"))
    out = tmp_path / "cn.xml"
    assert main(["invoices", "credit-note", rma, "--out", str(out), "--database", db_url]) == 0
    assert credit_note_problems(out.read_bytes()) == []
    assert "wrote 1 credit note" in capsys.readouterr().out


def test_refund_to_a_customer_not_on_account_still_pays_back(desk: Desk) -> None:
    fl = desk.station.floor
    order = desk.order([(1, 1)])  # ACME: business terms, no credit limit
    ship_all(desk)
    rma = open_return(
        desk.db, desk.station.packer, order=order, lines=[(fl.sku(1), 1)], reason="damaged",
        resolution="refund",
    ).rma  # fmt: skip
    flow = ReturnsFlow(desk.db, desk.station.packer)
    for scan in (rma, fl.gtin(1), "resell"):
        assert not flow.scan(scan).error
    issue_refund(desk.db, desk.station.packer, rma)
    with desk.db.reading() as s:
        assert s.execute(text("SELECT COUNT(*) FROM payment_event")).scalar_one() == 1


def test_an_invoice_that_cannot_be_raised_at_hand_over_waits_for_the_catch_up(desk: Desk) -> None:
    """The carrier is never stopped by an invoice: without an exchange rate for the order's
    currency the hand-over ships, says why in the audit log, and `raise --due` raises it later."""
    from wms_terminal.sales.invoices import raise_due
    from wms_terminal.sales.quotes import LineSpec, accept_quote, create_quote, send_quote

    fl = desk.station.floor
    q = create_quote(
        desk.db, desk.boss, customer=ACME, currency="USD", valid_until=utcnow().date(),
        lines=[LineSpec(fl.sku(1), 2, Decimal("19.99"))],
    ).number  # fmt: skip
    send_quote(desk.db, desk.boss, q)
    order = accept_quote(desk.db, desk.boss, q).order
    from tests.packing.conftest import pack_tote
    from wms_terminal.packing.shipments import manifest

    [closed] = [pack_tote(desk.station, t) for t in desk.station.pick_all()]
    with desk.db.transaction() as s:  # the rate is gone by the time the carrier comes
        s.execute(text("DELETE FROM currency_rate WHERE currency = 'USD'"))
    done = manifest(desk.db, desk.station.packer, carrier=str(closed["carrier"]))
    assert done.orders_shipped == (order,) and done.invoices == ()
    with desk.db.reading() as s:
        assert s.execute(text("SELECT status FROM sales_order")).scalar_one() == "shipped"
        (what, why) = s.execute(
            text("SELECT entity_id, detail FROM audit_log WHERE action = 'invoice_deferred'")
        ).one()
    assert what == order and "no exchange rate for currency USD" in str(why)
    assert list_invoices(desk.db) == []
    with desk.db.transaction() as s:
        s.execute(text("INSERT INTO currency_rate (currency, rate_to_eur) VALUES ('USD', 0.92)"))
    [inv] = raise_due(desk.db, desk.boss)
    assert (inv.order, inv.total, inv.currency) == (order, Decimal("39.98"), "USD")


def test_manifest_command_names_the_invoices_it_raised(
    desk: Desk, db_url: str, wms_pin: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.packing.conftest import pack_tote

    order = desk.order([(1, 1)])
    [closed] = [pack_tote(desk.station, t) for t in desk.station.pick_all()]
    args = ["shipments", "manifest", "--carrier", str(closed["carrier"]), "--json",
            "--out", str(tmp_path / "m.pdf"), "--database", db_url,
            "--badge", desk.station.sup_badge]  # fmt: skip
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["orders_shipped"], report["invoices"]) == ([order], ["INV-0000001"])
    assert wms_pin == f.CLI_PIN


def test_on_account_skips_the_payment_gate_business_terms_alone_do_not(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "phone")  # orders from quotes come in by phone
    waits = desk.order([(1, 1)])  # ACME has terms but no credit limit: it pays first
    assert _state(desk, waits) == ("reserved", "payment")
    mia, _ = _manager(desk)
    save_business_customer(desk.db, mia, ref=ACME, credit_limit=Decimal("100"))
    free = desk.order([(2, 1)])  # on account: checked against the limit instead
    assert _state(desk, free) == ("reserved", "")
