"""Atomic number sequences on every backend (no PostgreSQL SEQUENCE needed on SQLite)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

# One statement: creates the sequence at its first use, else counts on (the row stays locked
# to the end of the transaction, so numbers never repeat or skip between concurrent writers).
_NEXT = text(
    "INSERT INTO counter (name, value) VALUES (:name, :n) "
    "ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value RETURNING value"
)


def allocate(session: Session, name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of sequence `name` (1-based) in this transaction."""
    if count < 1:
        raise ValueError("count must be positive")
    last = session.execute(_NEXT, {"n": count, "name": name}).scalar_one()
    return range(last - count + 1, last + 1)


def next_number(session: Session, name: str) -> int:
    return allocate(session, name, 1).start
