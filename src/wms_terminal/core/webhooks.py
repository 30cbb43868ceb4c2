"""Webhooks: an integration account's URL and secret; the deliveries listed and a failed one
queued again (`webhooks retry`). The sender's side of the outbox (claim, hold, record) is
`core.webhook_deliveries`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import BusinessEvent, User, UserKind, Webhook, WebhookDelivery
from wms_terminal.core.models import WebhookDeliveryStatus as St
from wms_terminal.core.models._base import iso_or_none


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number, or past 65535, raises here)
    except ValueError:
        parts = urlsplit("")  # unreadable (an open IPv6 bracket, a bad port): refused below
    if "@" in parts.netloc:
        # A login in the URL would be stored and listed in clear; the signature authenticates.
        raise ValidationError(
            "a webhook URL carries no user or password: each delivery is signed with the "
            "webhook's secret (X-WMS-Signature, docs/events.md)"
        )
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
        return {
            "id": self.id,
            "webhook": self.webhook_id,
            "event": self.event_id,
            "kind": self.kind,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": iso_or_none(self.created_at),
            "sent_at": iso_or_none(self.sent_at),
            "next_attempt_at": iso_or_none(self.next_attempt_at),
        }


DELIVERY_STATUSES = (St.PENDING, St.SENDING, St.SENT, St.FAILED)


def list_deliveries(
    db: Database, *, webhook_id: int | None = None, status: str | None = None, limit: int = 100
) -> list[DeliveryView]:
    """Deliveries, newest first (a webhook's; of one status)."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise ValidationError(f"unknown status {status!r}: one of {', '.join(DELIVERY_STATUSES)}")
    if webhook_id is not None and not 1 <= webhook_id <= events.MAX_ID:
        return []  # no such webhook (an INTEGER column cannot hold the id)
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
