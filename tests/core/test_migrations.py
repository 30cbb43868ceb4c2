"""Migrations bring an empty database to head on both backends; the schema guards itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from wms_terminal.core import migrate
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import SchemaOutOfDate
from wms_terminal.core.inventory import move, write_moves
from wms_terminal.core.models import metadata


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    url: str = request.getfixturevalue("pg_scratch_url")
    return url


def test_upgrade_takes_an_empty_database_to_head(empty_url: str) -> None:
    engine = make_engine(empty_url)
    with pytest.raises(SchemaOutOfDate, match="no schema yet"):
        migrate.ensure_current(engine)
    assert migrate.upgrade(engine) == migrate.head_revision()
    migrate.ensure_current(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    # Running it again is harmless.
    assert migrate.upgrade(engine) == migrate.head_revision()
    engine.dispose()


def test_database_refuses_negative_stock_and_over_reservation(db: Database) -> None:
    from tests import factories as f

    with db.transaction() as s:
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        p = f.product(s, 1)
        f.put(s, f.location(s, wh, 1, 1), p, 5)
    for stmt in ("UPDATE stock SET on_hand = -1", "UPDATE stock SET reserved = 6"):
        with pytest.raises(IntegrityError), db.transaction() as s:
            s.execute(text(stmt))
    with db.reading() as s:
        assert s.execute(text("SELECT on_hand, reserved FROM stock")).one() == (5, 0)


def test_ledger_is_append_only(db: Database) -> None:
    from tests import factories as f

    with db.transaction() as s:
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        p = f.product(s, 1)
        assert wh.id is not None and p.id is not None
        write_moves(
            s,
            [
                move(
                    warehouse_id=wh.id,
                    product_id=p.id,
                    location_id=None,
                    kind="adjustment",
                    actor=SYSTEM,
                    on_hand_delta=1,
                )
            ],
        )
    for stmt in ("UPDATE stock_ledger SET on_hand_delta = 99", "DELETE FROM stock_ledger"):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
            s.execute(text(stmt))
    with db.reading() as s:
        assert s.execute(text("SELECT on_hand_delta FROM stock_ledger")).scalar_one() == 1


def test_insert_ignore_counts_what_went_in(db: Database) -> None:
    from wms_terminal.core.bulk_sql import insert_ignore
    from wms_terminal.core.models import Counter

    with db.transaction() as s:
        assert (
            insert_ignore(s, Counter, [{"name": "a", "value": 0}, {"name": "b", "value": 0}]) == 2
        )
        assert (
            insert_ignore(s, Counter, [{"name": "a", "value": 5}, {"name": "c", "value": 0}]) == 1
        )
        assert insert_ignore(s, Counter, [{"name": "c", "value": 1}]) == 0
