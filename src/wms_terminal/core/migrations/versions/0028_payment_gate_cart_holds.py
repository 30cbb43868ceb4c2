"""payment gate, credit limits and cart holds: an order's release hold, a customer's credit
limit, the payment provider's authorisations, carts holding stock

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import MONEY, UTC_DATETIME

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales_order") as batch:
        batch.add_column(
            sa.Column("release_hold", sa.String(20), nullable=False, server_default="")
        )
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("credit_limit_eur", MONEY, nullable=True))
    op.create_table(
        "payment_authorisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("sales_order.id"), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("order_id", "reference"),
        sa.CheckConstraint("outcome IN ('authorised', 'declined')", name="payment_outcome"),
        sa.CheckConstraint("amount >= 0", name="payment_amount"),
    )
    op.create_index("ix_payment_authorisation_order_id", "payment_authorisation", ["order_id"])
    op.create_table(
        "cart_hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("cart", sa.String(80), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), sa.ForeignKey("warehouse.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("sales_order.id"), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.UniqueConstraint("channel", "cart"),
        sa.CheckConstraint(
            "status IN ('active', 'checked_out', 'expired', 'released')", name="cart_hold_status"
        ),
    )
    op.create_index("ix_cart_hold_warehouse_id", "cart_hold", ["warehouse_id"])
    op.create_index("ix_cart_hold_expiry", "cart_hold", ["status", "expires_at"])
    op.create_table(
        "cart_hold_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hold_id", sa.Integer(), sa.ForeignKey("cart_hold.id"), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), sa.ForeignKey("warehouse.id"), nullable=False),
        sa.Column("stock_id", sa.Integer(), sa.ForeignKey("stock.id"), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("product.id"), nullable=False),
        sa.Column("location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.CheckConstraint("qty > 0", name="cart_hold_line_qty"),
    )
    for col in ("hold_id", "warehouse_id", "stock_id", "product_id"):
        op.create_index(f"ix_cart_hold_line_{col}", "cart_hold_line", [col])


def downgrade() -> None:
    op.drop_table("cart_hold_line")
    op.drop_table("cart_hold")
    op.drop_table("payment_authorisation")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("credit_limit_eur")
    with op.batch_alter_table("sales_order") as batch:
        batch.drop_column("release_hold")
