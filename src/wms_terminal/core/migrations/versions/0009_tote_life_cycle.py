"""tote life cycle: index on tote.pick_list_id; stuck totes of finished lists move on

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:30:00

- `ix_tote_pick_list_id`: a finished or cancelled list finds its totes by the index
  (`picking.totes.finish_list`, `free_totes_of_lists`) instead of reading every tote.
- Data: before the life cycle nothing ever moved a tote on, so totes stayed `in_use` or `full`
  on lists long done. A tote of a done list is now where that list's totes go, `at_packing`
  (a packer empties it: `wms-terminal totes empty`); a tote of a cancelled list is `free`.
  Downgrade keeps the statuses (the old code reads `at_packing` as "not free").
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tote_pick_list_id"), ["pick_list_id"], unique=False)
    op.execute(
        "UPDATE tote SET status = 'at_packing' WHERE status IN ('in_use', 'full') "
        "AND pick_list_id IN (SELECT id FROM pick_list WHERE status = 'done')"
    )
    op.execute(
        "UPDATE tote SET status = 'free', pick_list_id = NULL WHERE status IN ('in_use', 'full') "
        "AND pick_list_id IN (SELECT id FROM pick_list WHERE status = 'cancelled')"
    )


def downgrade() -> None:
    with op.batch_alter_table("tote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tote_pick_list_id"))
