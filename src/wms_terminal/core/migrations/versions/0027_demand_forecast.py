"""demand forecast: daily demand history beyond the order tables, and the latest forecast with
its reorder point per product and warehouse

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import UTC_DATETIME

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demand_history",
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.CheckConstraint("qty >= 0", name="demand_history_qty"),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("warehouse_id", "product_id", "day"),
    )
    with op.batch_alter_table("demand_history") as batch:
        batch.create_index("ix_demand_history_product_id", ["product_id"], unique=False)
    op.create_table(
        "demand_forecast",
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("daily", sa.Float(), nullable=False),
        sa.Column("sigma", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("service_level", sa.Float(), nullable=False),
        sa.Column("reorder_point", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("daily >= 0 AND sigma >= 0", name="demand_forecast_rates"),
        sa.CheckConstraint(
            "reorder_point >= 0 AND lead_time_days >= 0", name="demand_forecast_rop"
        ),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("warehouse_id", "product_id"),
    )
    with op.batch_alter_table("demand_forecast") as batch:
        batch.create_index("ix_demand_forecast_product_id", ["product_id"], unique=False)


def downgrade() -> None:
    op.drop_table("demand_forecast")
    op.drop_table("demand_history")
