"""api keys: app_user.key_digest (SHA-256 of an integration account's generated key) and
rate_limit (requests per second on the API), and account_permission (what an account may do)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("key_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("rate_limit", sa.Integer(), nullable=True))
    op.create_index("ix_app_user_key_digest", "app_user", ["key_digest"], unique=True)
    op.create_table(
        "account_permission",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("permission", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "permission"),
    )


def downgrade() -> None:
    op.drop_table("account_permission")
    op.drop_index("ix_app_user_key_digest", table_name="app_user")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("rate_limit")
        batch.drop_column("key_digest")
