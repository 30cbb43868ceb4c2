"""`quotes send` e-mails the quote to the customer with its PDF attached: queued in the
transaction that marks it sent, rendered and delivered by the notices sender to a real SMTP
server (aiosmtpd); a customer without an e-mail address gets no_address, not a failure."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.notices.conftest import SmtpServerFixture, smtp  # noqa: F401 (the fixture)
from wms_terminal.core.models import Notification
from wms_terminal.notices.outbox import list_notices, retry
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url
from wms_terminal.sales.customers import save_business_customer
from wms_terminal.sales.quotes import send_quote

from .conftest import Desk


def test_sent_quote_reaches_the_customer_with_its_pdf(
    desk: Desk,
    smtp: SmtpServerFixture,  # noqa: F811
) -> None:
    number = desk.quote([(1, 2), (2, 1)])
    assert send_due(desk.db, parse_smtp_url(smtp.url)).sent == 0  # a draft is not mailed
    send_quote(desk.db, desk.boss, number)
    smtp.start()
    report = send_due(desk.db, parse_smtp_url(smtp.url), mail_from="sales@example.com")
    assert (report.sent, report.failed, report.errors) == (1, 0, [])
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == "acme-1@example.com" and number in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "30.00 EUR" in body.get_content()
    [pdf] = list(mail.iter_attachments())
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", f"{number}.pdf")
    page = PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()
    assert number in page and "ACME-1 <b>Trading</b> & Co" in page


def test_customer_without_an_address_is_recorded_not_failed(
    desk: Desk,
    smtp: SmtpServerFixture,  # noqa: F811
) -> None:
    save_business_customer(desk.db, desk.boss, ref="NOMAIL", name="No Mail Ltd")
    number = desk.quote([(1, 1)], customer="NOMAIL")
    send_quote(desk.db, desk.boss, number)
    smtp.start()
    assert send_due(desk.db, parse_smtp_url(smtp.url)).sent == 0
    assert smtp.mailbox.messages == []
    [notice] = [n for n in list_notices(desk.db) if n.kind == "quote_sent"]
    assert notice.status == "no_address"
    # The address added later, the notice retried: the quote reaches the customer.
    save_business_customer(desk.db, desk.boss, ref="NOMAIL", email="ap@nomail.example")
    retry(desk.db, desk.boss, notice.id)
    assert send_due(desk.db, parse_smtp_url(smtp.url)).sent == 1
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == "ap@nomail.example" and number in mail["Subject"]


def test_an_attachment_that_cannot_be_made_fails_the_notice_and_sends_nothing(
    desk: Desk,
    smtp: SmtpServerFixture,  # noqa: F811
) -> None:
    with desk.db.transaction() as s:
        for kind, number in (("quote_pdf", "Q-9999999"), ("mystery", "X")):
            s.add(
                Notification(
                    recipient_role="customer",
                    recipient_email="ap@example.com",
                    kind="quote_sent",
                    subject="Quote",
                    data={"name": "A", "quote": number, "total": "1.00", "currency": "EUR",
                          "valid_until": "2030-01-01", "seller": "S",
                          "attachments": [{"kind": kind, "number": number}]},
                )
            )  # fmt: skip
    smtp.start()
    report = send_due(desk.db, parse_smtp_url(smtp.url))
    assert (report.sent, report.failed) == (0, 2) and smtp.mailbox.messages == []
    assert any("Q-9999999" in e for e in report.errors)
    assert any("unknown attachment kind 'mystery'" in e for e in report.errors)


def test_quote_mail_is_in_the_customers_language(
    desk: Desk,
    smtp: SmtpServerFixture,  # noqa: F811
) -> None:
    from sqlalchemy import text

    with desk.db.transaction() as s:
        s.execute(text("UPDATE customer SET language = 'de' WHERE external_ref = 'ACME-1'"))
    number = desk.quote([(1, 1)])
    send_quote(desk.db, desk.boss, number)
    smtp.start()
    assert send_due(desk.db, parse_smtp_url(smtp.url)).sent == 1
    (mail,) = smtp.mailbox.messages
    assert mail["Subject"] == f"Angebot {number} von wms-terminal"
    assert mail["Content-Language"] == "de" and len(list(mail.iter_attachments())) == 1
