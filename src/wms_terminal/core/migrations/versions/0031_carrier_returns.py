"""carrier return service: services flagged as return services, and each return's return
service and tracking number

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("carrier_service") as batch:
        batch.add_column(
            sa.Column("is_return", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("return_order") as batch:
        batch.add_column(sa.Column("return_carrier_service_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("return_tracking", sa.String(40), nullable=False, server_default="")
        )
        batch.create_foreign_key(
            "fk_return_order_return_carrier_service_id_carrier_service",
            "carrier_service",
            ["return_carrier_service_id"],
            ["id"],
        )
        batch.create_index("ix_return_order_return_tracking", ["return_tracking"])


def downgrade() -> None:
    with op.batch_alter_table("return_order") as batch:
        batch.drop_index("ix_return_order_return_tracking")
        batch.drop_constraint(
            "fk_return_order_return_carrier_service_id_carrier_service", type_="foreignkey"
        )
        batch.drop_column("return_tracking")
        batch.drop_column("return_carrier_service_id")
    with op.batch_alter_table("carrier_service") as batch:
        batch.drop_column("is_return")
