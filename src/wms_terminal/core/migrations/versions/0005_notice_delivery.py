"""notice delivery: the notification outbox records its sender's claim, attempts and last error

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00

- `status` pending | sending | sent | failed (existing rows: sent when `sent_at` is set, else
  pending), `attempts`, `next_attempt_at` (back-off), `last_error`, and the claim
  (`claimed_by`, `claimed_until`) that keeps two senders from sending one notice twice.
- `ix_notification_due` (status, next_attempt_at): the sender's "what is due" read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=8), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("last_error", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            "notification_status", "status IN ('pending', 'sending', 'sent', 'failed')"
        )
        batch_op.create_index("ix_notification_due", ["status", "next_attempt_at"], unique=False)
    op.execute("UPDATE notification SET status = 'sent' WHERE sent_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_due")
        batch_op.drop_constraint("notification_status", type_="check")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
