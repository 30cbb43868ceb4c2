"""receiving, put-away and replenishment: receiving locations, PO receipts, one move-task table

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

- `location.kind` may be `receiving` (one per warehouse, made on first receipt).
- `purchase_order.status` widens to 20 characters (`partially_received`) and gains `closed_at`;
  `purchase_order_line.qty_received`. Existing purchase orders stay open with nothing received.
- `replenishment_task` becomes the move-task table of replenishment and put-away: `kind`
  (existing rows are replenishments), `qty_moved`, `claimed_by`/`claimed_at`, `done_by`, and the
  claim index. The table keeps its name: the PostgreSQL confirm-a-pick function inserts into it
  (the new columns have server defaults, so its INSERT stays valid).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_constraint("location_kind", type_="check")
        batch_op.create_check_constraint(
            "location_kind", "kind IN ('pick_face', 'reserve', 'receiving')"
        )
    with op.batch_alter_table("purchase_order", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=12),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("purchase_order_line", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("qty_received", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint("po_line_received", "qty_received >= 0")
    with op.batch_alter_table("replenishment_task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), server_default="replenish", nullable=False)
        )
        batch_op.add_column(
            sa.Column("qty_moved", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("done_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_replenishment_task_claimed_by", "app_user", ["claimed_by"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_replenishment_task_done_by", "app_user", ["done_by"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_replenishment_task_claimed_by"), ["claimed_by"], unique=False
        )
        batch_op.create_index(
            "ix_move_task_claim", ["warehouse_id", "status", "kind"], unique=False
        )
        batch_op.create_check_constraint("move_task_qty", "qty > 0 AND qty_moved >= 0")
        batch_op.create_check_constraint("move_task_kind", "kind IN ('replenish', 'putaway')")


def downgrade() -> None:
    with op.batch_alter_table("replenishment_task", schema=None) as batch_op:
        batch_op.drop_constraint("move_task_kind", type_="check")
        batch_op.drop_constraint("move_task_qty", type_="check")
        batch_op.drop_index("ix_move_task_claim")
        batch_op.drop_index(batch_op.f("ix_replenishment_task_claimed_by"))
        batch_op.drop_constraint("fk_replenishment_task_done_by", type_="foreignkey")
        batch_op.drop_constraint("fk_replenishment_task_claimed_by", type_="foreignkey")
        batch_op.drop_column("done_by")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("qty_moved")
        batch_op.drop_column("kind")
    with op.batch_alter_table("purchase_order_line", schema=None) as batch_op:
        batch_op.drop_constraint("po_line_received", type_="check")
        batch_op.drop_column("qty_received")
    with op.batch_alter_table("purchase_order", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=20),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_constraint("location_kind", type_="check")
        batch_op.create_check_constraint("location_kind", "kind IN ('pick_face', 'reserve')")
