"""Quotes and invoices are found by their number and locked for the change that follows."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.errors import NotFound
from wms_terminal.core.statements import for_update

T = TypeVar("T")


def locked_by_number(s: Session, model: type[T], table: str, number: str, what: str) -> T:
    """The row of `table` numbered `number` (any case), locked and fresh; NotFound names it."""
    found = s.execute(
        text(f"SELECT id FROM {table} WHERE number = :n" + for_update(s)),
        {"n": number.strip().upper()},
    ).scalar()
    if found is None:
        raise NotFound(f"no {what} {number.strip()[:20]!r}")
    row = s.get(model, int(found))
    assert row is not None
    s.refresh(row)
    return row
