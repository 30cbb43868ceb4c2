"""Statements sent together (`core.statements.run_together`): each one's rows in order, and a
failure is reported as on the usual path, with nothing of the transaction left behind."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import DatabaseUnavailable
from wms_terminal.core.statements import Statement, run_together

_RENAME = text("UPDATE warehouse SET name = :n WHERE code = :c RETURNING code")
_NAMES = text("SELECT code, name FROM warehouse ORDER BY code")


def _two_warehouses(db: Database) -> None:
    with db.transaction() as s:
        f.warehouse(s, "MAIN", 52.0, 4.5)
        f.warehouse(s, "EAST", 51.0, 5.5)


def test_each_statement_answers_in_order_and_sees_the_ones_before(db: Database) -> None:
    _two_warehouses(db)
    with db.transaction() as s:
        rows = run_together(
            s,
            [
                Statement(_RENAME, {"n": "Main hall", "c": "MAIN"}),
                Statement(_RENAME, {"n": "nowhere", "c": "NONE"}),  # matches nothing
                Statement(text("UPDATE warehouse SET name = 'East' WHERE code = 'EAST'")),
                Statement(_NAMES),
            ],
        )
    assert [list(map(tuple, r)) for r in rows] == [
        [("MAIN",)],
        [],
        [],
        [("EAST", "East"), ("MAIN", "Main hall")],
    ]


def test_a_failing_statement_rolls_back_everything_sent_with_it(db: Database) -> None:
    _two_warehouses(db)
    with pytest.raises(IntegrityError), db.transaction() as s:
        run_together(
            s,
            [
                Statement(_RENAME, {"n": "Main hall", "c": "MAIN"}),
                Statement(text("UPDATE warehouse SET code = 'MAIN' WHERE code = 'EAST'")),
                Statement(_NAMES),
            ],
        )
    with db.reading() as s:
        names = [tuple(r) for r in s.execute(_NAMES)]
    assert ("MAIN", "Main hall") not in names and len(names) == 2


@pytest.mark.postgres
def test_a_connection_lost_on_the_way_is_database_unavailable(pg_template_url: str) -> None:
    db = Database(make_engine(pg_template_url))
    dsn = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with pytest.raises(DatabaseUnavailable, match="connection lost"), db.transaction() as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            run_together(s, [Statement(text("SELECT 1")), Statement(text("SELECT 2"))])
        with db.reading() as s:  # the pool dropped the dead connection: work goes on
            assert s.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        db.dispose()
