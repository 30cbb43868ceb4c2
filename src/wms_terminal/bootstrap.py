"""The one place that builds the engine and the services from settings, at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from wms_terminal.config import Settings
from wms_terminal.core import migrate
from wms_terminal.core.db import Database, check_connection, make_engine


@dataclass
class App:
    settings: Settings
    db: Database

    def close(self) -> None:
        self.db.dispose()


def connect(database_url: str | None = None, *, require_schema: bool = True) -> App:
    """Build the database handle; check that it answers and (by default) is at the schema head."""
    settings = Settings.from_env(database_url)
    engine = make_engine(settings.database_url)
    check_connection(engine)
    if require_schema:
        migrate.ensure_current(engine)
    return App(settings=settings, db=Database(engine))
