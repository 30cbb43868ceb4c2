"""journal_day: a closed day's accounting journal as first exported (re-exports are identical)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        sa.Column("posted_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["posted_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("journal_day")
