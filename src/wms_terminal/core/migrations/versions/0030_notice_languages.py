"""notice languages: the customer's and the warehouse's language of e-mails, each notice's
language and template values, and the `no_address` status (nobody to send it to)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "status IN ('pending', 'sending', 'sent', 'failed')"
NEW = "status IN ('pending', 'sending', 'sent', 'failed', 'no_address')"


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))
    with op.batch_alter_table("warehouse") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))
        batch.add_column(sa.Column("data", sa.JSON(), nullable=False, server_default="{}"))
        batch.drop_constraint("notification_status", type_="check")
        batch.alter_column("status", type_=sa.String(12), existing_type=sa.String(8))
        batch.create_check_constraint("notification_status", NEW)


def downgrade() -> None:
    op.execute("UPDATE notification SET status = 'failed' WHERE status = 'no_address'")
    with op.batch_alter_table("notification") as batch:
        batch.drop_constraint("notification_status", type_="check")
        batch.alter_column("status", type_=sa.String(8), existing_type=sa.String(12))
        batch.create_check_constraint("notification_status", OLD)
        batch.drop_column("data")
        batch.drop_column("language")
    with op.batch_alter_table("warehouse") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("language")
