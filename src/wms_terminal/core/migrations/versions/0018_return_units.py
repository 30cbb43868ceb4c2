"""return units: each unit opened at the returns station, with its grade

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 14:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("return_line_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("grade", sa.String(length=12), nullable=False),
        sa.Column("lot", sa.String(length=20), nullable=True),
        sa.Column("serial", sa.String(length=20), nullable=True),
        sa.Column("unexpected", sa.String(length=80), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("scan_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "grade IN ('resell', 'refurbish', 'quarantine', 'scrap')", name="return_unit_grade"
        ),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["return_id"], ["return_order.id"]),
        sa.ForeignKeyConstraint(["return_line_id"], ["return_line.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scan_id"),
    )
    with op.batch_alter_table("return_unit") as batch:
        batch.create_index("ix_return_unit_return_id", ["return_id"], unique=False)
        batch.create_index("ix_return_unit_return_line_id", ["return_line_id"], unique=False)


def downgrade() -> None:
    op.drop_table("return_unit")
