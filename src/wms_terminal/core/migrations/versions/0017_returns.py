"""returns: RMA reason code, refund or exchange, who opened it; units received per line

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:00:00

- `return_order` gains `reason_code`, `resolution` (refund | exchange), `opened_by`, and checks
  on its status and resolution;
- `return_line` gains `received` (units scanned in at the returns station), one line per order
  line of a return, and an index on its order line (what was returned of a line, summed).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("return_order") as batch:
        batch.add_column(
            sa.Column("reason_code", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("resolution", sa.String(length=8), nullable=False, server_default="refund")
        )
        batch.add_column(sa.Column("opened_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_return_order_opened_by_app_user", "app_user", ["opened_by"], ["id"]
        )
        batch.create_check_constraint(
            "return_order_resolution", "resolution IN ('refund', 'exchange')"
        )
        batch.create_check_constraint(
            "return_order_status", "status IN ('open', 'received', 'completed', 'cancelled')"
        )
    with op.batch_alter_table("return_line") as batch:
        batch.add_column(sa.Column("received", sa.Integer(), nullable=False, server_default="0"))
        batch.create_check_constraint("return_line_received", "received >= 0")
        batch.create_unique_constraint(
            "uq_return_line_return_id_order_line_id", ["return_id", "order_line_id"]
        )
        batch.create_index("ix_return_line_order_line_id", ["order_line_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("return_line") as batch:
        batch.drop_index("ix_return_line_order_line_id")
        batch.drop_constraint("uq_return_line_return_id_order_line_id", type_="unique")
        batch.drop_constraint("return_line_received", type_="check")
        batch.drop_column("received")
    with op.batch_alter_table("return_order") as batch:
        batch.drop_constraint("return_order_status", type_="check")
        batch.drop_constraint("return_order_resolution", type_="check")
        batch.drop_constraint("fk_return_order_opened_by_app_user", type_="foreignkey")
        batch.drop_column("opened_by")
        batch.drop_column("resolution")
        batch.drop_column("reason_code")
