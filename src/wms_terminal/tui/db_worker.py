"""Database work off the event loop: one queue per screen, run in order in a worker thread.

Every screen hands its database work (a flow call, a service call, a read) to a `DbRunner`:

    self.db_runner.submit(lambda: flow.scan(scan), self._show, what="scan")

- The job runs in a Textual thread worker; the screen never freezes on a query. Jobs run one at a
  time in the order given (a burst of scans is applied in order, none lost while one runs).
- A busy database (SQLite's lock, PostgreSQL conflicts being retried by `core.db.with_retry`)
  shows "busy, retrying" in the screen's status line.
- A lost connection (`DatabaseUnavailable`) shows "connection lost, retrying", is logged (the
  core's message has the password masked) and the same job is tried again until it goes through;
  the status line clears when it does. Jobs carry their scan ids, so a retried scan that did reach
  the database before the connection broke is answered from its stored outcome, not applied twice.
- Any other `WmsError` (the database stayed busy, a refusal) goes to `failed` with its message.
- Anything else is a bug: `WmsApp.fatal` logs it (passwords masked), shows a short message and
  exits non-zero. No traceback with locals reaches the terminal.

Results come back on the event loop through `call_from_thread`, so `done` and `failed` may touch
widgets.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.widget import Widget

from wms_terminal.core.errors import DatabaseUnavailable, WmsError

log = logging.getLogger(__name__)

BUSY = "busy, retrying"
LOST = "connection lost, retrying"
LINGER_S = 5.0  # how long an idle worker thread waits for the next job before it ends
# Waits between tries while the connection is lost (the last one repeats).
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)


@dataclass
class _Job:
    run: Callable[[], Any]
    done: Callable[[Any], object]
    failed: Callable[[str], None] | None
    what: str


class DbRunner:
    """The database queue of one screen (or widget). `status(text)` shows "" when all is well."""

    def __init__(
        self,
        owner: Widget,
        status: Callable[[str], None],
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self.owner = owner
        self.status = status
        self.retry_delays = retry_delays
        self._queue: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._running = False  # a worker thread exists (busy, or waiting a moment for more)
        self._working = False  # a job is being run
        self._stopped = threading.Event()
        self._showing = ""
        self._app: Any = None

    @property
    def idle(self) -> bool:
        """Nothing queued or being run."""
        with self._lock:
            return not self._working and not self._queue

    def submit(
        self,
        run: Callable[[], Any],
        done: Callable[[Any], object],
        *,
        what: str,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Queue `run` (called in a thread); `done(result)` or `failed(message)` on the loop."""
        if self._stopped.is_set():
            return
        with self._lock:
            self._queue.append(_Job(run, done, failed, what))
            if self._running:
                self._wake.notify()
                return
            self._running = True
        self._app = self.owner.app
        self.owner.run_worker(self._drain, thread=True, group="db", exit_on_error=False)

    def stop(self) -> None:
        """The owner goes away: drop what is queued, stop retrying, deliver nothing more."""
        self._stopped.set()
        with self._lock:
            self._queue.clear()
            self._wake.notify_all()

    # -- in the worker thread -------------------------------------------------------------

    def _drain(self) -> None:
        # The thread waits a moment for the next job (a picker scans every few seconds): the
        # next scan does not pay for a new thread.
        while True:
            with self._lock:
                if not self._queue and not self._stopped.is_set():
                    self._wake.wait(LINGER_S)
                if self._stopped.is_set() or not self._queue:
                    self._running = False
                    return
                job = self._queue.popleft()
                self._working = True
            try:
                self._run(job)
            except BaseException as exc:  # a bug in a job: the app stops, cleanly
                self._stopped.set()
                with self._lock:
                    self._running = self._working = False
                self._to_loop(getattr(self._app, "fatal", self._app.panic), exc, always=True)
                return
            with self._lock:
                self._working = False

    def _run(self, job: _Job) -> None:
        from wms_terminal.core.db import busy_notices  # not at import: after the first paint

        tries = 0
        while not self._stopped.is_set():
            try:
                with busy_notices(lambda _m: self._show(BUSY)):
                    result = job.run()
            except DatabaseUnavailable as exc:
                log.warning("%s: %s", job.what, exc.message)
                self._show(LOST)
                delay = self.retry_delays[min(tries, len(self.retry_delays) - 1)]
                tries += 1
                self._stopped.wait(delay)
                continue
            except WmsError as exc:
                log.info("%s refused: %s", job.what, exc.message)
                self._show("")
                if job.failed is not None:
                    self._to_loop(job.failed, exc.message)
                else:
                    self._to_loop(self.status, exc.message)
                return
            if tries:
                log.warning("%s: connection back after %d tries", job.what, tries)
            self._show("")
            self._to_loop(job.done, result)
            return

    def _show(self, text: str) -> None:
        if text != self._showing:
            self._showing = text
            self._to_loop(self.status, text)

    def _to_loop(self, fn: Callable[[Any], object], arg: Any, *, always: bool = False) -> None:
        if self._stopped.is_set() and not always:
            return
        try:
            self._app.call_from_thread(fn, arg)
        except RuntimeError:  # the app is closing: nobody to tell
            self._stopped.set()
