"""drop wms_confirm_pick: one confirm-a-pick implementation (Python, both backends)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00

The PL/pgSQL function of 0002 mirrored the Python confirm path (about 210 lines, 9 of its 14
refusal codes compared). Picks are confirmed by `wms_terminal.picking.service.confirm_pick`
only; see the commit for what the one round trip was worth in the 16-terminal benchmark.
Downgrade puts the function of 0002 back.
"""

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = (
    "wms_confirm_pick(varchar, integer, integer, integer, varchar, varchar, varchar, varchar, "
    "integer, timestamptz, varchar, varchar, varchar)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        hot_path = importlib.import_module(
            "wms_terminal.core.migrations.versions.0002_pick_hot_path"
        )
        op.execute(hot_path.CONFIRM_PICK)
