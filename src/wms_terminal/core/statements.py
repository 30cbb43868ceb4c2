"""Statements of one transaction sent together: one round trip on PostgreSQL.

A service whose next statements do not depend on each other's results (each checks in its own
WHERE that its change is allowed and RETURNs what the caller checks afterwards) runs them with
`run_together`. PostgreSQL: psycopg's pipeline mode on the session's own connection, inside the
session's transaction: the statements go out at once, the server runs them in order, one reply.
SQLite (in process, no round trips): the same statements one after the other through the
session. Either way the caller gets every statement's rows and checks them in order; a refusal
rolls the whole transaction back, as it would have statement by statement.

The first statement of a transaction is better run alone: psycopg syncs after the BEGIN it
sends in pipeline mode, so a pipeline saves nothing there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import CursorResult, TextClause
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from wms_terminal.core import db_errors
from wms_terminal.core.db import _pyformat

Rows = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Statement:
    """One statement and its parameters (`:name` placeholders, plain values: no expanding
    `IN :list`, which only SQLAlchemy's own execution renders)."""

    sql: TextClause
    params: Mapping[str, Any] = field(default_factory=dict)


def json_value(session: Session, value: Any) -> Any:
    """`value` as a parameter for a JSON column in a `Statement`: psycopg's Json on PostgreSQL
    (the pipeline hands parameters to the driver as they are), the JSON text on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        from psycopg.types.json import Json

        return Json(value)
    return json.dumps(value)


def for_update(session: Session) -> str:
    """` FOR UPDATE` on PostgreSQL; nothing on SQLite, where BEGIN IMMEDIATE already holds the
    write lock for the whole transaction."""
    return " FOR UPDATE" if session.get_bind().dialect.name == "postgresql" else ""


def run_together(session: Session, statements: Sequence[Statement]) -> list[Rows]:
    """Run `statements` in order inside the session's transaction; the rows each returned (an
    empty list for a statement without RETURNING or that matched nothing)."""
    if len(statements) > 1 and session.get_bind().dialect.name == "postgresql":
        return _pipelined(session, statements)
    out: list[Rows] = []
    for st in statements:
        result = cast(CursorResult[Any], session.execute(st.sql, dict(st.params)))
        out.append(result.all() if result.returns_rows else [])
    return out


@lru_cache(maxsize=1024)
def _driver_sql(sql: str) -> str:
    return _pyformat(sql)  # the same few statements over and over: converted once each


def _pipelined(session: Session, statements: Sequence[Statement]) -> list[Rows]:
    import psycopg

    conn = session.connection()  # the session's transaction and connection
    raw: Any = conn.connection.driver_connection
    cursors: list[Any] = []
    try:
        with raw.pipeline():
            for st in statements:
                cur = raw.cursor()
                cur.execute(_driver_sql(st.sql.text), dict(st.params), prepare=True)
                cursors.append(cur)
        return [cur.fetchall() if cur.description is not None else [] for cur in cursors]
    except psycopg.Error as exc:
        # As SQLAlchemy reports it on the usual path: a lost connection is DatabaseUnavailable
        # (the connection dropped from the pool); anything else its DBAPIError, which
        # `with_retry` retries on a deadlock or serialization failure.
        if db_errors.connection_lost(exc):
            conn.invalidate(exc)
            raise db_errors.unavailable(conn.engine, exc) from exc
        raise DBAPIError.instance(
            ";\n".join(st.sql.text for st in statements),  # which one failed: the error says
            [dict(st.params) for st in statements],
            exc,
            psycopg.Error,
            dialect=conn.dialect,
        ) from exc
    finally:
        for cur in cursors:
            cur.close()
