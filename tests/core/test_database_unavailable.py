"""A database that goes away reaches every caller as one domain error, DatabaseUnavailable.

Access is stopped for real: PostgreSQL backends terminated (and new connections refused), a closed
port, a deleted or damaged SQLite file. The Session paths and the raw psycopg paths (pick list
read, claim) must say the same thing, with the URL's password masked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core import migrate
from wms_terminal.core.db import Database, check_connection, driver_connection, make_engine
from wms_terminal.core.errors import DatabaseUnavailable
from wms_terminal.core.models import Warehouse
from wms_terminal.picking.claims import get_list

SECRET = "s3cret-pw"


@pytest.fixture
def pg_db(pg_scratch_url: str, pg_admin_dsn: str) -> Iterator[tuple[Database, str]]:
    # trust authentication ignores the password: it is there to be masked in messages
    url = make_url(pg_scratch_url).set(password=SECRET)
    engine = make_engine(url.render_as_string(hide_password=False))
    migrate.upgrade(engine)
    db = Database(engine)
    with db.transaction() as s:
        f.warehouse(s, "MAIN", 52.0, 4.5)
    name = url.database or ""
    yield db, name
    db.dispose()
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def _stop_access(admin_dsn: str, name: str, *, refuse_new: bool) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        if refuse_new:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )


def _assert_masked(exc: DatabaseUnavailable) -> None:
    assert exc.message.startswith("database unavailable: connection lost")
    assert SECRET not in exc.message and SECRET not in str(exc)


def _count_warehouses(db: Database) -> int:
    with db.reading() as s:
        return len(s.exec(select(Warehouse)).all())


@pytest.mark.postgres
def test_postgres_terminated_and_refusing_is_unavailable_on_every_path(
    pg_db: tuple[Database, str], pg_admin_dsn: str
) -> None:
    db, name = pg_db
    assert _count_warehouses(db) == 1  # the pool now holds a live connection
    _stop_access(pg_admin_dsn, name, refuse_new=True)

    with pytest.raises(DatabaseUnavailable) as session_path:
        _count_warehouses(db)
    _assert_masked(session_path.value)
    with pytest.raises(DatabaseUnavailable) as raw_path:
        get_list(db, 1)  # the prepared autocommit read on the psycopg connection
    _assert_masked(raw_path.value)
    with pytest.raises(DatabaseUnavailable) as raw_direct, driver_connection(db.engine) as conn:
        conn.execute("SELECT 1")
    _assert_masked(raw_direct.value)
    with pytest.raises(DatabaseUnavailable):
        db.run(lambda s: s.execute(text("SELECT 1")).scalar_one())

    # Access back: the same Database works again without a restart.
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert _count_warehouses(db) == 1


@pytest.mark.postgres
def test_postgres_backend_killed_inside_a_transaction_is_unavailable_and_rolled_back(
    pg_db: tuple[Database, str], pg_admin_dsn: str
) -> None:
    db, name = pg_db
    with pytest.raises(DatabaseUnavailable) as lost, db.transaction() as s:
        f.warehouse(s, "SECOND", 50.0, 4.0)
        _stop_access(pg_admin_dsn, name, refuse_new=False)
        s.execute(text("SELECT count(*) FROM warehouse")).scalar_one()
    _assert_masked(lost.value)
    # The server is still there: the next action reconnects; nothing of the lost one stayed.
    assert _count_warehouses(db) == 1


@pytest.mark.postgres
def test_a_killed_idle_connection_reconnects_without_an_error(
    pg_db: tuple[Database, str], pg_admin_dsn: str
) -> None:
    db, name = pg_db
    assert _count_warehouses(db) == 1
    _stop_access(pg_admin_dsn, name, refuse_new=False)
    assert _count_warehouses(db) == 1


def test_closed_port_is_unavailable_with_the_password_masked(capsys) -> None:
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/nowhere"
    db = Database(make_engine(url))
    with pytest.raises(DatabaseUnavailable) as lost:
        _count_warehouses(db)
    _assert_masked(lost.value)
    assert "***@127.0.0.1:1/nowhere" in lost.value.message
    with pytest.raises(DatabaseUnavailable) as raw, driver_connection(db.engine):
        pass
    _assert_masked(raw.value)
    with pytest.raises(DatabaseUnavailable, match="cannot reach the database"):
        check_connection(db.engine)
    db.dispose()
    assert main(["db", "current", "--database", url]) == 3
    err = capsys.readouterr().err
    assert "database unavailable" in err and SECRET not in err and "Traceback" not in err


def test_sqlite_file_deleted_under_a_running_terminal(tmp_path: Path) -> None:
    path = tmp_path / "wms.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    db = Database(engine)
    with db.transaction() as s:
        f.warehouse(s, "MAIN", 52.0, 4.5)
    assert _count_warehouses(db) == 1
    for leftover in tmp_path.glob("wms.sqlite3*"):
        leftover.unlink()

    with pytest.raises(DatabaseUnavailable, match="database unavailable: connection lost"):
        _count_warehouses(db)
    with pytest.raises(DatabaseUnavailable, match="is missing"), db.transaction() as s:
        f.warehouse(s, "SECOND", 50.0, 4.0)
    # Never silently replaced by an empty database.
    assert not path.exists()
    db.dispose()


def test_sqlite_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "wms.sqlite3"
    path.write_bytes(os.urandom(8192))
    db = Database(make_engine(f"sqlite:///{path}"))
    with pytest.raises(DatabaseUnavailable, match="file is not a database"):
        _count_warehouses(db)
    db.dispose()
