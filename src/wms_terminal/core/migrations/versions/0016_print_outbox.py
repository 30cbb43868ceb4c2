"""print outbox: claims with a lease, back-off, where a job printed

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 13:35:00

- `print_job.status` gains `printing` (claimed by one printer worker);
- `next_attempt_at` (back-off after a failed try), `claimed_by` and `claimed_until` (the claim's
  lease), `printed_on` (the spool file, CUPS job or printer that took it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("print_job") as batch:
        batch.drop_constraint("print_job_status", type_="check")
        batch.create_check_constraint(
            "print_job_status", "status IN ('queued', 'printing', 'printed', 'failed')"
        )
        batch.add_column(sa.Column("next_attempt_at", UTC_DATETIME, nullable=True))
        batch.add_column(
            sa.Column("claimed_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("claimed_until", UTC_DATETIME, nullable=True))
        batch.add_column(
            sa.Column("printed_on", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    op.execute("UPDATE print_job SET status = 'queued' WHERE status = 'printing'")
    with op.batch_alter_table("print_job") as batch:
        for name in ("printed_on", "claimed_until", "claimed_by", "next_attempt_at"):
            batch.drop_column(name)
        batch.drop_constraint("print_job_status", type_="check")
        batch.create_check_constraint(
            "print_job_status", "status IN ('queued', 'printed', 'failed')"
        )
