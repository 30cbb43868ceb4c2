"""E-mails from Jinja2 templates in the customer's language: orders shipped by the packing
services (the manifest queues track & trace), returns opened by the returns desk, mailed by the
sender to a real SMTP server. The language: the customer's, else the warehouse's default;
a language without templates falls back to English. Hostile text is escaped in HTML and harmless
in text; a missing or broken template fails the notice with the reason, nothing half-sent, and
`notices retry` sends it once fixed."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.packing.conftest import Station, build_station, pack_tote
from wms_terminal.core.db import Database
from wms_terminal.core.models import NoticeStatus, Notification
from wms_terminal.notices import outbox
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url
from wms_terminal.notices.templates import SHIPPED, languages
from wms_terminal.packing.shipments import manifest
from wms_terminal.returns.rma import open_return

from .conftest import SmtpServerFixture

HOSTILE = '<script>alert("x")</script> {{ 7*7 }} {% raw %} \x1b[31mred\r\nBcc: evil@x.org'


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)


def _ship(
    station: Station, languages: dict[int, str], names: dict[int, str] | None = None
) -> list[str]:
    """Orders 1..n of one unit each, their customers' languages (and names) set, then picked,
    packed and handed over: the manifest queues the track & trace notices."""
    numbers = [station.floor.order([(n, 1)]) for n in sorted(languages)]
    with station.db.transaction() as s:
        for (n, lang), number in zip(sorted(languages.items()), numbers, strict=True):
            s.execute(
                text(
                    "UPDATE customer SET language = :l, name = :name WHERE id = "
                    "(SELECT customer_id FROM sales_order WHERE number = :o)"
                ),
                {"l": lang, "o": number, "name": (names or {}).get(n, f"Customer {n}")},
            )
    closed = [pack_tote(station, t) for t in station.pick_all()]
    for carrier in sorted({str(c["carrier"]) for c in closed}):
        manifest(station.db, station.packer, carrier=carrier)
    return numbers


def _warehouse_language(db: Database, lang: str) -> None:
    with db.transaction() as s:
        s.execute(text("UPDATE warehouse SET language = :l"), {"l": lang})


def _by_subject(smtp: SmtpServerFixture) -> dict[str, EmailMessage]:
    return {str(m["Subject"]): m for m in smtp.mailbox.messages}  # type: ignore[misc]


def _plain(m: EmailMessage) -> str:
    # As received: SMTP lines end in CRLF.
    return m.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def _html(m: EmailMessage) -> str:
    return m.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_each_customer_reads_their_language_or_english_or_the_warehouses(
    station: Station, smtp: SmtpServerFixture
) -> None:
    _warehouse_language(station.db, "de")
    # 1 German, 2 French (no French templates: English), 3 none set (the warehouse's: German).
    first, second, third = _ship(station, {1: "de", 2: "fr", 3: ""})
    smtp.start()
    report = send_due(station.db, parse_smtp_url(smtp.url))
    assert (report.sent, report.failed, report.no_address) == (3, 0, 0)
    mails = _by_subject(smtp)
    german = mails[f"Ihre Bestellung {first} ist unterwegs"]
    assert german["Content-Language"] == "de"
    assert "Hallo Customer 1," in _plain(german) and "Sendungsnummer(n): " in _plain(german)
    assert '<html lang="de">' in _html(german) and "Voraussichtliche Zustellung" in _html(german)
    english = mails[f"Your order {second} is on its way"]
    assert english["Content-Language"] == "en" and "Hello Customer 2," in _plain(english)
    assert "Expected delivery: " in _plain(english)
    assert mails[f"Ihre Bestellung {third} ist unterwegs"]["Content-Language"] == "de"
    # The tracking number in the mail is the package's.
    with station.db.reading() as s:
        tracking = s.execute(
            text(
                "SELECT p.tracking_number FROM package p JOIN sales_order so ON so.id = p.order_id "
                "WHERE so.number = :o"
            ),
            {"o": first},
        ).scalar_one()
    assert tracking in _plain(german) and f"<code>{tracking}</code>" in _html(german)


def test_the_language_chain_is_customer_english_warehouse() -> None:
    assert languages("de", "en") == ("de", "en")
    assert languages("", "de") == ("de", "en")
    assert languages("fr", "de") == ("fr", "en", "de")
    # Nothing from data becomes a path.
    assert languages("../../etc", "en") == ("en",)
    # Every kind a customer receives has an English and a German text and HTML part.
    for kind in (
        "track_trace",
        "delivery_followup",
        "return_authorised",
        "return_received",
        "refund_issued",
    ):
        for lang in ("en", "de"):
            assert (SHIPPED / lang / f"{kind}.txt").is_file()
            assert (SHIPPED / lang / f"{kind}.html").is_file()


def test_hostile_names_and_reasons_are_escaped_in_html_and_harmless_in_text(
    station: Station, smtp: SmtpServerFixture
) -> None:
    (order,) = _ship(station, {1: "en"}, names={1: HOSTILE})
    rma = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(station.floor.sku(1), 1)],
        reason="damaged",
        resolution="refund",
        note='<img src=x onerror="alert(1)"> {{ config }}',
    ).rma
    smtp.start()
    assert send_due(station.db, parse_smtp_url(smtp.url)).sent == 2
    mails = _by_subject(smtp)
    for mail in (
        mails[f"Your order {order} is on its way"],
        mails[f"Your return {rma} for order {order}"],
    ):
        html, plain = _html(mail), _plain(mail)
        assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "{{ 7*7 }} {% raw %}" in html
        # Text: the name as written, less control characters; no extra header line.
        assert '<script>alert("x")</script> {{ 7*7 }} {% raw %} [31mred\nBcc: evil@x.org' in plain
        assert "\x1b" not in plain and "\r" not in plain
        assert mail["Bcc"] is None
    authorised = mails[f"Your return {rma} for order {order}"]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; {{ config }}" in _html(authorised)
    assert '<img src=x onerror="alert(1)"> {{ config }}' in _plain(authorised)
    assert all(to == ["t00001@example.com"] for _, to in smtp.mailbox.envelopes)


def _own_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    folder = tmp_path / "templates"
    (folder / "de").mkdir(parents=True)
    (folder / "de" / "track_trace.txt").write_text(body, encoding="utf-8")
    monkeypatch.setenv("WMS_EMAIL_TEMPLATES", str(folder))
    return folder


def _notice(db: Database) -> Notification:
    with db.reading() as s:
        (n,) = s.execute(text("SELECT id FROM notification")).scalars()
        got = s.get(Notification, n)
        assert got is not None
        return got


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("Subject: Bestellung {{ order }\n\nkaputt\n", "de/track_trace.txt line 1 is broken"),
        ("Subject: {{ order }}\n\n{{ no_such_value }}\n", "cannot be filled in"),
        ("no subject line\n", "must start with a 'Subject:' line"),
    ],
)
def test_a_broken_template_fails_the_notice_which_is_sent_once_fixed(
    station: Station,
    smtp: SmtpServerFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    reason: str,
) -> None:
    folder = _own_templates(tmp_path, monkeypatch, template)
    (order,) = _ship(station, {1: "de"})
    smtp.start()
    report = send_due(station.db, parse_smtp_url(smtp.url))
    assert (report.sent, report.failed) == (0, 1)
    assert smtp.mailbox.messages == []
    n = _notice(station.db)
    assert n.status == NoticeStatus.FAILED and n.last_error.startswith("template problem: ")
    assert reason in n.last_error
    # The shop fixes its template; the manager sends the notice again.
    (folder / "de" / "track_trace.txt").write_text(
        "Subject: Unterwegs: {{ order }}\n\nHallo {{ name }}, {{ tracking | join(' ') }}\n",
        encoding="utf-8",
    )
    assert n.id is not None
    outbox.retry(station.db, station.floor.actors["boss"], n.id)
    assert send_due(station.db, parse_smtp_url(smtp.url)).sent == 1
    (mail,) = smtp.mailbox.messages
    assert mail["Subject"] == f"Unterwegs: {order}" and "Hallo Customer 1," in _plain(mail)  # type: ignore[arg-type]


def test_a_kind_without_any_template_fails_with_where_it_looked(
    station: Station, smtp: SmtpServerFixture
) -> None:
    (order,) = _ship(station, {1: "de"})
    with station.db.transaction() as s:
        s.execute(text("UPDATE notification SET kind = 'mystery'"))
    smtp.start()
    assert send_due(station.db, parse_smtp_url(smtp.url)).failed == 1
    n = _notice(station.db)
    assert n.status == NoticeStatus.FAILED
    assert "no e-mail template for 'mystery': looked for de/mystery.txt, en/mystery.txt" in (
        n.last_error
    )
    assert order and smtp.mailbox.messages == []


def test_a_customer_without_an_address_gets_a_visible_no_address_notice(
    station: Station, smtp: SmtpServerFixture
) -> None:
    numbers = [station.floor.order([(1, 1)])]
    with station.db.transaction() as s:
        s.execute(text("UPDATE customer SET email = ''"))
    closed = [pack_tote(station, t) for t in station.pick_all()]
    done = manifest(station.db, station.packer, carrier=str(closed[0]["carrier"]))
    assert done.no_email == tuple(numbers) and done.notices == 0
    n = _notice(station.db)
    assert n.status == NoticeStatus.NO_ADDRESS and n.kind == "track_trace"
    assert n.last_error == "no e-mail address: the customer has none"
    smtp.start()
    assert send_due(station.db, parse_smtp_url(smtp.url)).sent == 0  # never claimed
    # Customer service adds the address; the notice goes out on retry, to it.
    with station.db.transaction() as s:
        s.execute(text("UPDATE customer SET email = 'late@example.com'"))
    assert n.id is not None
    outbox.retry(station.db, station.floor.actors["boss"], n.id)
    assert send_due(station.db, parse_smtp_url(smtp.url)).sent == 1
    assert smtp.mailbox.envelopes[0][1] == ["late@example.com"]


def test_the_language_comes_with_the_imported_order(station: Station) -> None:
    from dataclasses import replace

    from tests import factories as f
    from wms_terminal.core.auth import SYSTEM
    from wms_terminal.core.intake import import_orders

    spec = replace(
        f.order("LANG1", [(station.floor.sku(1), 1)]),
        customer_email="lang@example.com",
        customer_language="de",
    )
    import_orders(station.db, [spec], actor=SYSTEM)
    with station.db.reading() as s:
        got = s.execute(
            text("SELECT language FROM customer WHERE email = 'lang@example.com'")
        ).scalar_one()
    assert got == "de"
