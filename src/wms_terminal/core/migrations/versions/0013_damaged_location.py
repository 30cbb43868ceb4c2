"""location kind 'damaged': where a picker's damaged units wait for a supervisor

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite rebuilds the location table for a new CHECK; a trigger on stock_ledger that reads it
# (migration 0010) is dropped around the rebuild and made again as it was.
_SQLITE_TRIGGER = (
    "CREATE TRIGGER stock_ledger_pick_blocked BEFORE INSERT ON stock_ledger "
    "WHEN NEW.kind = 'pick' AND "
    "(SELECT blocked FROM location WHERE id = NEW.location_id) "
    "BEGIN SELECT RAISE(ABORT, 'location_blocked'); END"
)


def _kinds(kinds: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS stock_ledger_pick_blocked")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_constraint("location_kind", type_="check")
        batch_op.create_check_constraint("location_kind", f"kind IN ({kinds})")
    if sqlite:
        op.execute(_SQLITE_TRIGGER)


def upgrade() -> None:
    _kinds("'pick_face', 'reserve', 'receiving', 'damaged'")


def downgrade() -> None:
    op.execute("UPDATE location SET active = FALSE WHERE kind = 'damaged'")
    op.execute(
        "DELETE FROM location WHERE kind = 'damaged' AND NOT EXISTS "
        "(SELECT 1 FROM stock s WHERE s.location_id = location.id)"
    )
    _kinds("'pick_face', 'reserve', 'receiving'")
