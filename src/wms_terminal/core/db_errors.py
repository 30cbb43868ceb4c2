"""One domain error for a database that went away.

Whatever the driver says when the connection is lost (psycopg's OperationalError from a raw
connection, SQLAlchemy's wrapped error from a Session, sqlite3 failing to open a deleted file),
callers see `DatabaseUnavailable` with the URL's password masked. Installed on every engine by
`core.db.make_engine`; `core.db.driver_connection` applies the same rule to raw connections.
Transient conflicts (serialization failures, deadlocks, locks, SQLite's busy) are not "lost": they
stay driver errors for `with_retry`.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DisconnectionError

from wms_terminal.core.errors import DatabaseUnavailable

# SQLSTATEs that mean the session is gone or cannot start: connection exceptions (class 08),
# the server shutting down or terminating the backend (57P01..57P03), the database dropped.
_LOST_SQLSTATES = ("57P01", "57P02", "57P03", "3D000")
_SQLITE_LOST = (
    "unable to open database file",
    "disk i/o error",
    "file is not a database",
    "database disk image is malformed",
    "cannot operate on a closed database",
    "readonly database",  # the file or its folder lost write permission
)
_PG_LOST_TEXT = (
    "connection is closed",
    "connection is lost",
    "server closed the connection",
    "terminating connection",
    "connection refused",
    "connection failed",
    "could not connect",
    "consuming input failed",
)


def connection_lost(exc: BaseException | None) -> bool:
    """True when the driver error `exc` means the database cannot be reached any more."""
    if exc is None:
        return False
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        return any(part in text for part in _SQLITE_LOST)
    module = type(exc).__module__ or ""
    if not module.startswith("psycopg"):
        return False
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in _LOST_SQLSTATES
    # No SQLSTATE: a client-side failure (refused, closed, broken mid-query).
    name = type(exc).__name__
    if name in ("OperationalError", "InterfaceError"):
        return True
    text = str(exc).lower()
    return any(part in text for part in _PG_LOST_TEXT)


def masked(text: str, password: str | None) -> str:
    """`text` with the password (if any) blanked, in case a driver message quotes the DSN."""
    return text.replace(password, "***") if password else text


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    """The domain error for a lost connection to `engine`'s database."""
    url = engine.url.render_as_string(hide_password=True)
    orig = getattr(exc, "orig", None) or exc
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    detail = masked(detail, engine.url.password)
    return DatabaseUnavailable(f"database unavailable: connection lost to {url} ({detail})")


def install(engine: Engine) -> None:
    """Turn every lost-connection error raised through `engine` into DatabaseUnavailable."""

    @event.listens_for(engine, "handle_error")
    def _on_error(ctx: ExceptionContext) -> BaseException | None:
        if ctx.is_pre_ping:
            return None  # the pool reconnects; a failed reconnect comes back here
        if not connection_lost(ctx.original_exception):
            return None
        ctx.is_disconnect = True  # drop the pooled connection, not only this statement
        return unavailable(engine, ctx.original_exception)


def install_sqlite_file_guard(engine: Engine, path: str) -> None:
    """A deleted SQLite file must not look like an empty database.

    An open connection keeps writing to the unlinked file (every write lost) and a new one would
    create an empty file: once the database has been opened, a checkout finds the file gone and
    drops its connection, and a new connection to a missing file is refused."""
    opened = [False]

    @event.listens_for(engine, "do_connect")
    def _refuse_missing(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        if opened[0] and not os.path.exists(path):
            raise sqlite3.OperationalError(f"unable to open database file: {path} is missing")

    @event.listens_for(engine, "connect")
    def _opened(_dbapi_connection: Any, _record: Any) -> None:
        opened[0] = True

    @event.listens_for(engine, "checkout")
    def _still_there(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not os.path.exists(path):
            raise DisconnectionError(f"{path} is missing")
