"""Database fixtures: every database test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from WMS_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
When it does not answer, PostgreSQL tests are skipped with the reason, except under CI=true, where
that is a failure: CI is supposed to have it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from wms_terminal.config import normalise_database_url
from wms_terminal.core import migrate
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import metadata

# Screens are compared as text: a tab's underline still sliding on a loaded machine made the desk
# snapshots differ. Textual reads this when first imported, which no module above does.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

PG_URL = os.environ.get("WMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def worker_name() -> str:
    # Unique per pytest process: two runs on one server must never drop each other's databases.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def _pg_dsn(database: str | None = None) -> str:
    url = make_url(normalise_database_url(PG_URL))
    if database:
        url = url.set(database=database)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_admin_dsn() -> str:
    try:
        with psycopg.connect(_pg_dsn(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = f"PostgreSQL at {PG_URL} is unreachable ({str(exc).strip().splitlines()[0]})"
        if IN_CI:
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    return _pg_dsn()


def create_pg_database(admin_dsn: str, name: str) -> str:
    """A fresh, empty PostgreSQL database; returns its SQLAlchemy URL."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return normalise_database_url(_pg_dsn(name))


def drop_pg_database(admin_dsn: str, name: str) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_template_url(pg_admin_dsn: str) -> Iterator[str]:
    name = f"wms_test_{worker_name()}"
    url = create_pg_database(pg_admin_dsn, name)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(pg_admin_dsn, name)


@pytest.fixture
def pg_scratch_url(pg_admin_dsn: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"wms_scratch_{worker_name()}"
    yield create_pg_database(pg_admin_dsn, name)
    drop_pg_database(pg_admin_dsn, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    # Tests copy this file: everything must be in it, nothing left in a -wal file.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not path.with_name(path.name + "-wal").exists() or (
        path.with_name(path.name + "-wal").stat().st_size == 0
    )
    return path


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # A test may have moved the schema stamp to check old/new-schema handling: put it back.
        conn.execute(
            text("UPDATE alembic_version SET version_num = :v"), {"v": migrate.head_revision()}
        )
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database at the schema head, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "wms.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_template_url")
        _truncate_all(url)
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


@pytest.fixture
def wms_pin(monkeypatch: pytest.MonkeyPatch) -> str:
    """WMS_PIN set to the PIN of `factories.cli_user` users (commands that change data ask it)."""
    from tests.factories import CLI_PIN

    monkeypatch.setenv("WMS_PIN", CLI_PIN)
    return CLI_PIN


@pytest.fixture
def access(db_url: str, pg_admin_dsn: str) -> Iterator[dict[str, object]]:
    """The test database going away (PostgreSQL): stop() ends its sessions and refuses new
    ones; start() lets them in again."""
    name = make_url(db_url).database

    def allow(on: bool) -> None:
        with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(on).lower()}')
            if not on:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                )

    yield {"stop": lambda: allow(False), "start": lambda: allow(True)}
    allow(True)
