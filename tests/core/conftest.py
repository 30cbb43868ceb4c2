"""Fixtures of the invariant checks: a small floor mid-shift, and damage done to it by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from tests.picking.conftest import Floor, build_floor
from wms_terminal.core.db import Database
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list


@dataclass
class Worked:
    """A small floor mid-shift: two lists claimed, one pick confirmed into a tote."""

    floor: Floor
    list_a: int
    list_b: int
    tote_a: int

    @property
    def db(self) -> Database:
        return self.floor.db


@pytest.fixture
def worked(db: Database) -> Worked:
    floor = build_floor(db)
    floor.order([(1, 3), (3, 2)])
    floor.order([(4, 4)])
    floor.release()
    a = service.claim_next(db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    b = service.claim_next(db, floor.actors["quinn"], warehouse_id=floor.warehouse_id)
    assert a is not None and b is not None
    task = get_list(db, a).next_task
    assert task is not None
    r = service.confirm_pick(
        db, floor.actors["pat"], scan_id="inv-1", task_id=task.task_id, qty=1, tote="T-MAIN-0001"
    )
    assert r.accepted, r
    tote = one(db, "SELECT id FROM tote WHERE code = 'T-MAIN-0001'")
    return Worked(floor, a, b, tote)


def one(db: Database, sql: str) -> int:
    with db.reading() as s:
        return int(s.execute(text(sql)).scalar_one())


@pytest.fixture
def damage(db: Database) -> Iterator[Callable[..., None]]:
    """`damage(*sql, lift=(table, constraint...))` runs the statements in one transaction; with
    `lift`, the table's CHECK constraints do not refuse them. On PostgreSQL the schema outlives
    the test: the lifted constraints are put back afterwards (the table emptied first)."""
    put_back: list[tuple[str, dict[str, str]]] = []

    def run(*statements: str, lift: tuple[str, ...] = ()) -> None:
        with db.engine.connect() as conn:
            if lift and db.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
            elif lift:
                table, names = lift[0], lift[1:]
                defs = {
                    n: str(
                        conn.execute(
                            text(
                                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conname = :n AND conrelid = CAST(:t AS regclass)"
                            ),
                            {"n": n, "t": table},
                        ).scalar_one()
                    )
                    for n in names
                }
                for n in names:
                    conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT {n}')
                put_back.append((table, defs))
            for st in statements:
                conn.execute(text(st))
            if lift and db.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
            conn.commit()

    yield run
    for table, defs in put_back:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f'TRUNCATE "{table}" CASCADE')
            for n, definition in defs.items():
                conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT {n} {definition}')
