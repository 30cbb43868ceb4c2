"""exact money: rates with 8 decimals, amounts with 4, exact on SQLite too

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00

Exchange rates were NUMERIC(14, 2): JPY -> EUR 0.0062 became 0.01 (lifetime values off by 61 %).
Rates become NUMERIC(18, 8); amounts NUMERIC(18, 4) (room for 3-decimal currencies such as KWD
and BHD, and 4-decimal costs). On SQLite, whose NUMERIC is a binary float, the same columns become
INTEGER counts of 10**-scale units (see `ExactDecimal` in core/models/_base.py); existing values
are converted (rounded to the 2 or 4 decimals they were declared with, so nothing moves). Rates
already stored rounded to 2 decimals cannot be recovered: re-enter them.

Also: a ship-by date of 9999-12-31T23:00-05:00, once accepted by the import, is after year 9999
in UTC, which Python cannot read: every wave of its warehouse failed on PostgreSQL. The import
now accepts 2000 to 2099 (core/bounds.py); ship-by and order dates stored beyond that are set to
its last moment, 2099-12-31 23:59:59.999999 UTC, on both backends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY, RATE = 4, 8
# table -> ((column, old scale, new scale), ...)
COLUMNS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "box_type": (("cost", 2, MONEY),),
    "carrier_service": (("base_rate", 2, MONEY),),
    "currency_rate": (("rate_to_eur", 2, RATE),),
    "customer": (("lifetime_value_eur", 2, MONEY),),
    "product": (("cost", 4, MONEY), ("price", 2, MONEY)),
    "purchase_order_line": (("unit_cost", 4, MONEY),),
    "sales_order": (
        ("subtotal", 2, MONEY),
        ("shipping", 2, MONEY),
        ("tax", 2, MONEY),
        ("total", 2, MONEY),
    ),
    "order_line": (("unit_price", 2, MONEY),),
}
TIMESTAMPS = (("sales_order", "ship_by"), ("sales_order", "ordered_at"))
LATEST = "2099-12-31 23:59:59.999999"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in COLUMNS.items():
            for column, old, new in columns:
                op.alter_column(
                    table,
                    column,
                    type_=sa.Numeric(18, new),
                    existing_type=sa.Numeric(14, old),
                    existing_nullable=False,
                )
        for table, column in TIMESTAMPS:
            op.execute(
                f"UPDATE {table} SET {column} = TIMESTAMPTZ '{LATEST}+00' "
                f"WHERE {column} > TIMESTAMPTZ '{LATEST}+00'"
            )
        return
    for table, column in TIMESTAMPS:  # SQLite: UTC text, compared as text
        op.execute(f"UPDATE {table} SET {column} = '{LATEST}' WHERE {column} > '{LATEST}'")
    # SQLite: tables are rebuilt to change a column's type (`migrate.upgrade` turns foreign key
    # enforcement off around it and checks every key before commit).
    for table, columns in COLUMNS.items():
        for column, old, new in columns:
            op.execute(
                f"UPDATE {table} SET {column} = "
                f"CAST(ROUND(ROUND({column}, {old}) * {10**new}) AS INTEGER)"
            )
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, old, _new in columns:
                batch.alter_column(
                    column,
                    type_=sa.BigInteger(),
                    existing_type=sa.Numeric(14, old),
                    existing_nullable=False,
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in COLUMNS.items():
            for column, old, new in columns:
                op.alter_column(
                    table,
                    column,
                    type_=sa.Numeric(14, old),
                    existing_type=sa.Numeric(18, new),
                    existing_nullable=False,
                )
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, old, _new in columns:
                batch.alter_column(
                    column,
                    type_=sa.Numeric(14, old),
                    existing_type=sa.BigInteger(),
                    existing_nullable=False,
                )
        for column, old, new in columns:
            op.execute(f"UPDATE {table} SET {column} = ROUND({column} / {10**new}.0, {old})")
