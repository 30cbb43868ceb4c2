"""The outbox of webhook deliveries as a sender works through it (`wms_terminal.webhooks.sender`).

`core.events.emit` queues one delivery row per webhook wanting the event, in the transaction of
the change. A sender claims due rows through `core.leases` (the claim every outbox uses:
pending -> sending with a lease; two senders never hold one row), POSTs them outside any
transaction, and records the outcome: sent, or pending again after a back-off, or failed when
out of attempts (`webhooks retry` queues it again). A sender that dies mid-send leaves its claim
to expire and the row is sent again: delivery is at least once, and the receiver drops
duplicates by the event id every delivery carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from wms_terminal.core import events, leases
from wms_terminal.core.db import Database
from wms_terminal.core.models import Webhook, WebhookDelivery
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
