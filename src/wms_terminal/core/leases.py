"""Leased claims of outbox rows: the one rule every outbox worker (printers, notice senders) uses.

A worker claims due rows in one short transaction (waiting -> working, with its name, a lease and
one more attempt): a conditional UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL,
the same UPDATE under SQLite's write lock (atomic); two workers never hold one row. It does the
work outside any transaction and records the outcome in another, and only while the claim is still
its own (`ours`). A worker that stops leaves its claim to expire; the row is then due again
(`reclaim_stale`). A failed try waits `backoff` before the row is due again.

The row's model needs the columns `id`, `status`, `claimed_by`, `claimed_until`, `attempts`,
`next_attempt_at` and `last_error`; each outbox keeps its own statuses, lease and limits.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Update, or_, update
from sqlmodel import Session, col, select

WORKER_CHARS = 64  # the width of `claimed_by`


def worker_name() -> str:
    """Unique per worker process and run: the name its claims carry."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int, base: timedelta, ceiling: timedelta) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2 x base ... `ceiling`."""
    return min(ceiling, base * (2 ** max(attempts - 1, 0)))


@dataclass(frozen=True)
class Lease:
    """One outbox's table and policy: its model, the statuses a row waits in, is worked in and
    ends failed in, and how long a claim holds."""

    model: Any  # a SQLModel table class with the columns named in the module's docstring
    waiting: str
    working: str
    failed: str
    lease: timedelta

    def claim(
        self,
        session: Session,
        worker: str,
        at: datetime,
        limit: int,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> list[int]:
        """Claim up to `limit` due rows (oldest first, narrowed by `where`); their ids, sorted."""
        m = self.model
        due = (
            select(col(m.id))
            .where(col(m.status) == self.waiting)
            .where(or_(col(m.next_attempt_at).is_(None), col(m.next_attempt_at) <= at))
            .where(*where)
            .order_by(col(m.id))
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds its write lock
            # A CTE runs once: as a plain IN (subquery) PostgreSQL may run it again after the
            # UPDATE changed the first rows, and claim more than `limit`.
            .cte("due")
        )
        ids = session.execute(
            update(m)
            .where(col(m.id).in_(select(due.c.id)))
            .where(col(m.status) == self.waiting)
            .values(
                status=self.working,
                claimed_by=worker[:WORKER_CHARS],
                claimed_until=at + self.lease,
                attempts=col(m.attempts) + 1,
            )
            .returning(col(m.id))
        ).scalars()
        return sorted(int(i) for i in ids)

    def reclaim_stale(
        self, session: Session, at: datetime, stopped: str, *, max_attempts: int | None = None
    ) -> None:
        """Claims whose lease ran out (the worker died or hung): due again at once, or failed
        when `max_attempts` is given and reached (each claim counted one)."""
        m = self.model
        stale = update(m).where(col(m.status) == self.working).where(col(m.claimed_until) < at)
        released = {"claimed_by": "", "claimed_until": None, "next_attempt_at": None}
        again = stopped
        if max_attempts is not None:
            session.execute(
                stale.where(col(m.attempts) >= max_attempts).values(
                    status=self.failed,
                    last_error=f"{stopped}; out of {max_attempts} attempts",
                    **released,
                )
            )
            again = f"{stopped}; sent again"
        session.execute(stale.values(status=self.waiting, last_error=again, **released))

    def ours(self, row_id: int, worker: str) -> Update:
        """An UPDATE of `row_id` that changes it only while `worker` still holds its claim."""
        m = self.model
        return (
            update(m)
            .where(col(m.id) == row_id)
            .where(col(m.status) == self.working)
            .where(col(m.claimed_by) == worker[:WORKER_CHARS])
        )

    def hold(
        self, session: Session, row_ids: Sequence[int], worker: str, until: datetime
    ) -> set[int]:
        """Renew `worker`'s lease on claimed rows to `until` (one statement): the ids still its
        own; the others were taken over after their lease ran out and must not be worked."""
        m = self.model
        got = session.execute(
            update(m)
            .where(col(m.id).in_(list(row_ids)))
            .where(col(m.status) == self.working)
            .where(col(m.claimed_by) == worker[:WORKER_CHARS])
            .values(claimed_until=until)
            .returning(col(m.id))
        ).scalars()
        return {int(i) for i in got}

    def release(self, session: Session, row_ids: Sequence[int], worker: str) -> None:
        """Hand claimed rows back untried: waiting again, their claim's attempt not counted."""
        m = self.model
        for row_id in row_ids:
            session.execute(
                self.ours(row_id, worker).values(
                    status=self.waiting,
                    attempts=col(m.attempts) - 1,
                    claimed_by="",
                    claimed_until=None,
                )
            )

    def status_of(self, session: Session, row_id: int) -> str:
        """The row's status now ("" when there is no such row)."""
        row = session.get(self.model, row_id)
        return str(row.status) if row is not None else ""

    def done(self, session: Session, row_id: int, worker: str, **values: Any) -> bool:
        """Record a finished row (`values` say how); False if the claim was lost meanwhile."""
        released = {"last_error": "", "claimed_by": "", "claimed_until": None}
        got = session.execute(
            # `values` may set last_error too (why a row ended as it did).
            self.ours(row_id, worker).values(**{**released, "next_attempt_at": None, **values})
        )
        return bool(got.rowcount)  # type: ignore[attr-defined]

    def failed_try(
        self,
        session: Session,
        row_id: int,
        worker: str,
        error: str,
        at: datetime,
        *,
        permanent: bool,
        max_attempts: int,
        delay: timedelta,
        ceiling: timedelta,
    ) -> str | None:
        """Record a failed try: waiting again after the back-off, or failed for good when
        `permanent` or out of attempts. The new status; None when the claim is not `worker`'s."""
        row = session.get(self.model, row_id)
        if row is None or row.status != self.working or row.claimed_by != worker[:WORKER_CHARS]:
            return None
        give_up = permanent or row.attempts >= max_attempts
        status = self.failed if give_up else self.waiting
        session.execute(
            self.ours(row_id, worker).values(
                status=status,
                last_error=error[:500],
                claimed_by="",
                claimed_until=None,
                next_attempt_at=None if give_up else at + backoff(row.attempts, delay, ceiling),
            )
        )
        return status
