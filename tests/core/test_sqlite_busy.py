"""SQLite: a terminal never looks frozen behind another writer.

Each try waits at most the short busy timeout (250 ms), then the action is retried and whoever
listens (`busy_notices`) hears "busy, retrying" within a second; the action goes through as soon
as the lock is free, or gives up with DatabaseBusy after a bounded time.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from wms_terminal.core import db as core_db
from wms_terminal.core.db import Database, busy_notices, make_engine
from wms_terminal.core.errors import DatabaseBusy


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Database:
    path = tmp_path / "wms.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    return Database(make_engine(f"sqlite:///{path}"))


def _hold_write_lock(path: str, seconds: float, held: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def _write(db: Database) -> int:
    return db.run(
        lambda s: (
            s.execute(text("INSERT INTO counter (name, value) VALUES ('busy-test', 1)")).rowcount
        ),
        what="test write",
    )


def test_a_blocked_terminal_hears_busy_retrying_within_a_second_then_goes_through(
    sqlite_db: Database,
) -> None:
    path = sqlite_db.engine.url.database or ""
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 2.0, held))
    holder.start()
    held.wait(5)
    notices: list[tuple[float, str]] = []
    started = time.monotonic()
    with busy_notices(lambda msg: notices.append((time.monotonic() - started, msg))):
        assert _write(sqlite_db) == 1
    took = time.monotonic() - started
    holder.join()
    assert notices, "no busy notice while the database was locked"
    first_at, message = notices[0]
    assert first_at < 1.0 and message == "busy, retrying (test write)"
    assert 1.5 < took < 4.0  # through soon after the lock went
    sqlite_db.dispose()


def test_a_lock_that_stays_gives_up_with_database_busy_in_bounded_time(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_db, "BUSY_GIVE_UP_S", 1.5)
    path = sqlite_db.engine.url.database or ""
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 4.0, held))
    holder.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(DatabaseBusy, match="stayed busy; test write not applied"):
        _write(sqlite_db)
    assert time.monotonic() - started < 2.5
    holder.join()
    assert _write(sqlite_db) == 1  # free again
    sqlite_db.dispose()
