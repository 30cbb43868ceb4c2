"""replacement orders: an exchange's return names its replacement order

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("return_order") as batch:
        batch.add_column(sa.Column("replacement_order_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_return_order_replacement_order_id_sales_order",
            "sales_order",
            ["replacement_order_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("return_order") as batch:
        batch.drop_constraint(
            "fk_return_order_replacement_order_id_sales_order", type_="foreignkey"
        )
        batch.drop_column("replacement_order_id")
