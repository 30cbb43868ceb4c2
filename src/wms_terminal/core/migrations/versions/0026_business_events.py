"""business events: the integrations' event feed, webhooks and their delivery outbox; the
payment provider's reason on a failed payment event

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_event",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("business_event") as batch:
        batch.create_index("ix_business_event_kind", ["kind"], unique=False)
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("kinds", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "url", name="uq_webhook_user_url"),
    )
    with op.batch_alter_table("webhook") as batch:
        batch.create_index("ix_webhook_user_id", ["user_id"], unique=False)
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_until", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="webhook_delivery_status"
        ),
        sa.ForeignKeyConstraint(["event_id"], ["business_event.id"]),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_delivery_event"),
    )
    with op.batch_alter_table("webhook_delivery") as batch:
        batch.create_index("ix_webhook_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch.create_index("ix_webhook_delivery_webhook_id", ["webhook_id"], unique=False)
    with op.batch_alter_table("payment_event") as batch:
        batch.add_column(
            sa.Column("last_error", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_event") as batch:
        batch.drop_column("last_error")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook")
    op.drop_table("business_event")
