"""counts: locations blocked while counted; count tasks claimed, counted twice, finished

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00

- `location.blocked`, `location.blocked_reason`: a location with an open count (or reported
  empty) is blocked: allocation does not reserve from it and picks there are refused.
- `count_task`: who claimed it and when, a first count kept for a second (blind) count, who made
  the deciding count, when it ended, a note (why it was cancelled).
- A guard in the database on both backends: no `pick` ledger line at a blocked location. The
  Python confirm path refuses first with the operator's message; the guard keeps every other
  path honest (on PostgreSQL `wms_confirm_pick` raises WM001 `location_blocked` through it, and
  the caller runs the Python path, which stores the refusal).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_USER_COLUMNS = ("claimed_by", "first_by", "counted_by")

_PG_GUARD = """
CREATE OR REPLACE FUNCTION wms_refuse_blocked_pick() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM location WHERE id = NEW.location_id AND blocked) THEN
        RAISE EXCEPTION 'location_blocked' USING ERRCODE = 'WM001';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("location") as batch:
        batch.add_column(
            sa.Column("blocked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("blocked_reason", sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("count_task") as batch:
        for name in _USER_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_count_task_{name}", "app_user", [name], ["id"])
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("first_qty", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("note", sa.String(length=200), nullable=False, server_default="")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
        op.execute(
            "CREATE TRIGGER stock_ledger_pick_blocked BEFORE INSERT ON stock_ledger "
            "FOR EACH ROW WHEN (NEW.kind = 'pick') EXECUTE FUNCTION wms_refuse_blocked_pick()"
        )
    else:
        op.execute(
            "CREATE TRIGGER stock_ledger_pick_blocked BEFORE INSERT ON stock_ledger "
            "WHEN NEW.kind = 'pick' AND "
            "(SELECT blocked FROM location WHERE id = NEW.location_id) "
            "BEGIN SELECT RAISE(ABORT, 'location_blocked'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stock_ledger_pick_blocked ON stock_ledger")
        op.execute("DROP FUNCTION IF EXISTS wms_refuse_blocked_pick()")
    else:
        op.execute("DROP TRIGGER IF EXISTS stock_ledger_pick_blocked")
    with op.batch_alter_table("count_task") as batch:
        for name in _USER_COLUMNS:
            batch.drop_constraint(f"fk_count_task_{name}", type_="foreignkey")
            batch.drop_column(name)
        for name in ("claimed_at", "first_qty", "done_at", "note"):
            batch.drop_column(name)
    with op.batch_alter_table("location") as batch:
        batch.drop_column("blocked_reason")
        batch.drop_column("blocked")
