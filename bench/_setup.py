"""Scratch databases for benchmarks: a fresh SQLite file or PostgreSQL database, migrated."""

from __future__ import annotations

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
    """None (with a message) when PostgreSQL does not answer."""
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {PG_ADMIN}: {str(exc).strip().splitlines()[0]}")
        return None
    base = PG_ADMIN.rsplit("/", 1)[0]
    engine = make_engine(normalise_database_url(f"{base}/{name}"), pool_size=20)
    migrate.upgrade(engine)
    return Database(engine)
