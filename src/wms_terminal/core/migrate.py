"""Schema migrations (Alembic). The schema never comes from create_all outside tests.

Alembic is imported when a migration runs or a schema is found out of date, not by
`ensure_current` on a database at head, the check every command and terminal makes at start:
loading Alembic and its scripts costs a terminal 12 MB and a tenth of a second for nothing. That
check reads the head from the migration files' `revision` / `down_revision` lines (a test holds
it equal to Alembic's head) and the stored revision with one SELECT.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from wms_terminal.core.db import check_connection, describe, first_line
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, SchemaOutOfDate

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# `revision: str = "0013"` and `down_revision: str | None = "0012"` in a migration file.
_REVISION_LINE = re.compile(
    r"""^(down_revision|revision)\b[^=\n]*=\s*(None|"[^"]*"|'[^']*')""", re.MULTILINE
)


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    check_connection(engine)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_in_files() -> str | None:
    """The head revision read from the migration files alone (None unless one clear head)."""
    links: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        found = dict(
            (name, None if value == "None" else value[1:-1])
            for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8"))
        )
        if not found.get("revision") or "down_revision" not in found:
            return None
        links[str(found["revision"])] = found["down_revision"]
    heads = set(links) - {down for down in links.values() if down}
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return []
        return [str(v) for v in conn.scalars(text("SELECT version_num FROM alembic_version"))]


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the database to `revision`; returns the revision it is at afterwards."""
    from alembic import command
    from alembic.util import CommandError

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
    check_connection(engine)
    at_head = head_in_files()
    if at_head is not None and _stored_revisions(engine) == [at_head]:
        return  # the usual case, decided without Alembic
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
