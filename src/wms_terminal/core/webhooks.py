"""Webhooks: an integration account's URL and secret, and the outbox of deliveries a sender
works through (`wms_terminal.webhooks.sender`).

`core.events.emit` queues one delivery row per webhook wanting the event, in the transaction of
the change. A sender claims due rows through `core.leases` (the claim every outbox uses:
pending -> sending with a lease; two senders never hold one row), POSTs them outside any
transaction, and records the outcome: sent, or pending again after a back-off, or failed when
out of attempts (`webhooks retry` queues it again). A sender that dies mid-send leaves its claim
to expire and the row is sent again: delivery is at least once, and the receiver drops
duplicates by the event id every delivery carries.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from wms_terminal.core import events, leases
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import BusinessEvent, User, UserKind, Webhook, WebhookDelivery
from wms_terminal.core.models import WebhookDeliveryStatus as St
from wms_terminal.core.models._base import utcnow

LEASE = timedelta(minutes=2)  # > one POST's timeout (TIMEOUT_S) with room to spare
TIMEOUT_S = 10.0
MAX_ATTEMPTS = 10
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
STOPPED = "the sender stopped while sending"
_LEASE = leases.Lease(
    WebhookDelivery, waiting=St.PENDING, working=St.SENDING, failed=St.FAILED, lease=LEASE
)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"a webhook URL is http:// or https:// with a host, not {url[:80]!r}")
    if len(url) > 500 or not url.isprintable() or " " in url:
        raise ValidationError("a webhook URL is at most 500 printable characters, no spaces")
    return url


@dataclass(frozen=True)
class WebhookView:
    id: int
    account: str
    url: str
    kinds: str
    created_at: datetime
    counts: dict[str, int]  # deliveries per status
    last_error: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "url": self.url,
            "events": self.kinds.split(",") if self.kinds else list(events.KINDS),
            "created_at": self.created_at.isoformat(),
            "deliveries": {s: self.counts.get(s, 0) for s in DELIVERY_STATUSES},
            "last_error": self.last_error,
        }


def add_webhook(
    db: Database, actor: Actor, *, account: str, url: str, kinds: str = ""
) -> tuple[WebhookView, str]:
    """A webhook for integration account `account`: its view and its secret (shown once)."""
    require(actor, "manage_webhooks")
    url = check_url(url)
    wanted = events.parse_kinds(kinds)
    secret = new_secret()

    def body(session: Session) -> WebhookView:
        user = session.exec(
            select(User).where(col(User.username) == account.strip(), col(User.active).is_(True))
        ).first()
        if user is None or user.kind != UserKind.INTEGRATION or user.id is None:
            raise NotFound(f"no active integration account {account.strip()[:40]!r}")
        taken = session.exec(
            select(Webhook.id).where(col(Webhook.user_id) == user.id, col(Webhook.url) == url)
        ).first()
        if taken is not None:
            raise ValidationError(f"{user.username} has webhook {taken} for that URL already")
        hook = Webhook(user_id=user.id, url=url, secret=secret, kinds=wanted)
        session.add(hook)
        session.flush()
        assert hook.id is not None
        record(
            session,
            action="webhook_added",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="webhook",
            entity_id=str(hook.id),
            account=user.username,
            url=url,
            events=wanted,
        )
        return _view(session, hook, user.username)

    return db.run(body, what="add a webhook"), secret


def remove_webhook(db: Database, actor: Actor, webhook_id: int) -> int:
    """Remove a webhook and its deliveries (those not sent yet are dropped); how many were
    still waiting or failed."""
    require(actor, "manage_webhooks")
    if not 1 <= webhook_id <= events.MAX_ID:
        raise NotFound(f"no webhook {webhook_id}")

    def body(session: Session) -> int:
        hook = session.exec(
            select(Webhook).where(col(Webhook.id) == webhook_id).with_for_update()
        ).first()
        if hook is None:
            raise NotFound(f"no webhook {webhook_id}")
        dropped = int(
            session.exec(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(col(WebhookDelivery.webhook_id) == webhook_id)
                .where(col(WebhookDelivery.status) != St.SENT)
            ).one()
        )
        session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == hook.id))
        session.delete(hook)
        record(
            session,
            action="webhook_removed",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="webhook",
            entity_id=str(webhook_id),
            url=hook.url,
            unsent_dropped=dropped,
        )
        return dropped

    return db.run(body, what="remove a webhook")


def list_webhooks(db: Database) -> list[WebhookView]:
    with db.reading() as session:
        got = session.exec(
            select(Webhook, col(User.username))
            .join(User, col(User.id) == col(Webhook.user_id))
            .order_by(col(Webhook.id))
        ).all()
        return [_view(session, hook, name) for hook, name in got]


def _view(session: Session, hook: Webhook, account: str) -> WebhookView:
    assert hook.id is not None
    counts = {
        str(s): int(n)
        for s, n in session.exec(
            select(col(WebhookDelivery.status), func.count())
            .where(col(WebhookDelivery.webhook_id) == hook.id)
            .group_by(col(WebhookDelivery.status))
        )
    }
    last = session.exec(
        select(col(WebhookDelivery.last_error))
        .where(col(WebhookDelivery.webhook_id) == hook.id)
        .where(col(WebhookDelivery.last_error) != "")
        .order_by(col(WebhookDelivery.id).desc())
        .limit(1)
    ).first()
    return WebhookView(hook.id, account, hook.url, hook.kinds, hook.created_at, counts, last or "")


@dataclass(frozen=True)
class DeliveryView:
    id: int
    webhook_id: int
    event_id: int
    kind: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {
            "id": self.id,
            "webhook": self.webhook_id,
            "event": self.event_id,
            "kind": self.kind,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": iso(self.created_at),
            "sent_at": iso(self.sent_at),
            "next_attempt_at": iso(self.next_attempt_at),
        }


DELIVERY_STATUSES = (St.PENDING, St.SENDING, St.SENT, St.FAILED)


def list_deliveries(
    db: Database, *, webhook_id: int | None = None, status: str | None = None, limit: int = 100
) -> list[DeliveryView]:
    """Deliveries, newest first (a webhook's; of one status)."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise ValidationError(f"unknown status {status!r}: one of {', '.join(DELIVERY_STATUSES)}")
    with db.reading() as session:
        stmt = (
            select(WebhookDelivery, col(BusinessEvent.kind))
            .join(BusinessEvent, col(BusinessEvent.id) == col(WebhookDelivery.event_id))
            .order_by(col(WebhookDelivery.id).desc())
            .limit(max(limit, 1))
        )
        if webhook_id is not None:
            stmt = stmt.where(col(WebhookDelivery.webhook_id) == webhook_id)
        if status is not None:
            stmt = stmt.where(col(WebhookDelivery.status) == status)
        return [_delivery(d, kind) for d, kind in session.exec(stmt)]


def _delivery(d: WebhookDelivery, kind: str) -> DeliveryView:
    assert d.id is not None
    return DeliveryView(
        d.id,
        d.webhook_id,
        d.event_id,
        kind,
        d.status,
        d.attempts,
        d.last_error,
        d.created_at,
        d.sent_at,
        d.next_attempt_at,
    )


def retry(
    db: Database, actor: Actor, *, delivery_id: int | None = None, webhook_id: int | None = None
) -> int:
    """Queue failed deliveries again with a fresh set of attempts: one (`delivery_id`) or all
    of a webhook's; how many. Audited."""
    require(actor, "manage_webhooks")
    if (delivery_id is None) == (webhook_id is None):
        raise ValidationError("retry one delivery (its id) or a webhook's failed ones (--webhook)")
    for n in (delivery_id, webhook_id):
        if n is not None and not 1 <= n <= events.MAX_ID:
            raise NotFound(f"no webhook or delivery {n}")

    def body(session: Session) -> int:
        stmt = select(WebhookDelivery).with_for_update()
        if delivery_id is not None:
            one = session.get(WebhookDelivery, delivery_id)
            if one is None:
                raise NotFound(f"no webhook delivery {delivery_id}")
            if one.status != St.FAILED:
                raise ValidationError(
                    f"delivery {delivery_id} is {one.status}, not failed: nothing to retry"
                )
            stmt = stmt.where(col(WebhookDelivery.id) == delivery_id)
        else:
            if session.get(Webhook, webhook_id) is None:
                raise NotFound(f"no webhook {webhook_id}")
            stmt = stmt.where(col(WebhookDelivery.webhook_id) == webhook_id)
        rows = session.exec(stmt.where(col(WebhookDelivery.status) == St.FAILED)).all()
        for d in rows:
            d.status, d.attempts, d.next_attempt_at = St.PENDING, 0, None
            session.add(d)
        record(
            session,
            action="webhook_retried",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="webhook_delivery" if delivery_id is not None else "webhook",
            entity_id=str(delivery_id if delivery_id is not None else webhook_id),
            deliveries=[d.id for d in rows],
        )
        return len(rows)

    return db.run(body, what="retry webhook deliveries")


# The sender's side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    webhook_id: int
    url: str
    secret: str
    event: events.EventView
    attempt: int


def claim_due(
    db: Database,
    sender: str,
    *,
    limit: int = 50,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> list[ClaimedDelivery]:
    """Claim up to `limit` due deliveries (one transaction); stale claims of stopped senders
    are due again first, or failed when out of attempts."""
    at = now or utcnow()

    def claim(session: Session) -> list[ClaimedDelivery]:
        _LEASE.reclaim_stale(session, at, STOPPED, max_attempts=max_attempts)
        return [_claimed(session, i) for i in _LEASE.claim(session, sender, at, limit)]

    return db.run(claim, what="claim webhook deliveries")


def _claimed(session: Session, delivery_id: int) -> ClaimedDelivery:
    d = session.get(WebhookDelivery, delivery_id)
    assert d is not None and d.id is not None
    hook = session.get(Webhook, d.webhook_id)
    event = events.load(session, d.event_id)
    assert hook is not None and event is not None
    return ClaimedDelivery(d.id, d.webhook_id, hook.url, hook.secret, event, d.attempts)


def hold(
    db: Database, delivery_ids: list[int], sender: str, *, now: datetime | None = None
) -> tuple[set[int], datetime]:
    """Renew the lease of claimed deliveries (one statement): the ids still the sender's (the
    others were taken over after their lease ran out and must not be sent) and the new end of
    the lease."""
    until = (now or utcnow()) + LEASE
    if not delivery_ids:
        return set(), until
    held = db.run(
        lambda s: _LEASE.hold(s, delivery_ids, sender, until), what="hold webhook deliveries"
    )
    return held, until


def mark_sent(db: Database, delivery_id: int, sender: str, *, now: datetime | None = None) -> bool:
    at = now or utcnow()
    return db.run(
        lambda s: _LEASE.done(s, delivery_id, sender, status=St.SENT, sent_at=at),
        what="record a sent webhook",
    )


def mark_failed(
    db: Database,
    delivery_id: int,
    sender: str,
    error: str,
    *,
    base_delay: timedelta = BASE_DELAY,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> str:
    """A failed try: pending again after the back-off, or failed when out of attempts."""
    at = now or utcnow()

    def failed(session: Session) -> str:
        status = _LEASE.failed_try(
            session,
            delivery_id,
            sender,
            error,
            at,
            permanent=False,
            max_attempts=max_attempts,
            delay=base_delay,
            ceiling=MAX_DELAY,
        )
        return status if status is not None else _LEASE.status_of(session, delivery_id)

    return db.run(failed, what="record a failed webhook")


def release(db: Database, delivery_ids: list[int], sender: str) -> None:
    """Hand claimed deliveries back untried (the claim's attempt is not counted)."""
    if delivery_ids:
        db.run(lambda s: _LEASE.release(s, delivery_ids, sender), what="release webhook deliveries")
