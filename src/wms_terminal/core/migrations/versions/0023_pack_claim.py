"""pack claim: the station (user and terminal) that has an order open at packing, and since when

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 14:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales_order") as batch:
        batch.add_column(sa.Column("pack_claim_user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("pack_claim_terminal", sa.String(40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("pack_claimed_at", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales_order") as batch:
        batch.drop_column("pack_claimed_at")
        batch.drop_column("pack_claim_terminal")
        batch.drop_column("pack_claim_user_id")
