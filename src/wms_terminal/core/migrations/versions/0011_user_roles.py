"""user_role: the roles a user holds besides app_user.role (chosen at sign-in)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role"),
        sa.CheckConstraint(
            "role IN ('picker', 'packer', 'supervisor', 'manager')", name="user_role_role"
        ),
    )


def downgrade() -> None:
    op.drop_table("user_role")
