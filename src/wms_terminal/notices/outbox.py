"""The notification outbox as senders see it: claim what is due, record each attempt.

A sender claims notices in one short transaction (`status` pending -> sending, with its name and a
lease), sends them outside any transaction, then records the outcome in another. The claim is a
conditional UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite: the same UPDATE
under its write lock, atomic): two senders never hold one notice. Right before it hands a notice
to the SMTP server the sender renews its lease (`hold`), so a slow sender whose lease ran out and
was taken over skips the notice instead of sending it beside the new claimer (one SMTP send is
bounded by its timeouts, far below the lease).

Delivery is at least once, never lost: a sender that dies while sending leaves its claim to
expire (`LEASE`), and the next pass of any sender takes the notice again as one more attempt (or
fails it, out of attempts). Between the SMTP server accepting a message and the sender recording
it there is a moment no protocol can close: a sender dying exactly then makes the retry send a
second copy. The copy carries the same Message-ID (`message_id`), so mail clients and archives
show one message. At most once would instead lose every notice whose sender died before the
server took it; a missed reorder or stock alert costs more than a duplicate e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from wms_terminal.core import leases
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.events import MAX_ID
from wms_terminal.core.models import (
    Customer,
    NoticeStatus,
    Notification,
    Quote,
    SalesOrder,
    User,
    Warehouse,
)
from wms_terminal.core.models._base import iso_or_none, utcnow

LEASE = timedelta(minutes=15)  # > the SMTP timeouts of one send (at most 300 s each step)
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
STOPPED = "the sender stopped while sending"
_LEASE = leases.Lease(
    Notification,
    waiting=NoticeStatus.PENDING,
    working=NoticeStatus.SENDING,
    failed=NoticeStatus.FAILED,
    lease=LEASE,
)


@dataclass(frozen=True)
class ClaimedNotice:
    id: int
    kind: str
    subject: str
    body: str
    warehouse: str  # code, "" when the notice has none
    created_at: datetime
    attempt: int
    recipients: tuple[str, ...]
    role: str = "manager"
    # The template's languages in order (`notices.templates.languages`) and its values.
    languages: tuple[str, ...] = ("en",)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NoticeView:
    id: int
    kind: str
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    body: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": iso_or_none(self.created_at),
            "sent_at": iso_or_none(self.sent_at),
            "next_attempt_at": iso_or_none(self.next_attempt_at),
        }


def backoff(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2 x base, 4 x base ... 1 h."""
    return leases.backoff(attempts, base, MAX_DELAY)


