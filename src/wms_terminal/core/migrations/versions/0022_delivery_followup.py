"""delivery and follow-up: when the carrier delivered a package, when its order's follow-up
e-mail was queued, and the customer's opt-out of follow-up e-mails

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("delivered_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("followup_queued_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("customer") as batch:
        batch.add_column(
            sa.Column("followup_opt_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("followup_opt_out")
    with op.batch_alter_table("package") as batch:
        batch.drop_column("followup_queued_at")
        batch.drop_column("delivered_at")
