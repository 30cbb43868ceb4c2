"""pick_task.lot/expiry/serial from GS1 product scans; scan_record.task_id (a stored outcome
belongs to its user and task)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:30:00

All three pick columns are NULL on existing picks (nothing was recorded); existing scan records
keep task_id NULL and answer a replay only by user.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pick_task", sa.Column("lot", sa.String(length=20), nullable=True))
    op.add_column("pick_task", sa.Column("expiry", sa.Date(), nullable=True))
    op.add_column("pick_task", sa.Column("serial", sa.String(length=20), nullable=True))
    op.add_column("scan_record", sa.Column("task_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scan_record", schema=None) as batch_op:
        batch_op.drop_column("task_id")
    with op.batch_alter_table("pick_task", schema=None) as batch_op:
        batch_op.drop_column("serial")
        batch_op.drop_column("expiry")
        batch_op.drop_column("lot")