def claim_due(
    db: Database,
    sender: str,
    *,
    limit: int = 20,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> list[ClaimedNotice]:
    """Claim up to `limit` due notices for `sender` (one transaction) and return them; stale
    claims of stopped senders are due again first, or failed when out of attempts."""
    at = now or utcnow()

    def claim(session: Session) -> list[ClaimedNotice]:
        _LEASE.reclaim_stale(session, at, STOPPED, max_attempts=max_attempts)
        return [_claimed(session, i) for i in _LEASE.claim(session, sender, at, limit)]

    return db.run(claim, what="claim notices")


def hold(db: Database, notice_id: int, sender: str, *, now: datetime | None = None) -> bool:
    """Renew `sender`'s lease on a claimed notice right before sending it; False when the claim
    is no longer its own (taken over after the lease ran out, or recorded): then it must not be
    sent."""
    at = now or utcnow()

    held = db.run(lambda s: _LEASE.hold(s, [notice_id], sender, at + LEASE), what="hold a notice")
    return bool(held)


def _claimed(session: Session, notice_id: int) -> ClaimedNotice:
    from wms_terminal.notices.templates import languages

    n = session.get(Notification, notice_id)
    assert n is not None and n.id is not None
    wh = session.get(Warehouse, n.warehouse_id) if n.warehouse_id else None
    return ClaimedNotice(
        id=n.id,
        kind=n.kind,
        subject=n.subject,
        body=n.body,
        warehouse=wh.code if wh else "",
        created_at=n.created_at,
        attempt=n.attempts,
        recipients=recipients(session, n),
        role=n.recipient_role,
        languages=languages(n.language, wh.language if wh else ""),
        data=dict(n.data or {}),
    )


def recipients(session: Session, n: Notification) -> tuple[str, ...]:
    """E-mail addresses: a customer's (track & trace), the named user, or the active users of
    the role in its warehouse."""
    if n.recipient_email.strip():
        return (n.recipient_email.strip(),)
    if n.recipient_user_id is not None:
        user = session.get(User, n.recipient_user_id)
        users = [user] if user is not None and user.active else []
    else:
        stmt = select(User).where(User.role == n.recipient_role, col(User.active).is_(True))
        if n.warehouse_id is not None:
            stmt = stmt.where(
                or_(col(User.warehouse_id).is_(None), col(User.warehouse_id) == n.warehouse_id)
            )
        users = list(session.exec(stmt.order_by(col(User.id))))
    return tuple(sorted({u.email.strip() for u in users if u.email.strip()}))


def mark_sent(db: Database, notice_id: int, sender: str, *, now: datetime | None = None) -> bool:
    """Record a delivery; False if the claim was lost meanwhile (lease expired)."""
    at = now or utcnow()

    def done(session: Session) -> bool:
        return _LEASE.done(session, notice_id, sender, status=NoticeStatus.SENT, sent_at=at)

    return db.run(done, what="record a sent notice")


def mark_no_address(db: Database, notice_id: int, sender: str, why: str) -> bool:
    """Record that nobody can receive the notice (no e-mail address): `no_address`, not retried
    until `retry`; the attempt is not counted as a failure. False if the claim was lost."""

    def nobody(session: Session) -> bool:
        return _LEASE.done(
            session, notice_id, sender, status=NoticeStatus.NO_ADDRESS, last_error=why[:500]
        )

    return db.run(nobody, what="record a notice nobody can receive")


def mark_failed(
    db: Database,
    notice_id: int,
    sender: str,
    error: str,
    *,
    permanent: bool,
    base_delay: timedelta = BASE_DELAY,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> str:
    """Record a failed attempt: pending again after the back-off, or failed for good when
    `permanent` or out of attempts. Returns the new status."""
    at = now or utcnow()

    def failed(session: Session) -> str:
        status = _LEASE.failed_try(
            session,
            notice_id,
            sender,
            error,
            at,
            permanent=permanent,
            max_attempts=max_attempts,
            delay=base_delay,
            ceiling=MAX_DELAY,
        )
        return status if status is not None else _LEASE.status_of(session, notice_id)

    return db.run(failed, what="record a failed notice")


def release(db: Database, notice_ids: list[int], sender: str) -> None:
    """Hand claimed notices back untried (their claim's attempt is not counted)."""
    if notice_ids:
        db.run(lambda s: _LEASE.release(s, notice_ids, sender), what="release notices")


def list_notices(
    db: Database, *, failed_only: bool = False, status: str | None = None, limit: int = 200
) -> list[NoticeView]:
    """Newest first; `failed_only` (or `status`) narrows to one status."""
    if status is not None and status not in NoticeStatus.ALL:
        raise ValidationError(f"a notice is {', '.join(NoticeStatus.ALL)}, not {status[:20]!r}")
    wanted = NoticeStatus.FAILED if failed_only else status
    with db.reading() as session:
        stmt = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
        if wanted is not None:
            stmt = stmt.where(col(Notification.status) == wanted)
        return [_view(n) for n in session.exec(stmt)]


def _view(n: Notification) -> NoticeView:
    assert n.id is not None
    return NoticeView(
        id=n.id,
        kind=n.kind,
        subject=n.subject,
        status=n.status,
        attempts=n.attempts,
        last_error=n.last_error,
        created_at=n.created_at,
        sent_at=n.sent_at,
        next_attempt_at=n.next_attempt_at,
        body=n.body,
    )


def retry(db: Database, actor: Actor, notice_id: int) -> NoticeView:
    """Send a failed or no_address notice again (a fresh set of attempts; for no_address after
    someone added the e-mail address); audited."""
    require(actor, "manage_notices")

    def again(session: Session) -> NoticeView:
        # An id the INTEGER column cannot hold is no notice (the driver would overflow).
        n = session.get(Notification, notice_id) if 1 <= notice_id <= MAX_ID else None
        if n is None:
            raise NotFound(f"no notice {notice_id}")
        if n.status not in (NoticeStatus.FAILED, NoticeStatus.NO_ADDRESS):
            raise ValidationError(f"notice {notice_id} is {n.status}, not failed: nothing to retry")
        previous = n.last_error
        if n.status == NoticeStatus.NO_ADDRESS and n.recipient_role == "customer":
            # The customer may have an address by now: take it.
            n.recipient_email = _customer_email(session, n) or n.recipient_email
        n.status = NoticeStatus.PENDING
        n.attempts = 0
        n.next_attempt_at = None
        session.add(n)
        record(
            session,
            action="notice_retried",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=n.warehouse_id,
            entity="notification",
            entity_id=str(notice_id),
            last_error=previous,
        )
        session.flush()
        return _view(n)

    return db.run(again, what="retry a notice")


def _customer_email(session: Session, n: Notification) -> str:
    """The current address of the customer of the order (or the quote: `quotes send`'s mail
    has no order) a customer notice is about."""
    data = n.data or {}
    order, quote = str(data.get("order", "")), str(data.get("quote", ""))
    if order:
        stmt = select(Customer.email).join(
            SalesOrder, col(SalesOrder.customer_id) == col(Customer.id)
        )
        stmt = stmt.where(col(SalesOrder.number) == order)
    elif quote:
        stmt = select(Customer.email).join(Quote, col(Quote.customer_id) == col(Customer.id))
        stmt = stmt.where(col(Quote.number) == quote)
    else:
        return ""
    return str(session.execute(stmt).scalar() or "").strip()
