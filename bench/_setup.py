"""Scratch databases for benchmarks: a fresh SQLite file or PostgreSQL database, migrated."""

from __future__ import annotations

import atexit
import os
import tempfile
from pathlib import Path

import psycopg

from wms_terminal.config import normalise_database_url
from wms_terminal.core import migrate
from wms_terminal.core.db import Database, make_engine

PG_ADMIN = os.environ.get("WMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def scratch_sqlite(name: str) -> Database:
    path = Path(tempfile.mkdtemp(prefix="wms-bench-")) / f"{name}.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    return Database(engine)


def scratch_postgres(name: str) -> Database | None:
    """A database `<name>_<pid>` (two runs never share one), dropped when the process exits;
    None (with a message) when PostgreSQL does not answer."""
    name = f"{name}_{os.getpid()}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {PG_ADMIN}: {str(exc).strip().splitlines()[0]}")
        return None
    atexit.register(_drop, name)
    base = PG_ADMIN.rsplit("/", 1)[0]
    engine = make_engine(normalise_database_url(f"{base}/{name}"), pool_size=20)
    migrate.upgrade(engine)
    return Database(engine)


def _drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
