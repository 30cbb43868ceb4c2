"""refunds: credit notes (gap-free numbers) and the payment provider's outbox

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import MONEY, UTC_DATETIME

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("goods", MONEY, nullable=False),
        sa.Column("shipping", MONEY, nullable=False),
        sa.Column("fees", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "amount >= 0 AND goods >= 0 AND shipping >= 0 AND fees >= 0",
            name="credit_note_amounts",
        ),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["sales_order.id"]),
        sa.ForeignKeyConstraint(["return_id"], ["return_order.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("return_id"),
    )
    with op.batch_alter_table("credit_note") as batch:
        batch.create_index("ix_credit_note_order_id", ["order_id"], unique=False)
        batch.create_index("ix_credit_note_warehouse_id", ["warehouse_id"], unique=False)
    op.create_table(
        "payment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="payment_event_status"),
        sa.CheckConstraint("amount >= 0", name="payment_event_amount"),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_note.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["sales_order.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment_event") as batch:
        batch.create_index("ix_payment_event_order_id", ["order_id"], unique=False)
        batch.create_index("ix_payment_event_status", ["status"], unique=False)
        batch.create_index("ix_payment_event_warehouse_id", ["warehouse_id"], unique=False)


def downgrade() -> None:
    op.drop_table("payment_event")
    op.drop_table("credit_note")
