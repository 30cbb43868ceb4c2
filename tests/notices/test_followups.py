"""Delivered events and the follow-up e-mail: `shipments delivered FILE` sets the delivery date;
the sweep queues one follow-up per order WMS_FOLLOWUP_DAYS after delivery, never to a customer
who opted out; `notices send` mails it."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import Address, Customer, Notification, Package, SalesOrder
from wms_terminal.notices.followups import KIND, queue_followups
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url

from .conftest import SmtpServerFixture

SHIPPED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DELIVERED = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)


def _shipped_order(
    s: Session, wid: int, n: int, *, opted_out: bool = False, packages: int = 1
) -> list[str]:
    customer = Customer(name=f"Customer {n}", email=f"c{n}@example.com", followup_opt_out=opted_out)
    s.add(customer)
    s.flush()
    assert customer.id is not None
    addr = Address(customer_id=customer.id, name=customer.name, country="NL")
    s.add(addr)
    s.flush()
    assert addr.id is not None
    order = SalesOrder(
        number=f"SO-{n:05d}",
        channel="web",
        external_id=f"E{n}",
        warehouse_id=wid,
        customer_id=customer.id,
        ship_address_id=addr.id,
        currency="EUR",
        total=Decimal("10.00"),
        status="shipped",
    )
    s.add(order)
    s.flush()
    assert order.id is not None
    tracking = [f"TRK{n:03d}{i}" for i in range(packages)]
    for i, t in enumerate(tracking):
        s.add(
            Package(
                warehouse_id=wid,
                order_id=order.id,
                seq=i + 1,
                status="shipped",
                tracking_number=t,
                shipped_at=SHIPPED,
            )
        )
    s.flush()
    return tracking


@pytest.fixture
def shop(db: Database) -> Database:
    with db.transaction() as s:
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        assert wh.id is not None
        _shipped_order(s, wh.id, 1)
        _shipped_order(s, wh.id, 2, opted_out=True)
        _shipped_order(s, wh.id, 3, packages=2)
    return db


def _delivered(db_url: str, path: Path, badge: list[str]) -> int:
    return main(["shipments", "delivered", str(path), "--json", "--database", db_url, *badge])


def _dates(db: Database) -> dict[str, datetime | None]:
    with db.reading() as s:
        return {p.tracking_number: p.delivered_at for p in s.exec(select(Package))}


def _followups(db: Database) -> list[Notification]:
    with db.reading() as s:
        stmt = select(Notification).where(Notification.kind == KIND)
        return list(s.exec(stmt.order_by(col(Notification.id))))


def test_a_delivered_file_sets_the_dates_and_a_rerun_changes_nothing(
    shop: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], wms_pin: str
) -> None:
    with shop.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
    csv_file = tmp_path / "delivered.csv"
    csv_file.write_text(
        "tracking_number,delivered_at\nTRK0010,2026-11-22T14:30:00Z\n"
        "TRK0030,2026-11-22T15:30:00+01:00\n"
    )
    assert _delivered(db_url, csv_file, badge) == 0
    assert json.loads(capsys.readouterr().out) == {"delivered": 2, "unchanged": 0}
    dates = _dates(shop)
    assert dates["TRK0010"] == DELIVERED and dates["TRK0030"] == DELIVERED
    assert dates["TRK0031"] is None and dates["TRK0020"] is None

    assert _delivered(db_url, csv_file, badge) == 0
    assert json.loads(capsys.readouterr().out) == {"delivered": 0, "unchanged": 2}

    json_file = tmp_path / "delivered.json"
    json_file.write_text(
        json.dumps({"deliveries": [{"tracking_number": "TRK0031", "delivered_at": "2026-11-22"}]})
    )
    assert _delivered(db_url, json_file, badge) == 0
    assert _dates(shop)["TRK0031"] == datetime(2026, 11, 22, tzinfo=UTC)


def test_a_file_with_problems_sets_nothing_and_names_every_one(
    shop: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], wms_pin: str
) -> None:
    with shop.transaction() as s:
        badge = f.cli_user(s, "dock", "packer")
    bad = tmp_path / "delivered.csv"
    bad.write_text(
        "tracking_number,delivered_at\n"
        "TRK0010,2026-11-22T14:30:00Z\n"  # fine, but the file has problems
        "NOPE,2026-11-22T14:30:00Z\n"
        "TRK0020,yesterday\n"
        ",2026-11-22\n"
        "TRK0030,2026-11-01T00:00:00Z\n"  # before it shipped
        "TRK0031,2099-01-01T00:00:00Z\n"
    )
    assert _delivered(db_url, bad, badge) != 0
    err = capsys.readouterr().err
    assert "5 problem(s), nothing imported" in err
    for where in ("line 3", "line 4", "line 5", "line 6", "line 7"):
        assert where in err
    assert "no package with tracking NOPE" in err and "in the future" in err
    assert set(_dates(shop).values()) == {None}


def test_the_followup_goes_once_n_days_after_delivery_never_to_who_opted_out(
    shop: Database, smtp: SmtpServerFixture
) -> None:
    with shop.transaction() as s:
        for p in s.exec(select(Package)):
            if p.tracking_number != "TRK0031":  # order 3's second package is not delivered
                p.delivered_at = DELIVERED
                s.add(p)

    before = DELIVERED + timedelta(days=6, hours=23)
    assert queue_followups(shop, days=7, now=before) == 0
    after = DELIVERED + timedelta(days=7, minutes=1)
    assert queue_followups(shop, days=7, now=after) == 1  # order 1; 2 opted out, 3 waits
    assert queue_followups(shop, days=7, now=after) == 0
    (note,) = _followups(shop)
    assert note.recipient_email == "c1@example.com" and "SO-00001" in note.subject

    with shop.transaction() as s:
        last = s.exec(select(Package).where(Package.tracking_number == "TRK0031")).one()
        last.delivered_at = DELIVERED + timedelta(days=2)
        s.add(last)
    assert queue_followups(shop, days=7, now=after) == 0  # order 3's last delivery is newer
    assert queue_followups(shop, days=7, now=after + timedelta(days=2)) == 1
    assert queue_followups(shop, days=7, now=after + timedelta(days=30)) == 0
    assert [n.recipient_email for n in _followups(shop)] == ["c1@example.com", "c3@example.com"]

    smtp.start()
    report = send_due(shop, parse_smtp_url(smtp.url), mail_from="shop@example.com")
    assert report.sent == 2
    got = {m["To"]: m for m in smtp.mailbox.messages}
    assert set(got) == {"c1@example.com", "c3@example.com"}
    body = got["c1@example.com"].get_body(("plain",)).get_content()
    assert "review" in body and "SO-00001" in body and "Looking after your products" in body


def test_notices_followups_reads_the_days_from_the_environment(
    shop: Database,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    wms_pin: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with shop.transaction() as s:
        badge = f.cli_user(s, "boss", "manager")
        for p in s.exec(select(Package)):
            p.delivered_at = datetime.now(UTC) - timedelta(days=3)
            s.add(p)
    args = ["notices", "followups", "--json", "--database", db_url, *badge]
    assert main(args) == 0  # default 7 days: not yet
    assert json.loads(capsys.readouterr().out) == {"queued": 0, "days": 7}
    monkeypatch.setenv("WMS_FOLLOWUP_DAYS", "2")
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == {"queued": 2, "days": 2}
    monkeypatch.setenv("WMS_FOLLOWUP_DAYS", "soon")
    assert main(args) != 0
    assert "WMS_FOLLOWUP_DAYS" in capsys.readouterr().err
    assert len(_followups(shop)) == 2


def _all_delivered(db: Database, when: datetime) -> None:
    with db.transaction() as s:
        for p in s.exec(select(Package)):
            p.delivered_at = when
            s.add(p)


def test_notices_send_sweeps_first_and_the_mail_arrives(
    shop: Database,
    db_url: str,
    smtp: SmtpServerFixture,
    capsys: pytest.CaptureFixture[str],
    wms_pin: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with shop.transaction() as s:
        badge = f.cli_user(s, "boss", "manager")
    _all_delivered(shop, datetime.now(UTC) - timedelta(days=8))
    smtp.start()
    monkeypatch.setenv("WMS_SMTP_URL", smtp.url)
    args = ["notices", "send", "--once", "--database", db_url, *badge]
    assert main(args) == 0
    assert "sent 2" in capsys.readouterr().out
    assert main(args) == 0  # a second pass: nothing more queued, nothing sent twice
    assert "sent 0" in capsys.readouterr().out
    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["c1@example.com", "c3@example.com"]


def test_two_sweeps_at_once_queue_one_notice_per_order(shop: Database, db_url: str) -> None:
    _all_delivered(shop, DELIVERED)
    at = DELIVERED + timedelta(days=8)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep() -> None:
        other = Database(make_engine(db_url))
        try:
            barrier.wait(timeout=10)
            counts.append(queue_followups(other, days=7, now=at))
        finally:
            other.dispose()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(counts) in ([0, 2], [1, 1])
    assert sorted(n.recipient_email for n in _followups(shop)) == [
        "c1@example.com",
        "c3@example.com",
    ]


def test_a_customer_opted_out_by_command_gets_no_followup_until_undone(
    shop: Database, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
) -> None:
    with shop.transaction() as s:
        badge = f.cli_user(s, "boss", "manager")
    _all_delivered(shop, DELIVERED)
    at = DELIVERED + timedelta(days=8)
    opt = ["notices", "opt-out", "--json", "--database", db_url, *badge]
    assert main([*opt, "C1@Example.com"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == 1
    assert queue_followups(shop, days=7, now=at) == 1  # order 3 only
    assert main([*opt, "nobody@example.com"]) != 0
    assert "no customer with e-mail nobody@example.com" in capsys.readouterr().err
    assert main([*opt, "c2@example.com", "--undo"]) == 0
    assert queue_followups(shop, days=7, now=at) == 1  # order 2 now
    assert sorted(n.recipient_email for n in _followups(shop)) == [
        "c2@example.com",
        "c3@example.com",
    ]
