"""The terminal's database, opened in a thread while the sign-in screen is already on show.

Importing SQLAlchemy, SQLModel, the models and Alembic and checking the schema takes longer than
the whole start-up may (bench/bench_startup.py: sign-in screen within 0.5 s). `wms-terminal run`
therefore hands the app a `connect` function; the app draws the sign-in screen first and then
calls it here, in a thread. Whoever needs the database (a worker signing in the first badge) waits
for it with `get()`; nobody can act before a badge and PIN are in, by which time it is there.
Imported with the app, so it loads nothing of the database layer itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wms_terminal.core.db import Database


class Connecting:
    """A database being opened by `connect` (or one already open: `Connecting.ready(db)`)."""

    def __init__(self, connect: Callable[[], Database]) -> None:
        self._connect = connect
        self._done = threading.Event()
        self._db: Database | None = None
        self._error: BaseException | None = None
        self._started = False

    @classmethod
    def ready(cls, db: Database) -> Connecting:
        handle = cls(lambda: db)
        handle._db, handle._started = db, True
        handle._done.set()
        return handle

    def start(self, failed: Callable[[BaseException], None]) -> None:
        """Open the database in a thread; `failed(exc)` is called from that thread on an error."""
        if self._started:
            return
        self._started = True

        def run() -> None:
            try:
                self._db = self._connect()
            except BaseException as exc:  # handed to the app, which says why and exits
                self._error = exc
                failed(exc)
            finally:
                self._done.set()

        threading.Thread(target=run, name="connect-database", daemon=True).start()

    @property
    def connected(self) -> bool:
        return self._db is not None

    def get(self, timeout: float | None = None) -> Database:
        """The database, waiting for it to open; raises the error that stopped it."""
        if not self._done.wait(timeout):
            raise TimeoutError("the database is still being opened")
        if self._db is None:
            assert self._error is not None
            raise self._error
        return self._db

    def password(self) -> str | None:
        """The password in the database URL, once open (for masking it in logs)."""
        return self._db.engine.url.password if self._db is not None else None
