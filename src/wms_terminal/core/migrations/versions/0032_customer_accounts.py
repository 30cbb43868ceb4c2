"""customer accounts: one record per business customer (terms, billing address and credit
limit); the credit limit moves from customer to business_customer, a customer with a limit and
no business terms gets them (30 net days, one invoice per order)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-01 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wms_terminal.core.models._base import MONEY

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("business_customer") as batch:
        batch.add_column(sa.Column("credit_limit_eur", MONEY, nullable=True))
    op.execute(
        "INSERT INTO business_customer (customer_id, vat_id, payment_terms_days, invoice_per, "
        "street, city, postcode, country) "
        "SELECT c.id, '', 30, 'order', '', '', '', '' FROM customer c "
        "WHERE c.credit_limit_eur IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM business_customer b WHERE b.customer_id = c.id)"
    )
    op.execute(
        "UPDATE business_customer SET credit_limit_eur = (SELECT c.credit_limit_eur "
        "FROM customer c WHERE c.id = business_customer.customer_id)"
    )
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("credit_limit_eur")


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("credit_limit_eur", MONEY, nullable=True))
    op.execute(
        "UPDATE customer SET credit_limit_eur = (SELECT b.credit_limit_eur "
        "FROM business_customer b WHERE b.customer_id = customer.id)"
    )
    with op.batch_alter_table("business_customer") as batch:
        batch.drop_column("credit_limit_eur")
