"""Webhooks against a real local HTTP server that answers 500, stalls and drops connections:
every event is delivered at least once, signed, with its event id; failed tries wait a back-off;
out of attempts a delivery fails visibly and `webhooks retry` sends it again; a sender that dies
mid-send leaves its claim to expire and the event goes out again (same id)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests import factories as f
from tests.events.hook_server import HookServer
from tests.picking.helpers import rows, scalar
from wms_terminal.cli import main
from wms_terminal.core import events, webhook_deliveries, webhooks
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.models import UserKind, WebhookDelivery
from wms_terminal.core.models._base import utcnow
from wms_terminal.webhooks.sender import send_due
from wms_terminal.webhooks.signing import verify

NOW = timedelta(0)


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    server = HookServer(stall_s=2.0)
    yield server
    server.stop()


def _people(db: Database) -> Actor:
    """A manager, and the integration account `shop`; the manager."""
    with db.transaction() as s:
        boss = create_user(s, username="boss", name="Boss", role="manager", pin=f.CLI_PIN)
        create_user(
            s, username="shop", name="Shop", role="supervisor", pin="x" * 20,
            kind=UserKind.INTEGRATION,
        )  # fmt: skip
        assert boss.id is not None
        return Actor(boss.id, "boss", "manager", terminal="T1")


def _emit(db: Database, n: int = 1, kind: str = events.ORDER_SHIPPED) -> list[int]:
    return [
        db.run(lambda s, i=i: events.emit(s, kind, warehouse_id=None, order=f"SO-{i}"))
        for i in range(n)
    ]


def _delivery(db: Database, event_id: int) -> WebhookDelivery:
    with db.reading() as s:
        return s.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)).one()


def test_a_500_a_stall_and_a_dropped_connection_are_retried_then_delivered_signed(
    db: Database, hooks: HookServer
):
    boss = _people(db)
    hook, secret = webhooks.add_webhook(db, boss, account="shop", url=hooks.url)
    (event_id,) = _emit(db)
    hooks.script = ["500", "stall", "drop", "ok"]
    errors = []
    for expected in ("HTTP 500", "no answer within 0.5 s", "connection dropped before an answer"):
        before = utcnow()
        report = send_due(db, timeout=0.5, base_delay=timedelta(seconds=40))
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        d = _delivery(db, event_id)
        assert (d.status, d.last_error) == ("pending", expected)
        # The back-off: 40 s, then 80 s, then 160 s; nothing is due before.
        assert d.next_attempt_at is not None
        wait = d.next_attempt_at - before
        assert (
            timedelta(seconds=40 * 2 ** (d.attempts - 1))
            <= wait
            < timedelta(seconds=40 * 2 ** (d.attempts - 1) + 5)
        )
        assert send_due(db, timeout=0.5).sent == 0  # not due yet
        with db.transaction() as s:  # time passes
            s.get(WebhookDelivery, d.id).next_attempt_at = utcnow()  # type: ignore[union-attr]
        errors.append(d.last_error)
    report = send_due(db, timeout=0.5)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    d = _delivery(db, event_id)
    assert (d.status, d.attempts, d.sent_at is not None) == ("sent", 4, True)
    # Four tries reached the server, each the same event, id and a valid signature.
    assert len(hooks.received) == 4
    for got in hooks.received:
        assert got.path == "/hooks/wms"
        assert got.headers["X-WMS-Event-Id"] == str(event_id)
        assert got.headers["X-WMS-Event"] == "order.shipped"
        assert verify(secret, got.body, got.headers["X-WMS-Signature"])
        assert not verify("whsec_wrong", got.body, got.headers["X-WMS-Signature"])
        body = json.loads(got.body)
        assert (body["id"], body["kind"], body["data"]) == (
            event_id,
            "order.shipped",
            {"order": "SO-0"},
        )
    assert not verify(secret, hooks.received[0].body + b" ", hooks.received[0].headers[
        "X-WMS-Signature"])  # fmt: skip
    # The receiver's check of docs/events.md accepts the real deliveries, and nothing else.
    doc_check = _documented_check()
    assert all(doc_check(secret, r.body, r.headers["X-WMS-Signature"]) for r in hooks.received)
    assert not doc_check(secret, b"{}", hooks.received[0].headers["X-WMS-Signature"])
    # Sent once: nothing more goes out.
    assert send_due(db).sent == 0 and len(hooks.received) == 4
    assert webhooks.list_webhooks(db)[0].counts == {"sent": 1}
    assert hook.id is not None


def test_out_of_attempts_it_fails_visibly_and_a_retry_sends_it(db: Database, hooks: HookServer):
    boss = _people(db)
    webhooks.add_webhook(db, boss, account="shop", url=hooks.url)
    (event_id,) = _emit(db)
    hooks.script = ["503", "503"]
    send_due(db, base_delay=NOW, max_attempts=2)
    report = send_due(db, base_delay=NOW, max_attempts=2)
    assert (report.failed, report.errors) == (1, [f"webhook 1 event {event_id}: HTTP 503"])
    assert _delivery(db, event_id).status == "failed"
    (failed,) = webhooks.list_deliveries(db, status="failed")
    assert (failed.event_id, failed.attempts, failed.last_error) == (event_id, 2, "HTTP 503")
    assert webhooks.list_webhooks(db)[0].last_error == "HTTP 503"
    assert send_due(db).sent == 0  # failed stays failed until someone looks
    with pytest.raises(ValidationError, match="not failed"):
        webhooks.retry(db, boss, delivery_id=_emit_and_deliver_id(db))
    assert webhooks.retry(db, boss, delivery_id=failed.id) == 1
    assert send_due(db).sent == 2  # the retried one and the new one
    assert _delivery(db, event_id).status == "sent"
    assert [body["id"] for body in (json.loads(r.body) for r in hooks.received)][-2:] == [
        event_id,
        event_id + 1,
    ]


def _documented_check() -> Callable[[str, bytes, str], bool]:
    """verify_wms_signature as docs/events.md shows it, run as written."""
    text = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    found = re.search(r"```python\n(.*?)```", text, re.S)
    assert found, "docs/events.md shows the signature check"
    scope: dict[str, Any] = {}
    exec(compile(found.group(1), "docs/events.md", "exec"), scope)
    check: Callable[[str, bytes, str], bool] = scope["verify_wms_signature"]
    return check


def _emit_and_deliver_id(db: Database) -> int:
    (event_id,) = _emit(db)
    return int(_delivery(db, event_id).id or 0)


def test_a_sender_that_dies_mid_send_leaves_the_event_to_go_out_again(
    db: Database, hooks: HookServer
):
    boss = _people(db)
    webhooks.add_webhook(db, boss, account="shop", url=hooks.url)
    (event_id,) = _emit(db)
    (claimed,) = webhook_deliveries.claim_due(db, "dead-sender")
    assert webhook_deliveries.claim_due(db, "another") == []  # held by the first
    # The lease runs out: the next sender takes it again, and the dead one can record nothing.
    later = utcnow() + webhook_deliveries.LEASE + timedelta(seconds=1)
    (again,) = webhook_deliveries.claim_due(db, "alive", now=later)
    assert again.event.id == claimed.event.id == event_id and again.attempt == 2
    # The first sender, back to life, may not send it (its hold finds the claim gone) nor
    # record it.
    assert webhook_deliveries.hold(db, [claimed.id], "dead-sender")[0] == set()
    assert webhook_deliveries.hold(db, [again.id], "alive")[0] == {again.id}
    assert not webhook_deliveries.mark_sent(db, claimed.id, "dead-sender")
    assert webhook_deliveries.mark_sent(db, again.id, "alive")
    assert _delivery(db, event_id).status == "sent"


def test_a_dead_endpoint_costs_one_attempt_per_pass_and_filters_and_removal(
    db: Database, hooks: HookServer
):
    boss = _people(db)
    dead, _ = webhooks.add_webhook(db, boss, account="shop", url="http://127.0.0.1:9/x")
    only, _ = webhooks.add_webhook(
        db, boss, account="shop", url=hooks.url, kinds="stock.low, order.refunded"
    )
    assert only.kinds == "order.refunded,stock.low"
    _emit(db, 3)
    _emit(db, 1, events.STOCK_LOW)
    report = send_due(db, base_delay=NOW)
    assert (report.sent, report.retrying) == (1, 1)  # stock.low to the live one; one try dead
    assert report.errors == ["webhook 1 event 1: connection refused"]
    assert rows(
        db, "SELECT event_id, attempts, status FROM webhook_delivery WHERE webhook_id = 1 "
        "ORDER BY event_id"
    ) == [(1, 1, "pending"), (2, 0, "pending"), (3, 0, "pending"), (4, 0, "pending")]  # fmt: skip
    assert [json.loads(r.body)["kind"] for r in hooks.received] == ["stock.low"]
    assert webhooks.remove_webhook(db, boss, dead.id) == 4
    assert scalar(db, "SELECT COUNT(*) FROM webhook_delivery WHERE webhook_id = 1") == 0
    with pytest.raises(NotFound):
        webhooks.remove_webhook(db, boss, dead.id)
    _emit(db, 1)  # only the filtered webhook is left, and it does not want order.shipped
    assert scalar(db, "SELECT COUNT(*) FROM webhook_delivery") == 1


def test_bad_webhooks_are_refused_and_only_managers_manage_them(db: Database):
    boss = _people(db)
    with pytest.raises(ValidationError, match="http:// or https://"):
        webhooks.add_webhook(db, boss, account="shop", url="ftp://example.com/x")
    for url in ("http://[::1/x", "http://e.example:notaport/x", "http://e.example:99999/x"):
        with pytest.raises(ValidationError, match="http:// or https://"):
            webhooks.add_webhook(db, boss, account="shop", url=url)
    # A login in the URL would be listed in clear: refused, and never echoed back.
    for url in ("https://shop:s3cret@e.example/x", "ftp://shop:s3cret@e.example/x"):
        with pytest.raises(ValidationError, match="no user or password") as refused:
            webhooks.add_webhook(db, boss, account="shop", url=url)
        assert "s3cret" not in str(refused.value)
    with pytest.raises(ValidationError, match="unknown event kind"):
        webhooks.add_webhook(db, boss, account="shop", url="https://e.example/x", kinds="x.y")
    with pytest.raises(NotFound, match="no active integration account"):
        webhooks.add_webhook(db, boss, account="boss", url="https://e.example/x")
    webhooks.add_webhook(db, boss, account="shop", url="https://e.example/x")
    with pytest.raises(ValidationError, match="already"):
        webhooks.add_webhook(db, boss, account="shop", url="https://e.example/x")
    with pytest.raises(PermissionDenied):
        webhooks.add_webhook(
            db, Actor(boss.user_id, "sue", "supervisor"), account="shop", url="https://e.example/y"
        )
    assert scalar(db, "SELECT COUNT(*) FROM webhook") == 1
    # A webhook id past what the column holds is just no webhook (it crashed the driver).
    assert webhooks.list_deliveries(db, webhook_id=10**20) == []


def test_the_webhooks_command_walks_add_work_fail_retry_remove(
    db: Database, db_url: str, hooks: HookServer, wms_pin: str, capsys: pytest.CaptureFixture[str]
):
    _people(db)
    badge = ["--badge", str(scalar(db, "SELECT badge_code FROM app_user WHERE username = 'boss'"))]
    base = ["--database", db_url]
    assert main(["webhooks", "add", "--integration", "shop", "--url", hooks.url, "--json",
                 *base, *badge]) == 0  # fmt: skip
    added = json.loads(capsys.readouterr().out)
    assert added["webhook"] == 1 and added["secret"].startswith("whsec_")
    (event_id,) = _emit(db)
    hooks.script = ["500"] * 10
    for _ in range(webhook_deliveries.MAX_ATTEMPTS):
        with db.transaction() as s:
            for d in s.exec(select(WebhookDelivery)):
                d.next_attempt_at = None
                s.add(d)
        main(["webhooks", "work", "--once", *base, *badge])
    out = capsys.readouterr()
    assert "failed 1" in out.out and "HTTP 500" in out.err
    assert main(["webhooks", "list", *base]) == 0
    listed = capsys.readouterr().out
    assert "failed 1" in listed and "last error: HTTP 500" in listed
    assert main(["webhooks", "deliveries", "--status", "failed", "--json", *base]) == 0
    (failed,) = json.loads(capsys.readouterr().out)["deliveries"]
    assert (failed["event"], failed["attempts"]) == (event_id, webhook_deliveries.MAX_ATTEMPTS)
    assert main(["webhooks", "retry", "--webhook", "1", *base, *badge]) == 0
    assert "1 delivery queued again" in capsys.readouterr().out
    assert main(["webhooks", "work", "--once", *base, *badge]) == 0
    assert "sent 1" in capsys.readouterr().out
    assert main(["events", "list", "--json", *base]) == 0
    feed = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in feed["events"]] == [event_id] and feed["next_after"] == event_id
    assert main(["webhooks", "remove", "1", *base, *badge]) == 0
    assert "webhook 1 removed (0 unsent" in capsys.readouterr().out
    assert main(["webhooks", "retry", "7", *base, *badge]) == NotFound("").exit_code
    assert "no webhook delivery 7" in capsys.readouterr().err
