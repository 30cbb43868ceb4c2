"""The payment provider's outbox as the provider sees it (through the integration API): list
the events waiting, and acknowledge each one.

A refund (`returns.refund`) writes a `payment_event` (pending) in its transaction. The provider's
integration reads the pending ones, pays them, and acknowledges each: `sent` (paid; pending ->
sent, again harmless: the same answer) or `failed` with its reason (pending -> failed). A failed
one is queued again (`retry`: failed -> pending) once the cause is fixed, by the provider or a
manager. Every step is audited. There is no lease: one provider integration pays; paying twice is
what its own idempotency (the event id) prevents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import CreditNote, PaymentEvent, SalesOrder
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import (
    PAYMENT_EVENT_TRANSITIONS,
    PaymentEventStatus,
    transition,
)

PENDING, SENT, FAILED = (
    PaymentEventStatus.PENDING,
    PaymentEventStatus.SENT,
    PaymentEventStatus.FAILED,
)
STATUSES = tuple(PAYMENT_EVENT_TRANSITIONS)
MAX_PAGE = 500
MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL


@dataclass(frozen=True)
class PaymentEventView:
    id: int
    kind: str
    status: str
    order: str
    credit_note: str | None
    amount: Decimal
    currency: str
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "order": self.order,
            "credit_note": self.credit_note,
            "amount": str(self.amount),
            "currency": self.currency,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "payload": self.payload,
        }


def _view(session: Session, e: PaymentEvent) -> PaymentEventView:
    assert e.id is not None
    order = session.get(SalesOrder, e.order_id)
    note = session.get(CreditNote, e.credit_note_id) if e.credit_note_id else None
    return PaymentEventView(
        e.id,
        e.kind,
        e.status,
        order.number if order else "",
        note.number if note else None,
        e.amount,
        e.currency,
        e.last_error,
        e.created_at,
        e.sent_at,
        dict(e.payload),
    )


def list_events(
    db: Database, *, status: str | None = PENDING, after: int = 0, limit: int = 100
) -> list[PaymentEventView]:
    """Payment events of `status` (None: all) with an id above `after`, oldest first."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit is 1 to {MAX_PAGE}")
    if not 0 <= after <= MAX_ID:
        raise ValidationError("after is a payment event id (0 for the start)")
    with db.reading() as session:
        stmt = (
            select(PaymentEvent)
            .where(col(PaymentEvent.id) > after)
            .order_by(col(PaymentEvent.id))
            .limit(limit)
        )
        if status is not None:
            stmt = stmt.where(col(PaymentEvent.status) == status)
        return [_view(session, e) for e in session.exec(stmt)]


def _locked(session: Session, event_id: int) -> PaymentEvent:
    if not 1 <= event_id <= MAX_ID:
        raise NotFound(f"no payment event {event_id}")
    e = session.exec(
        select(PaymentEvent)
        .where(col(PaymentEvent.id) == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if e is None:
        raise NotFound(f"no payment event {event_id}")
    return e


def acknowledge(
    db: Database, actor: Actor, event_id: int, *, outcome: str, reason: str = ""
) -> PaymentEventView:
    """The provider's answer: `sent` (paid) or `failed` (with `reason`)."""
    require(actor, "settle_payments")
    reason = " ".join(reason.split())
    if outcome not in (SENT, FAILED):
        raise ValidationError(f"outcome is {SENT} or {FAILED}, not {outcome[:20]!r}")
    if outcome == FAILED and not reason:
        raise ValidationError("say why the payment failed (a reason)")

    def body(session: Session) -> PaymentEventView:
        e = _locked(session, event_id)
        if e.status == outcome == SENT:
            return _view(session, e)  # the provider asking again: the same answer
        if e.status != PENDING:
            raise InvalidTransition(
                f"payment event {event_id} is {e.status}: only a pending one is acknowledged"
                + (" (retry it first)" if e.status == FAILED else "")
            )
        transition(e, outcome, PAYMENT_EVENT_TRANSITIONS)
        if outcome == SENT:
            e.sent_at = utcnow()
        else:
            e.last_error = reason[:500]
        session.add(e)
        record(
            session,
            action=f"payment_{outcome}",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=e.warehouse_id,
            entity="payment_event",
            entity_id=str(event_id),
            amount=str(e.amount),
            currency=e.currency,
            reason=reason,
        )
        session.flush()
        return _view(session, e)

    return db.run(body, what="acknowledge a payment event")


def retry(db: Database, actor: Actor, event_id: int) -> PaymentEventView:
    """A failed payment event pending again (its last reason kept for the record)."""
    require(actor, "settle_payments")

    def body(session: Session) -> PaymentEventView:
        e = _locked(session, event_id)
        if e.status != FAILED:
            raise InvalidTransition(f"payment event {event_id} is {e.status}, not failed")
        transition(e, PENDING, PAYMENT_EVENT_TRANSITIONS)
        session.add(e)
        record(
            session,
            action="payment_retried",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=e.warehouse_id,
            entity="payment_event",
            entity_id=str(event_id),
            last_error=e.last_error,
        )
        session.flush()
        return _view(session, e)

    return db.run(body, what="retry a payment event")
