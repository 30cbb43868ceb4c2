"""back-order follow-ups and package counts: sales_order.backorder_of_id (the order whose
units this one ships later) and package.package_count (the N of "package n of N" its label says)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-01 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales_order") as batch:
        batch.add_column(sa.Column("backorder_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_sales_order_backorder_of_id", "sales_order", ["backorder_of_id"], ["id"]
        )
    op.create_index("ix_sales_order_backorder_of_id", "sales_order", ["backorder_of_id"])
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("package_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.drop_column("package_count")
    op.drop_index("ix_sales_order_backorder_of_id", table_name="sales_order")
    with op.batch_alter_table("sales_order") as batch:
        batch.drop_constraint("fk_sales_order_backorder_of_id", type_="foreignkey")
        batch.drop_column("backorder_of_id")
