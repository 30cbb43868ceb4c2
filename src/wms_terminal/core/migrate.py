"""Schema migrations (Alembic). The schema never comes from create_all outside tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from wms_terminal.core.db import check_connection, describe, first_line
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, SchemaOutOfDate

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    check_connection(engine)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the database to `revision`; returns the revision it is at afterwards."""
    check_connection(engine)
    current = current_revision(engine)
    if current is not None and not _known(current):
        raise SchemaOutOfDate(_newer(engine, current))
    cfg = _config()
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            # SQLite changes a column's type by rebuilding its table (create, copy, drop,
            # rename), which foreign keys refuse while other tables reference it. SQLite's own
            # procedure: enforcement off around the migration, every key checked before commit.
            if sqlite:
                _sqlite_pragma(conn, "PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, revision)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise SchemaOutOfDate(
                                f"migration to {revision!r} would break foreign keys "
                                f"({broken[0][0]} -> {broken[0][2]}); nothing was changed"
                            )
            finally:
                if sqlite:
                    _sqlite_pragma(conn, "PRAGMA foreign_keys = ON")
    except OperationalError as exc:
        if "locked" in str(exc.orig).lower():
            raise DatabaseBusy(
                f"the database {describe(engine)} is locked by another process; try again"
            ) from exc
        raise DatabaseUnavailable(f"migration failed: {first_line(exc)}") from exc
    except DBAPIError as exc:
        raise DatabaseUnavailable(f"migration failed: {first_line(exc)}") from exc
    except CommandError as exc:
        raise SchemaOutOfDate(f"cannot migrate to {revision!r}: {exc}") from exc
    rev = current_revision(engine)
    return rev or ""


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    """A PRAGMA outside any transaction (SQLAlchemy would open one first, where it is ignored)."""
    conn.connection.driver_connection.execute(pragma)  # type: ignore[union-attr]


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not at head."""
    current = current_revision(engine)
    head = head_revision()
    if current is None:
        raise SchemaOutOfDate(
            f"the database {describe(engine)} has no schema yet: run `wms-terminal db upgrade`"
        )
    if not _known(current):
        raise SchemaOutOfDate(_newer(engine, current))
    if current != head:
        raise SchemaOutOfDate(
            f"the database {describe(engine)} is at schema {current}, this program needs {head}: "
            "run `wms-terminal db upgrade`"
        )


def _newer(engine: Engine, current: str) -> str:
    return (
        f"the database {describe(engine)} is at schema {current}, which this program does not "
        "know: it was migrated by a newer wms-terminal; upgrade this program"
    )
