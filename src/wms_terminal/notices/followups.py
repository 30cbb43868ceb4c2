"""The follow-up e-mail after delivery (review request, care instructions): queued in the notices
outbox `WMS_FOLLOWUP_DAYS` days (default 7) after an order's last package was delivered, once per
order, never to a customer who opted out (`customer.followup_opt_out`) or has no e-mail address.

`queue_followups` is the sweep (`wms-terminal notices followups`, and each pass of `notices
send`). Once per order holds under concurrency: the sweep marks the order's packages
(`followup_queued_at`) with a conditional UPDATE in the transaction that adds the notice, and
queues only when that UPDATE took rows, so two sweeps at once queue one notice.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ConfigurationError, NotFound, ValidationError
from wms_terminal.core.models import Customer
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.notice_queue import queue_customer_notice

DEFAULT_DAYS = 7
KIND = "delivery_followup"

# Orders whose every package that left is delivered, the last at or before the cutoff, not yet
# followed up, to a customer with an address who did not opt out.
_DUE = text(
    "SELECT so.id, so.number, so.warehouse_id FROM sales_order so "
    "JOIN customer c ON c.id = so.customer_id "
    "WHERE c.followup_opt_out = false AND c.email <> '' "
    "AND EXISTS (SELECT 1 FROM package p WHERE p.order_id = so.id AND p.status = 'shipped') "
    "AND NOT EXISTS (SELECT 1 FROM package p WHERE p.order_id = so.id "
    "  AND p.status <> 'cancelled' AND (p.delivered_at IS NULL OR p.delivered_at > :cutoff "
    "  OR p.followup_queued_at IS NOT NULL)) "
    "ORDER BY so.id LIMIT :limit"
).bindparams(bindparam("cutoff", type_=UTC_DATETIME))
_MARK = text(
    "UPDATE package SET followup_queued_at = :at WHERE order_id = :o "
    "AND status = 'shipped' AND followup_queued_at IS NULL"
).bindparams(bindparam("at", type_=UTC_DATETIME))


def followup_days() -> int:
    raw = os.environ.get("WMS_FOLLOWUP_DAYS", "").strip()
    if not raw:
        return DEFAULT_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if not 0 <= days <= 365:
        raise ConfigurationError(
            f"WMS_FOLLOWUP_DAYS must be a whole number of days from 0 to 365, not {raw[:20]!r}"
        )
    return days


def queue_followups(
    db: Database, *, days: int | None = None, now: datetime | None = None, limit: int = 500
) -> int:
    """Queue the follow-up notices now due; returns how many were queued."""
    at = now or utcnow()
    cutoff = at - timedelta(days=followup_days() if days is None else days)

    def sweep(session: Session) -> int:
        due = session.execute(_DUE, {"cutoff": cutoff, "limit": limit}).all()
        queued = 0
        for order_id, number, warehouse_id in due:
            took = session.execute(_MARK, {"at": at, "o": order_id}).rowcount  # type: ignore[attr-defined]
            if not took:
                continue  # another sweep got there first
            queue_customer_notice(
                session,
                order_id=order_id,
                warehouse_id=warehouse_id,
                kind=KIND,
                subject=f"How is your order {number}?",
                body=(
                    f"your order {number} arrived a few days ago. "
                    "We hope everything is as it should be."
                ),
                data={"order": str(number)},
            )
            queued += 1
        session.flush()
        return queued

    return db.run(sweep, what="queue follow-up notices")


def set_opt_out(db: Database, actor: Actor, email: str, *, opted_out: bool = True) -> int:
    """Stop (or, `opted_out=False`, resume) follow-up e-mails to the customer(s) with this
    e-mail address (case-insensitive); audited. Returns how many customers changed."""
    require(actor, "manage_notices")
    address = email.strip().lower()
    if "@" not in address or not address.isprintable():
        raise ValidationError(f"{email[:80]!r} is not an e-mail address")

    def change(session: Session) -> int:
        found = list(
            session.exec(select(Customer).where(func.lower(col(Customer.email)) == address))
        )
        if not found:
            raise NotFound(f"no customer with e-mail {address}")
        changed = 0
        for c in found:
            if c.followup_opt_out == opted_out:
                continue
            c.followup_opt_out = opted_out
            session.add(c)
            changed += 1
            record(
                session,
                action="followup_opt_out" if opted_out else "followup_opt_in",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="customer",
                entity_id=str(c.id),
            )
        session.flush()
        return changed

    return db.run(change, what="change a customer's follow-up e-mails")
