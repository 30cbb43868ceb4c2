"""Notices leave the outbox by e-mail: a real SMTP server on 127.0.0.1 reads what arrives."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from wms_terminal.core.auth import SYSTEM, Actor
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.models import NoticeStatus, Notification
from wms_terminal.notices import outbox as ob
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url

from .conftest import Outbox, SmtpServerFixture, accept_user, server_tls

NOW = timedelta(0)


def _rows(db: Database) -> list[Notification]:
    with db.reading() as s:
        return list(s.exec(select(Notification).order_by(Notification.id)))  # type: ignore[arg-type]


def test_a_notice_is_mailed_once_to_the_warehouse_managers(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    (nid,) = outbox.add(subject="PO-0000001: reorder 40 x SKU-00001")
    smtp.start()
    server = parse_smtp_url(smtp.url)

    report = send_due(outbox.db, server, mail_from="wms@example.com")
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    # A second pass finds nothing due: nothing is sent twice.
    assert send_due(outbox.db, server).sent == 0

    (mail,) = smtp.mailbox.messages
    assert smtp.mailbox.envelopes == [("wms@example.com", ["maria@example.com"])]  # not the picker
    assert str(mail["Subject"]).strip() == (
        "[wms-terminal MAIN] Purchase order raised: PO-0000001: reorder 40 x SKU-00001"
    )
    assert mail["X-WMS-Notice-Id"] == str(nid)
    text = mail.get_payload(decode=True).decode()
    assert "Body of notice 1" in text and f"Notice {nid} raised" in text
    (row,) = _rows(outbox.db)
    assert row.status == NoticeStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.last_error == "" and row.claimed_by == ""


def test_a_refused_connection_is_retried_with_back_off_then_sent(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    outbox.add(3)
    server = parse_smtp_url(smtp.url)  # nothing listens there yet

    first = send_due(outbox.db, server)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    rows = _rows(outbox.db)
    # The first notice was tried and waits; the others were handed back untried.
    assert [r.attempts for r in rows] == [1, 0, 0]
    assert all(r.status == NoticeStatus.PENDING for r in rows)
    assert "cannot deliver to smtp://127.0.0.1" in rows[0].last_error
    assert rows[0].next_attempt_at is not None
    wait = rows[0].next_attempt_at - rows[0].created_at
    assert timedelta(seconds=25) < wait < timedelta(seconds=40)  # base delay 30 s

    smtp.start()
    second = send_due(outbox.db, server)
    assert second.sent == 2  # the first notice is still backing off
    assert smtp.mailbox.notice_ids() == [rows[1].id, rows[2].id]
    # Back-off over (its due time passed): sent on the next pass, once.
    with outbox.db.transaction() as s:
        n = s.get(Notification, rows[0].id)
        assert n is not None
        n.next_attempt_at = n.created_at
    assert send_due(outbox.db, server).sent == 1
    assert smtp.mailbox.notice_ids() == sorted(r.id for r in rows if r.id)
    assert [r.attempts for r in _rows(outbox.db)] == [2, 1, 1]


def test_back_off_doubles_up_to_an_hour() -> None:
    assert [ob.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert ob.backoff(30) == timedelta(hours=1)


def test_a_refused_recipient_fails_for_good_shows_up_and_can_be_retried(
    outbox: Outbox, smtp: SmtpServerFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    (nid,) = outbox.add()
    smtp.mailbox.refuse_rcpt = "550 5.1.1 mailbox unavailable"
    smtp.start()
    server = parse_smtp_url(smtp.url)
    report = send_due(outbox.db, server)
    assert (report.sent, report.failed) == (0, 1)
    (row,) = _rows(outbox.db)
    assert row.status == NoticeStatus.FAILED and row.attempts == 1
    assert "550" in row.last_error and "maria@example.com" in row.last_error
    (failed,) = ob.list_notices(outbox.db, failed_only=True)
    assert failed.id == nid and failed.to_json()["status"] == "failed"

    picker = Actor(2, "pat", "picker", "T1")
    with pytest.raises(PermissionDenied):
        ob.retry(outbox.db, picker, nid)
    smtp.mailbox.refuse_rcpt = ""
    view = ob.retry(outbox.db, SYSTEM, nid)
    assert view.status == NoticeStatus.PENDING and view.attempts == 0
    with pytest.raises(ValidationError, match="not failed"):
        ob.retry(outbox.db, SYSTEM, nid)
    with pytest.raises(NotFound, match="no notice 99999999999999999999"):
        ob.retry(outbox.db, SYSTEM, 99999999999999999999)  # past the column: no notice
    assert send_due(outbox.db, server).sent == 1
    assert smtp.mailbox.notice_ids() == [nid]


def test_a_notice_nobody_can_receive_ends_as_no_address_until_retried(
    outbox: Outbox,
    smtp: SmtpServerFixture,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests import factories as f
    from wms_terminal.cli import main
    from wms_terminal.core.auth import create_user

    with outbox.db.transaction() as s:
        boss = f.cli_user(s, "mia", "manager")
    (nobody,) = outbox.add(kind="", subject="to nobody")
    with outbox.db.transaction() as s:
        n = s.get(Notification, nobody)
        assert n is not None
        n.recipient_role = "supervisor"  # no supervisor has an address
        s.add(n)
    (ok,) = outbox.add(subject="to the managers")
    smtp.start()
    monkeypatch.setenv("WMS_SMTP_URL", smtp.url)
    monkeypatch.setenv("WMS_PIN", f.CLI_PIN)
    db = ["--database", db_url]

    # Not a failure: the command says so and exits 0; the notice waits as no_address.
    assert main(["notices", "send", "--once", *db, *boss]) == 0
    out = capsys.readouterr().out
    assert "sent 1, retrying later 0, failed 0, no e-mail address 1" in out
    assert f"notice {nobody}: no e-mail address: no active user of the role supervisor" in out
    assert smtp.mailbox.notice_ids() == [ok]
    row = {r.id: r for r in _rows(outbox.db)}[nobody]
    assert row.status == NoticeStatus.NO_ADDRESS and row.attempts == 1
    assert "MAIN" in row.last_error and row.claimed_by == ""
    assert main(["notices", "list", "--status", "no_address", "--json", *db]) == 0
    (listed,) = json.loads(capsys.readouterr().out)["notices"]
    assert listed["id"] == nobody and listed["status"] == "no_address"

    # Never retried by itself: the next passes leave it alone.
    assert send_due(outbox.db, parse_smtp_url(smtp.url)).no_address == 0
    assert {r.id: r for r in _rows(outbox.db)}[nobody].attempts == 1

    # Someone gives a supervisor an address and sends it again.
    with outbox.db.transaction() as s:
        create_user(
            s,
            username="sue",
            name="Sue",
            role="supervisor",
            pin="1234",
            warehouse_id=outbox.warehouse_id,
            email="sue@x.org",
        )
    assert main(["notices", "retry", str(nobody), *db, *boss]) == 0
    capsys.readouterr()
    assert main(["notices", "send", "--once", *db, *boss]) == 0
    assert "sent 1" in capsys.readouterr().out
    assert smtp.mailbox.notice_ids() == sorted([nobody, ok])
    assert smtp.mailbox.envelopes[-1][1] == ["sue@x.org"]
    assert {r.id: r for r in _rows(outbox.db)}[nobody].status == NoticeStatus.SENT


def test_two_senders_at_once_send_every_notice_once(
    outbox: Outbox, smtp: SmtpServerFixture, db_url: str
) -> None:
    ids = outbox.add(40)
    smtp.start()
    server = parse_smtp_url(smtp.url)
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def sender(name: str) -> None:
        db = Database(make_engine(db_url))  # its own engine and connections
        try:
            start.wait()
            while True:
                report = send_due(db, server, sender=name, limit=3)
                sent.append(report.sent)
                if report.sent == 0:
                    break
        except BaseException as exc:  # shown below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=sender, args=(f"sender-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert smtp.mailbox.notice_ids() == ids  # each exactly once
    assert sum(sent) == len(ids)
    assert {r.status for r in _rows(outbox.db)} == {NoticeStatus.SENT}


def test_login_and_starttls_with_the_password_never_stored(
    outbox: Outbox, smtp: SmtpServerFixture, tls_files: tuple
) -> None:
    cert, key = tls_files
    outbox.add(2)
    smtp.start(
        tls_context=server_tls(cert, key),
        require_starttls=True,
        authenticator=accept_user("wms", "right-pw"),
        auth_require_tls=True,
    )
    wrong = parse_smtp_url(f"smtp+starttls://wms:wrong-pw@127.0.0.1:{smtp.port}?cafile={cert}")
    assert send_due(outbox.db, wrong, limit=1).failed == 1
    failed = _rows(outbox.db)[0]
    assert "login as wms refused: 535" in failed.last_error
    assert "wrong-pw" not in failed.last_error
    right = parse_smtp_url(f"smtp+starttls://wms:right-pw@127.0.0.1:{smtp.port}?cafile={cert}")
    assert send_due(outbox.db, right).sent == 1
    assert len(smtp.mailbox.messages) == 1


def test_implicit_tls(outbox: Outbox, smtp: SmtpServerFixture, tls_files: tuple) -> None:
    cert, key = tls_files
    outbox.add()
    smtp.start(ssl_context=server_tls(cert, key))
    server = parse_smtp_url(f"smtps://127.0.0.1:{smtp.port}?cafile={cert}&timeout=5")
    assert server.implicit_tls and not server.starttls
    assert send_due(outbox.db, server).sent == 1
    assert len(smtp.mailbox.messages) == 1


def test_the_command_line_sends_lists_failures_and_retries(
    outbox: Outbox,
    smtp: SmtpServerFixture,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests import factories as f
    from wms_terminal.cli import main

    with outbox.db.transaction() as s:
        boss = f.cli_user(s, "mia", "manager")
        picker = f.cli_user(s, "pip", "picker")
    (nid,) = outbox.add()
    smtp.mailbox.refuse_rcpt = "550 5.1.1 mailbox unavailable"
    smtp.start()
    monkeypatch.setenv("WMS_SMTP_URL", f"smtp://relay:pw-secret@127.0.0.1:{smtp.port}?timeout=5")
    monkeypatch.setenv("WMS_PIN", f.CLI_PIN)
    db = ["--database", db_url]

    monkeypatch.delenv("WMS_SMTP_URL")
    assert main(["notices", "send", "--once", *db, *boss]) == 2
    assert "set WMS_SMTP_URL" in capsys.readouterr().err
    monkeypatch.setenv("WMS_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}?timeout=5")
    assert main(["notices", "send", "--once", *db]) == 6  # nobody said who
    assert main(["notices", "send", "--once", *db, *picker]) == 6
    capsys.readouterr()
    assert main(["notices", "send", "--once", *db, *boss]) == 1  # one failed
    out, err = capsys.readouterr()
    assert "sent 0, retrying later 0, failed 1" in out and "550" in err

    assert main(["notices", "list", "--failed", "--json", *db]) == 0
    (row,) = json.loads(capsys.readouterr().out)["notices"]
    assert (row["id"], row["status"], row["attempts"]) == (nid, "failed", 1)
    assert "550 5.1.1 mailbox unavailable" in row["last_error"]
    assert main(["notices", "list", "--failed", *db]) == 0
    assert "last error: recipients refused" in capsys.readouterr().out

    smtp.mailbox.refuse_rcpt = ""
    assert main(["notices", "retry", str(nid), *db, *picker]) == 6
    assert main(["notices", "retry", str(nid), *db, *boss]) == 0
    assert f"notice {nid} queued again" in capsys.readouterr().out
    assert main(["notices", "send", "--once", *db, *boss]) == 0
    assert "sent 1" in capsys.readouterr().out
    assert smtp.mailbox.notice_ids() == [nid]
    assert main(["notices", "list", "--failed", *db]) == 0
    assert "no failed notices" in capsys.readouterr().out


def _die_while_sending(outbox: Outbox, name: str, *, handed_over: bool, server=None) -> None:
    """A sender claims every due notice and stops (killed) before it records anything; with
    `handed_over` the SMTP server had already accepted the messages."""
    from wms_terminal.notices.smtp import send_message
    from wms_terminal.notices.templates import render

    for notice in ob.claim_due(outbox.db, name):
        if handed_over:
            send_message(server, render(notice, sender="wms@example.com"))


def _lease_runs_out(db: Database) -> None:
    with db.transaction() as s:
        for n in s.exec(select(Notification)):
            if n.claimed_until is not None:
                n.claimed_until = n.claimed_until - ob.LEASE - timedelta(seconds=1)
                s.add(n)


def test_a_notice_whose_sender_died_is_sent_again_once(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    ids = outbox.add(2)
    smtp.start()
    server = parse_smtp_url(smtp.url)
    _die_while_sending(outbox, "killed", handed_over=False)
    # While the dead sender's lease runs, nobody sends its notices (it might still be alive).
    assert send_due(outbox.db, server, sender="other").sent == 0
    assert {r.status for r in _rows(outbox.db)} == {NoticeStatus.SENDING}

    _lease_runs_out(outbox.db)
    report = send_due(outbox.db, server, sender="other", mail_from="wms@example.com")
    assert (report.sent, report.failed) == (2, 0)
    assert smtp.mailbox.notice_ids() == ids  # each once
    rows = _rows(outbox.db)
    assert {r.status for r in rows} == {NoticeStatus.SENT}
    assert [r.attempts for r in rows] == [2, 2]  # the dead sender's claim counted
    assert send_due(outbox.db, server, sender="third").sent == 0


def test_at_least_once_a_copy_after_a_death_past_the_server_has_the_same_message_id(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    (nid,) = outbox.add(1)
    smtp.start()
    server = parse_smtp_url(smtp.url)
    _die_while_sending(outbox, "killed", handed_over=True, server=server)
    _lease_runs_out(outbox.db)
    assert send_due(outbox.db, server, sender="other", mail_from="wms@example.com").sent == 1
    first, again = smtp.mailbox.messages
    assert first["X-WMS-Notice-Id"] == again["X-WMS-Notice-Id"] == str(nid)
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].startswith(f"<wms-notice-{nid}.")


def test_a_slow_sender_whose_claim_was_taken_over_does_not_send_it(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    (nid,) = outbox.add(1)
    smtp.start()
    server = parse_smtp_url(smtp.url)
    (slow,) = ob.claim_due(outbox.db, "slow")
    _lease_runs_out(outbox.db)
    assert send_due(outbox.db, server, sender="fast").sent == 1
    # The slow sender wakes up: its hold is refused, so it does not send the notice again.
    assert not ob.hold(outbox.db, slow.id, "slow")
    assert smtp.mailbox.notice_ids() == [nid]
    assert not ob.mark_sent(outbox.db, slow.id, "slow")


def test_a_notice_that_keeps_stopping_its_sender_fails_after_its_attempts(
    outbox: Outbox, smtp: SmtpServerFixture
) -> None:
    outbox.add(1)
    for n in range(3):
        _die_while_sending(outbox, f"killed-{n}", handed_over=False)
        _lease_runs_out(outbox.db)
    ob.claim_due(outbox.db, "next", max_attempts=3)
    (row,) = _rows(outbox.db)
    assert row.status == NoticeStatus.FAILED and row.attempts == 3
    assert row.last_error == "the sender stopped while sending; out of 3 attempts"
