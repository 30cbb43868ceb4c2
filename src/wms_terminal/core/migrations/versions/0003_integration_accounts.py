"""integration accounts: app_user.kind ('person' logs in with badge + PIN, 'integration' with
name + secret, hashed and locked out alike)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00

Existing users are people: the column is added with the server default 'person'.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="person")
        )
        batch_op.create_check_constraint("user_kind", "kind IN ('person', 'integration')")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint("user_kind", type_="check")
        batch_op.drop_column("kind")
