"""an index on location (warehouse, kind): the receiving location and the damaged cage are
looked up with every returned unit graded (a scan over every location of the warehouse before)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 14:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_location_warehouse_kind", "location", ["warehouse_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_location_warehouse_kind", table_name="location")
