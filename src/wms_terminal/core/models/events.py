"""The business event feed for integrations, and the webhooks that push it (`core.events`,
`core.webhooks`, `core.webhook_deliveries`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at, json_field, timestamp


class BusinessEvent(SQLModel, table=True):
    """Something an integration wants to hear of (an order shipped, delivered, refunded, stock
    low ...), written in the transaction of the change itself. `id` comes from the `event`
    counter, not an identity column: the counter's row lock, held until commit, makes ids
    visible in the order they were given, so a reader that has seen id N has seen every id
    below it (an identity column on PostgreSQL can commit 11 before 10)."""

    __tablename__ = "business_event"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(sa_type=String(40), index=True)
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id")
    payload: dict[str, Any] = json_field()
    created_at: datetime = created_at()


class Webhook(SQLModel, table=True):
    """An integration account's endpoint: every event of `kinds` (comma-separated; empty: all)
    is POSTed to `url`, signed with `secret` (HMAC-SHA256). The secret is kept as given: the
    sender needs it to sign."""

    __tablename__ = "webhook"
    __table_args__ = (UniqueConstraint("user_id", "url", name="uq_webhook_user_url"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    url: str = Field(sa_type=String(500))
    secret: str = Field(sa_type=String(100))
    kinds: str = Field(default="", sa_type=String(300))
    created_at: datetime = created_at()


class WebhookDeliveryStatus:
    """pending -> sending (claimed by one sender, with a lease) -> sent | pending (a failed try,
    due again after a back-off) | failed (out of attempts); sending -> pending when the lease
    runs out (the sender stopped); failed -> pending by `webhooks retry`."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook (the outbox row the sender claims)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="webhook_delivery_status"
        ),
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_delivery_event"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_id: int = Field(foreign_key="business_event.id")
    status: str = Field(default=WebhookDeliveryStatus.PENDING, sa_type=String(8))
    attempts: int = 0
    next_attempt_at: datetime | None = timestamp()
    last_error: str = Field(default="", sa_type=String(500))
    claimed_by: str = Field(default="", sa_type=String(64))
    claimed_until: datetime | None = timestamp()
    created_at: datetime = created_at()
    sent_at: datetime | None = timestamp()
