"""packing: package close data, print outbox, carrier rate tables, customer notices

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:40:00

- `package`: package n of the order, expected weight and who accepted a deviation, hold reason,
  carrier service, tracking number, shipping cost in the order's currency, ship date, expected
  delivery, shipped at; its status checked (open, held, closed, shipped, cancelled).
- `print_job`: the print outbox a package close writes in its own transaction.
- `carrier_rate`: price per service, zone (domestic, eu, world) and weight bracket.
- `order_line.qty_pack_short`: picked units found missing or damaged at packing.
- `notification.recipient_email`: a customer's address (track & trace notices).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import MONEY, UTC_DATETIME

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("expected_weight_g", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("weight_approved_by", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("hold_reason", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("carrier_service_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("tracking_number", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("shipping_cost", MONEY, nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("currency", sa.String(length=3), nullable=False, server_default="EUR")
        )
        batch.add_column(sa.Column("ship_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("expected_delivery", sa.Date(), nullable=True))
        batch.add_column(sa.Column("shipped_at", UTC_DATETIME, nullable=True))
        batch.create_index("ix_package_tracking_number", ["tracking_number"], unique=False)
        batch.create_foreign_key(
            "fk_package_weight_approved_by", "app_user", ["weight_approved_by"], ["id"]
        )
        batch.create_foreign_key(
            "fk_package_carrier_service_id", "carrier_service", ["carrier_service_id"], ["id"]
        )
        batch.create_check_constraint(
            "package_status", "status IN ('open', 'held', 'closed', 'shipped', 'cancelled')"
        )
    op.create_table(
        "print_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("printed_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("status IN ('queued', 'printed', 'failed')", name="print_job_status"),
        sa.ForeignKeyConstraint(["package_id"], ["package.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_print_job_warehouse_id", "print_job", ["warehouse_id"], unique=False)
    op.create_index("ix_print_job_package_id", "print_job", ["package_id"], unique=False)
    op.create_index("ix_print_job_due", "print_job", ["status", "id"], unique=False)
    op.create_table(
        "carrier_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier_service_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=12), nullable=False),
        sa.Column("max_weight_g", sa.Integer(), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("max_weight_g > 0 AND price >= 0", name="carrier_rate_bracket"),
        sa.ForeignKeyConstraint(["carrier_service_id"], ["carrier_service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("carrier_service_id", "zone", "max_weight_g"),
    )
    op.create_index(
        "ix_carrier_rate_carrier_service_id", "carrier_rate", ["carrier_service_id"], unique=False
    )
    with op.batch_alter_table("order_line") as batch:
        batch.add_column(
            sa.Column("qty_pack_short", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("notification") as batch:
        batch.add_column(
            sa.Column("recipient_email", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("recipient_email")
    with op.batch_alter_table("order_line") as batch:
        batch.drop_column("qty_pack_short")
    op.drop_index("ix_carrier_rate_carrier_service_id", table_name="carrier_rate")
    op.drop_table("carrier_rate")
    op.drop_index("ix_print_job_due", table_name="print_job")
    op.drop_index("ix_print_job_package_id", table_name="print_job")
    op.drop_index("ix_print_job_warehouse_id", table_name="print_job")
    op.drop_table("print_job")
    with op.batch_alter_table("package") as batch:
        batch.drop_constraint("package_status", type_="check")
        batch.drop_constraint("fk_package_carrier_service_id", type_="foreignkey")
        batch.drop_constraint("fk_package_weight_approved_by", type_="foreignkey")
        batch.drop_index("ix_package_tracking_number")
        for name in (
            "shipped_at",
            "expected_delivery",
            "ship_date",
            "currency",
            "shipping_cost",
            "tracking_number",
            "carrier_service_id",
            "hold_reason",
            "weight_approved_by",
            "expected_weight_g",
            "seq",
        ):
            batch.drop_column(name)
