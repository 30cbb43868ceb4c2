"""Alembic environment: the connection is handed in by wms_terminal.core.migrate."""

from __future__ import annotations

from alembic import context

from wms_terminal.core.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic with a URL of its own
    raise RuntimeError("run migrations through `wms-terminal db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
