"""Engine factory and the transaction helper every service uses.

SQLite: WAL, a busy timeout and `BEGIN IMMEDIATE` (SQLAlchemy's documented recipe: pysqlite would
otherwise run the first SELECT outside the transaction and two terminals could oversell).
PostgreSQL (psycopg 3): READ COMMITTED with conditional UPDATEs and row locks in services, and a
bounded retry on serialization failures and deadlocks.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from wms_terminal.core import db_errors
from wms_terminal.core.errors import ConfigurationError, DatabaseBusy, DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


def _busy_timeout_ms() -> int:
    # How long one try waits for another writer's lock (SQLite) before `with_retry` reports
    # "busy, retrying" and tries again: short, so a terminal never looks frozen.
    return int(os.environ.get("WMS_SQLITE_BUSY_TIMEOUT_MS", "250"))


# Total time a user action keeps retrying a busy database before it gives up with DatabaseBusy.
BUSY_GIVE_UP_S = float(os.environ.get("WMS_BUSY_GIVE_UP_S", "30"))
_busy_listener: ContextVar[Callable[[str], None] | None] = ContextVar("busy", default=None)


@contextmanager
def busy_notices(listener: Callable[[str], None]) -> Iterator[None]:
    """Call `listener("busy, retrying")` each time work in this context (thread, task) finds the
    database busy and tries again: a screen or driver shows it instead of looking frozen."""
    token = _busy_listener.set(listener)
    try:
        yield
    finally:
        _busy_listener.reset(token)


READ_ONLY = "wms_read_only"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    """Build the engine for `url`. Called once at start-up (bootstrap), never at import."""
    try:
        return _make_engine(url, echo=echo, pool_size=pool_size)
    except (ArgumentError, ValueError) as exc:
        raise ConfigurationError(f"not a usable database URL ({exc}): {_hide(url)}") from exc
    except ImportError as exc:
        raise ConfigurationError(
            f"no driver for {_hide(url)} ({exc.name or exc}); use sqlite:/// or postgresql://"
        ) from exc
    except OSError as exc:
        raise ConfigurationError(
            f"cannot create the database folder for {_hide(url)}: {exc.strerror or exc}"
        ) from exc


def _hide(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL may still hold a password: show only its scheme
        return url.split(":", 1)[0] + ":…"


def _make_engine(url: str, *, echo: bool, pool_size: int) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": _busy_timeout_ms() / 1000, "check_same_thread": False},
            poolclass=NullPool if database in ("", ":memory:") else None,
        )
        _install_sqlite_recipe(engine)
        db_errors.install(engine)
        if database and database != ":memory:":
            db_errors.install_sqlite_file_guard(engine, str(Path(database).expanduser()))
            _install_checkpointer(engine, str(Path(database).expanduser()))
        return engine
    if backend == "postgresql":
        engine = create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=pool_size * 2,
            connect_args={"connect_timeout": 5, "application_name": "wms-terminal"},
        )
        db_errors.install(engine)
        return engine
    raise ConfigurationError(
        f"unsupported database {backend!r}: use a sqlite:/// or postgresql:// URL"
    )


def _install_sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so that our BEGIN below is the one that runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_busy_timeout_ms()}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL checkpoints run in a background thread (`_install_checkpointer`), not in the
        # commit that crosses the default 1,000-page mark: that commit took 10-20 ms and made
        # the confirm-a-pick p99 (7.5 ms). A high mark stays as a bound on the WAL file.
        cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front; read-only work may share.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN DEFERRED")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


WAL_AUTOCHECKPOINT_PAGES = 16_000  # ~64 MB: reached only if the background checkpoint lags
CHECKPOINT_EVERY_S = 0.5


def _install_checkpointer(engine: Engine, path: str) -> None:
    """A daemon thread that runs `PRAGMA wal_checkpoint(PASSIVE)` on its own connection every
    CHECKPOINT_EVERY_S while the engine lives. PASSIVE never waits for or blocks readers and
    writers; with synchronous=NORMAL it is the only place that syncs the database file. The
    thread ends when the engine is disposed or garbage-collected."""
    import sqlite3
    import threading
    import weakref

    stop = threading.Event()
    ref = weakref.ref(engine)

    def loop() -> None:
        conn = None
        try:
            while not stop.wait(CHECKPOINT_EVERY_S):
                if ref() is None or not Path(path).exists():
                    return
                if conn is None:
                    conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
                    conn.isolation_level = None
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # busy or locked: the next tick tries again
                    log.debug("background checkpoint of %s: %s", path, exc)
        finally:
            if conn is not None:
                conn.close()

    thread = threading.Thread(target=loop, name="wms-sqlite-checkpoint", daemon=True)

    @event.listens_for(engine, "engine_disposed")
    def _stop(_engine: Any) -> None:
        # Wait for the thread to close its connection: the last connection to close folds the
        # WAL back into the database file, so that after dispose() the file alone is complete
        # (a copy or backup of it misses nothing).
        stop.set()
        if thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=5)

    thread.start()


@contextmanager
def driver_connection(engine: Engine) -> Iterator[Any]:
    """The pooled driver (psycopg) connection in autocommit mode, for the few prepared statements
    that skip the Session. A lost connection raises DatabaseUnavailable, as on every other path;
    other driver errors propagate as they are (the caller may fall back to its Session path). A
    broken connection is dropped from the pool."""
    try:
        pooled = engine.raw_connection()
    except Exception as exc:
        if db_errors.connection_lost(exc):
            raise db_errors.unavailable(engine, exc) from exc
        raise
    try:
        conn: Any = pooled.driver_connection
        conn.autocommit = True
        try:
            yield conn
        except Exception as exc:
            if conn.closed or conn.broken:
                pooled.invalidate()
            if db_errors.connection_lost(exc):
                raise db_errors.unavailable(engine, exc) from exc
            raise
        finally:
            if not conn.closed:
                conn.autocommit = False
    finally:
        pooled.close()


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with the cause when the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(f"cannot reach the database: {exc.message}") from exc
    except (OperationalError, DBAPIError) as exc:
        if "locked" in first_line(exc).lower():
            raise DatabaseBusy(
                f"the database {describe(engine)} is locked by another program "
                "(busy: a long write or a crashed tool holding it); try again"
            ) from exc
        raise DatabaseUnavailable(
            f"cannot reach the database {describe(engine)}: {first_line(exc)}"
        ) from exc


def describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _is_retryable(exc: DBAPIError) -> bool:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "diag", None), "sqlstate", None
    )
    if sqlstate in ("40001", "40P01", "55P03"):
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def _is_busy(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def with_retry(
    fn: Callable[[], T], *, attempts: int = 6, base_delay: float = 0.01, what: str = "transaction"
) -> T:
    """Run `fn` (one whole transaction) again after a serialization failure, deadlock or lock.

    Conflicts (PostgreSQL) are retried up to `attempts` times. A busy SQLite database (each try
    waits at most the short busy timeout) is retried until BUSY_GIVE_UP_S has passed, telling
    the `busy_notices` listener "busy, retrying" each time; then DatabaseBusy."""
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except DBAPIError as exc:
            if not _is_retryable(exc):
                raise
            busy = _is_busy(exc)
            out_of_time = time.monotonic() - started >= BUSY_GIVE_UP_S
            if (busy and out_of_time) or (not busy and attempt >= attempts):
                raise DatabaseBusy(
                    f"the database stayed busy; {what} not applied, try again"
                ) from exc
            listener = _busy_listener.get()
            if busy and listener is not None:
                listener(f"busy, retrying ({what})")
            delay = base_delay * (2 ** min(attempt - 1, 5)) * (0.5 + random.random())
            log.debug("retrying %s after %s (attempt %d)", what, first_line(exc), attempt)
            time.sleep(delay)


class Database:
    """The engine plus a session factory; built once by bootstrap and passed to services."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.read_engine = engine.execution_options(**{READ_ONLY: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session that never takes SQLite's write lock."""
        with Session(self.read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def run(self, fn: Callable[[Session], T], *, what: str = "transaction") -> T:
        """Run `fn` in one transaction, retried as a whole on transient conflicts."""

        def attempt() -> T:
            with self.transaction() as session:
                return fn(session)

        return with_retry(attempt, what=what)

    def autocommit_statements(self, work: Callable[[Fetch], T]) -> T:
        """PostgreSQL: run `work` with a `fetch(sql, params)` that executes one statement in
        autocommit on the raw psycopg connection, prepared server-side: one round trip each,
        no BEGIN/COMMIT (under READ COMMITTED each statement of a transaction had its own
        snapshot too). `sql` uses `:name` placeholders. A data-modifying statement commits on
        its own, whole or not at all.

        Raises `RawPathFailed` when the driver failed otherwise (nothing of that statement was
        committed; a broken connection is dropped from the pool): the caller then takes its
        transactional path, which retries and reports errors as everywhere else. A lost
        connection raises DatabaseUnavailable (`driver_connection`)."""
        if self.dialect != "postgresql":
            raise RawPathFailed("autocommit statements are for PostgreSQL only")
        import psycopg

        try:
            with driver_connection(self.engine) as conn:

                def fetch(sql: str, params: Mapping[str, Any]) -> list[Any]:
                    cur = conn.execute(_pyformat(sql), dict(params), prepare=True)
                    return cur.fetchall() if cur.description is not None else []

                return work(fetch)
        except psycopg.Error as exc:
            raise RawPathFailed(first_line(exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


Fetch = Callable[[str, Mapping[str, Any]], list[Any]]


class RawPathFailed(Exception):
    """A statement on the raw connection failed and changed nothing: take the usual path."""


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _pyformat(sql: str) -> str:
    """`:name` placeholders as psycopg's `%(name)s` (and a literal % doubled)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def analyze(db: Database, tables: tuple[str, ...] = ()) -> None:
    """Refresh the planner's statistics after a bulk load (the demo build, a large wave).

    Without them PostgreSQL planned the pick list read as hash joins over whole tables (15 ms
    instead of 0.3 ms) and sorted every open list to claim one. Outside any transaction: a
    separate maintenance statement, never part of the load's own transaction."""
    names = ", ".join(f'"{t}"' for t in tables)
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql(f"ANALYZE {names}" if names else "ANALYZE")
