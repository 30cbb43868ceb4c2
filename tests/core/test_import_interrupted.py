"""The database goes away part-way through an import: it says how far it got, and a second run
finishes it (whole orders only, none twice), with the written parts in the audit log."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import select

from tests import factories as f
from wms_terminal.core import migrate
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import DatabaseUnavailable
from wms_terminal.core.intake import ImportInterrupted, import_orders
from wms_terminal.core.models import AuditEntry, SalesOrder
from wms_terminal.core.order_files import parse_json

ORDERS = 5


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def setting(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    if request.param == "sqlite":
        path = tmp_path / "wms.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"

        def cut() -> None:  # the file is gone: nothing can open it
            path.rename(tmp_path / "away.sqlite3")
            for extra in ("-wal", "-shm"):
                path.with_name(path.name + extra).unlink(missing_ok=True)
            path.mkdir()

        def restore() -> None:
            path.rmdir()
            (tmp_path / "away.sqlite3").rename(path)

        yield url, (cut, restore)
        return
    url = request.getfixturevalue("pg_scratch_url")
    admin = request.getfixturevalue("pg_admin_dsn")
    name = make_url(url).database
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()

    def pg(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    def cut_pg() -> None:  # no new connections, and every open one dropped
        pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        pg(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )

    def restore_pg() -> None:
        pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    try:
        yield url, (cut_pg, restore_pg)
    finally:
        restore_pg()


def _orders() -> list[Any]:
    doc = {
        "orders": [
            {
                "channel": "web",
                "external_id": f"I{i}",
                "currency": "EUR",
                "customer": {"name": "Ann"},
                "ship_to": {"name": "Ann", "country": "NL"},
                "lines": [{"sku": "SKU-00001", "qty": 1, "unit_price": "5.00"}],
            }
            for i in range(ORDERS)
        ]
    }
    return parse_json(json.dumps(doc))


def test_interrupted_import_says_how_far_and_a_second_run_finishes_it(
    setting: tuple[str, Any],
) -> None:
    url, (cut, restore) = setting
    db = Database(make_engine(url))
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        f.put(s, f.location(s, wh, 1, 1), f.product(s, 1), 100)
    orders = _orders()

    def after_chunk(done: int) -> None:
        if done == 2:
            db.engine.dispose()  # SQLite: let go of the file (PostgreSQL: dropped anyway)
            cut()

    with pytest.raises(ImportInterrupted) as e:
        import_orders(db, orders, actor=SYSTEM, name="big.json", chunk_size=2, progress=after_chunk)
    assert isinstance(e.value, DatabaseUnavailable) and e.value.exit_code == 3
    message = e.value.message
    assert "big.json: the import stopped after 2 of 5 new order(s) were written" in message
    assert e.value.done.order_numbers[0] in message and e.value.done.order_numbers[1] in message
    assert "Run the same import again to finish it" in message
    restore()
    db.dispose()
    db = Database(make_engine(url))
    with db.reading() as s:  # whole orders only: the first part, nothing of the second
        assert s.exec(select(func.count()).select_from(SalesOrder)).one() == 2
    again = import_orders(db, orders, actor=SYSTEM, name="big.json", chunk_size=2)
    assert (again.created, again.already_present) == (3, 2)
    with db.reading() as s:
        assert s.exec(select(func.count()).select_from(SalesOrder)).one() == ORDERS
        keys = {o.external_id for o in s.exec(select(SalesOrder))}
        assert keys == {f"I{i}" for i in range(ORDERS)}
        parts = s.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "orders_import_part")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
    # The first run's written part, then the second run's two parts.
    assert [(p.entity_id, p.detail["done"], p.detail["of"]) for p in parts] == [
        ("big.json", 2, 5),
        ("big.json", 2, 3),
        ("big.json", 3, 3),
    ]
    db.dispose()
