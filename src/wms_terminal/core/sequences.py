"""Atomic number sequences on every backend (no PostgreSQL SEQUENCE needed on SQLite)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.bulk_sql import insert_ignore
from wms_terminal.core.models import Counter


def allocate(session: Session, name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of sequence `name` (1-based) in this transaction."""
    if count < 1:
        raise ValueError("count must be positive")
    insert_ignore(session, Counter, [{"name": name, "value": 0}])
    last = session.execute(
        text("UPDATE counter SET value = value + :n WHERE name = :name RETURNING value"),
        {"n": count, "name": name},
    ).scalar_one()
    return range(last - count + 1, last + 1)


def next_number(session: Session, name: str) -> int:
    return allocate(session, name, 1).start
