"""Users and roles, the audit log, the notification outbox and stored scan outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String
from sqlmodel import Field, SQLModel

from ._base import created_at, json_field, timestamp


class Role:
    PICKER = "picker"
    PACKER = "packer"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ALL = (PICKER, PACKER, SUPERVISOR, MANAGER)


class UserKind:
    """A person logs in with badge + PIN; an integration account (a script, an ERP link) with its
    name + secret. Both are hashed alike and locked alike; neither can log in the other way."""

    PERSON = "person"
    INTEGRATION = "integration"
    ALL = (PERSON, INTEGRATION)


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('picker', 'packer', 'supervisor', 'manager')", name="user_role"),
        CheckConstraint("kind IN ('person', 'integration')", name="user_kind"),
        Index("ix_app_user_key_digest", "key_digest", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(40), unique=True)
    name: str = Field(sa_type=String(120))
    role: str = Field(sa_type=String(12))
    badge_code: str = Field(sa_type=String(40), unique=True)
    pin_hash: str = Field(sa_type=String(200))  # argon2 of the PIN, or of an account's secret
    kind: str = Field(
        default=UserKind.PERSON, sa_type=String(12), sa_column_kwargs={"server_default": "person"}
    )
    email: str = Field(default="", sa_type=String(200))
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id")
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = timestamp()
    created_at: datetime = created_at()
    # An integration account's API key (its generated secret) as SHA-256 hex: the key is 192
    # random bits, so one indexed lookup checks it without argon2's per-request cost (docs/api.md).
    key_digest: str | None = Field(default=None, sa_type=String(64))
    rate_limit: int | None = None  # API requests per second; None: WMS_API_RATE_LIMIT


class AccountPermission(SQLModel, table=True):
    """What an integration account may do, when listed: its Actor is checked against these
    permissions (core.auth.PERMISSIONS names) instead of its role's. `integrations add` always
    lists some; an account without rows keeps its role's permissions."""

    __tablename__ = "account_permission"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    permission: str = Field(sa_type=String(40), primary_key=True)


class UserRole(SQLModel, table=True):
    """A role a user holds besides `User.role` (their first role, offered first at sign-in): a
    user with several roles chooses one when signing in and works in that role only."""

    __tablename__ = "user_role"
    __table_args__ = (
        CheckConstraint(
            "role IN ('picker', 'packer', 'supervisor', 'manager')", name="user_role_role"
        ),
    )
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(sa_type=String(12), primary_key=True)


class AuditEntry(SQLModel, table=True):
    """Append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at()
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    terminal: str = Field(default="", sa_type=String(64))
    action: str = Field(sa_type=String(40), index=True)
    entity: str = Field(default="", sa_type=String(40))
    entity_id: str = Field(default="", sa_type=String(64))
    reason_code: str = Field(default="", sa_type=String(20))
    detail: dict[str, Any] = json_field()


class NoticeStatus:
    """pending -> sending (claimed by one sender) -> sent | pending (retry later) | failed |
    no_address (nobody to send it to: a customer or the users of its role without an e-mail
    address; never retried by itself); sending -> pending (the claim's lease ran out: its sender
    stopped; sent again) | failed (out of attempts); a customer's notice is queued as no_address
    when the customer has no address; failed, no_address -> pending by `notices retry`."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    NO_ADDRESS = "no_address"
    ALL = (PENDING, SENDING, SENT, FAILED, NO_ADDRESS)


class Notification(SQLModel, table=True):
    """Outbox: written in the caller's transaction, delivered later by a sender
    (`wms_terminal.notices`), which claims a row before it sends it so that no two senders send
    one notice twice, and records every attempt."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'no_address')",
            name="notification_status",
        ),
        Index("ix_notification_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id", index=True)
    recipient_role: str = Field(default="manager", sa_type=String(12))
    recipient_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # A customer's address (track & trace): sent there instead of to users.
    recipient_email: str = Field(default="", sa_type=String(200))
    subject: str = Field(sa_type=String(200))
    body: str = Field(default="", sa_type=String(2000))
    kind: str = Field(default="", sa_type=String(40))
    created_at: datetime = created_at()
    sent_at: datetime | None = timestamp(index=True)
    status: str = Field(default=NoticeStatus.PENDING, sa_type=String(12))
    attempts: int = 0
    next_attempt_at: datetime | None = timestamp()
    last_error: str = Field(default="", sa_type=String(500))
    claimed_by: str = Field(default="", sa_type=String(64))
    claimed_until: datetime | None = timestamp()
    # The language wanted (the customer's, else the warehouse's default; "" = English) and the
    # values its template (`notices.templates`) fills in; subject and body are the English
    # summary shown in the lists.
    language: str = Field(default="", sa_type=String(8))
    data: dict[str, Any] = json_field()


class ScanRecord(SQLModel, table=True):
    """The outcome of every scan under its id, rejections included: a replay returns it."""

    __tablename__ = "scan_record"
    scan_id: str = Field(sa_type=String(64), primary_key=True)
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The task the scan was for: a replay answers only its user, for the same task.
    task_id: int | None = None
    terminal: str = Field(default="", sa_type=String(64))
    action: str = Field(sa_type=String(40))
    raw: str = Field(default="", sa_type=String(400))
    accepted: bool = False
    outcome: dict[str, Any] = json_field()
    created_at: datetime = created_at()


class Counter(SQLModel, table=True):
    """Named number sequences (order, wave, purchase order, SSCC serial) that work on every backend:
    an upsert adding n `RETURNING value` hands out a block atomically (`core.sequences`)."""

    name: str = Field(sa_type=String(40), primary_key=True)
    value: int = 0
