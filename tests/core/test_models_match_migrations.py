"""The models and the migrations describe the same schema, on both backends.

Alembic's own comparison (`compare_metadata`, what `alembic revision --autogenerate` would write)
between a database migrated to head and `SQLModel.metadata`: it must find nothing. A model change
without its migration, or a migration that differs from its model, fails here.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from wms_terminal.core.db import Database
from wms_terminal.core.models import metadata


def _differences(db: Database) -> list[Any]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return [d for d in compare_metadata(context, metadata) if not _ignored(d)]


def _ignored(diff: Any) -> bool:
    # Alembic's own bookkeeping table is not a model.
    return (
        isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == "alembic_version"
    )


def test_models_and_migrations_agree(db: Database) -> None:
    assert _differences(db) == []
