"""The one place that builds the engine and the services from settings, at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from wms_terminal.config import Settings
from wms_terminal.core import migrate
from wms_terminal.core.db import Database, check_connection, make_engine
from wms_terminal.core.errors import ConfigurationError


@dataclass
class App:
    settings: Settings
    db: Database

    def close(self) -> None:
        self.db.dispose()

    # `with connect(...) as app:` closes the connection on the way out, whatever happens.
    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    database_url: str | None = None,
    *,
    require_schema: bool = True,
    create: bool = False,
    create_default: bool = False,
) -> App:
    """Build the database handle; check that it answers and (by default) is at the schema head.

    A SQLite file that does not exist is refused with its path (a mistyped path must not leave
    new folders and an empty database behind) unless `create`, or `create_default` and the URL
    is the default one (nobody typed it)."""
    settings = Settings.from_env(database_url)
    if not (create or (create_default and not settings.url_given)):
        _refuse_missing_file(settings.database_url)
    engine = make_engine(settings.database_url)
    check_connection(engine)
    if require_schema:
        migrate.ensure_current(engine)
    return App(settings=settings, db=Database(engine))


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None  # make_engine explains what is wrong with it
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _refuse_missing_file(url: str) -> None:
    path = sqlite_file(url)
    if path is None or path.exists():
        return
    where = "its folder does not exist either" if not path.parent.is_dir() else "no such file"
    raise ConfigurationError(
        f"no database at {path} ({where}); mistyped? To make a new one there: "
        f"`wms-terminal db upgrade --create --database sqlite:///{path}` "
        "(or `wms-terminal demo --create ...`)"
    )
