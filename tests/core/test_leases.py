"""core.leases, the one leased-claim rule of every outbox, on both backends and on a bare outbox
table (print_job rows without a package): a claim takes due rows only, never more than asked and
never a row another worker holds; a lost claim cannot record an outcome; a stopped worker's rows
come due again (or fail when out of attempts); a failed try waits its back-off."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import warehouse
from wms_terminal.core.db import Database
from wms_terminal.core.leases import Lease, backoff
from wms_terminal.core.models import PrintJob
from wms_terminal.core.models._base import utcnow

LEASE = Lease(
    PrintJob, waiting="queued", working="printing", failed="failed", lease=timedelta(minutes=1)
)


def add_jobs(db: Database, n: int) -> list[int]:
    with db.transaction() as s:
        wh = warehouse(s, "L1", 52.0, 5.0)
        assert wh.id is not None
        rows = [PrintJob(warehouse_id=wh.id, kind="manifest") for _ in range(n)]
        s.add_all(rows)
        s.flush()
        return [int(r.id) for r in rows if r.id is not None]


def job(db: Database, job_id: int) -> PrintJob:
    with db.reading() as s:
        row = s.get(PrintJob, job_id)
        assert row is not None
        return row


def claim(db: Database, worker: str, at: datetime, limit: int) -> list[int]:
    def work(s: Session) -> list[int]:
        return LEASE.claim(s, worker, at, limit)

    return db.run(work)


def test_backoff_doubles_up_to_the_ceiling() -> None:
    base, ceiling = timedelta(seconds=5), timedelta(seconds=60)
    assert [backoff(a, base, ceiling).seconds for a in (0, 1, 2, 3, 4, 5)] == [5, 5, 10, 20, 40, 60]


def test_claim_takes_due_rows_oldest_first_up_to_the_limit(db: Database) -> None:
    now = utcnow()
    ids = add_jobs(db, 4)
    with db.transaction() as s:  # the newest is not due for a minute
        s.get(PrintJob, ids[3]).next_attempt_at = now + timedelta(minutes=1)  # type: ignore[union-attr]
    assert claim(db, "w1", now, 2) == ids[:2]
    first = job(db, ids[0])
    assert (first.status, first.claimed_by, first.attempts) == ("printing", "w1", 1)
    assert first.claimed_until == now + LEASE.lease
    assert claim(db, "w2", now, 10) == [ids[2]]  # the held ones and the future one stay out
    assert claim(db, "w3", now + timedelta(minutes=2), 10) == [ids[3]]


def test_a_worker_that_lost_its_claim_records_nothing(db: Database) -> None:
    now = utcnow()
    (jid,) = add_jobs(db, 1)
    assert claim(db, "w1", now, 1) == [jid]
    later = now + LEASE.lease + timedelta(seconds=1)
    with db.transaction() as s:  # w1 hung past its lease; the row is due again and w2 takes it
        LEASE.reclaim_stale(s, later, "the worker stopped")
    assert job(db, jid).last_error == "the worker stopped"
    assert claim(db, "w2", later, 1) == [jid]
    with db.transaction() as s:
        assert not LEASE.done(s, jid, "w1", status="printed")
        err = LEASE.failed_try(
            s,
            jid,
            "w1",
            "late",
            later,
            permanent=False,
            max_attempts=5,
            delay=timedelta(seconds=5),
            ceiling=timedelta(minutes=1),
        )
        assert err is None
    assert (job(db, jid).status, job(db, jid).claimed_by) == ("printing", "w2")
    with db.transaction() as s:
        assert LEASE.done(s, jid, "w2", status="printed")
    row = job(db, jid)
    assert (row.status, row.claimed_by, row.claimed_until, row.attempts) == ("printed", "", None, 2)


def test_failed_tries_back_off_then_fail_for_good(db: Database) -> None:
    now = utcnow()
    (jid,) = add_jobs(db, 1)
    delay, ceiling = timedelta(seconds=5), timedelta(minutes=1)
    statuses = []
    at = now
    for _ in range(3):
        assert claim(db, "w", at, 1) == [jid]
        with db.transaction() as s:
            statuses.append(
                LEASE.failed_try(
                    s,
                    jid,
                    "w",
                    "printer down",
                    at,
                    permanent=False,
                    max_attempts=3,
                    delay=delay,
                    ceiling=ceiling,
                )
            )
        row = job(db, jid)
        if row.status == "queued":
            assert row.next_attempt_at == at + backoff(row.attempts, delay, ceiling)
            assert claim(db, "w", at, 1) == []  # not due before its back-off
            at = row.next_attempt_at
    assert statuses == ["queued", "queued", "failed"]
    row = job(db, jid)
    assert (row.status, row.last_error, row.next_attempt_at) == ("failed", "printer down", None)


def test_a_permanent_failure_ends_at_once(db: Database) -> None:
    now = utcnow()
    (jid,) = add_jobs(db, 1)
    claim(db, "w", now, 1)
    with db.transaction() as s:
        status = LEASE.failed_try(
            s,
            jid,
            "w",
            "cannot draw",
            now,
            permanent=True,
            max_attempts=9,
            delay=timedelta(seconds=5),
            ceiling=timedelta(minutes=1),
        )
    assert status == "failed"


def test_stale_claims_out_of_attempts_fail_instead_of_looping(db: Database) -> None:
    now = utcnow()
    spent, fresh = add_jobs(db, 2)
    claim(db, "w", now, 2)
    with db.transaction() as s:
        s.get(PrintJob, spent).attempts = 3  # type: ignore[union-attr]
    later = now + LEASE.lease + timedelta(seconds=1)
    with db.transaction() as s:
        LEASE.reclaim_stale(s, later, "worker stopped", max_attempts=3)
    assert (job(db, spent).status, job(db, spent).last_error) == (
        "failed",
        "worker stopped; out of 3 attempts",
    )
    assert (job(db, fresh).status, job(db, fresh).last_error) == (
        "queued",
        "worker stopped; sent again",
    )


def test_concurrent_workers_never_hold_one_row(db: Database) -> None:
    ids = add_jobs(db, 60)
    now = utcnow()
    got: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        start.wait()
        mine: list[int] = []
        while batch := claim(db, name, now, 3):
            mine += batch
        got[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claimed = [i for mine in got.values() for i in mine]
    assert sorted(claimed) == ids, "every row claimed exactly once"
    assert all(job(db, i).attempts == 1 for i in ids[:5])


@pytest.mark.parametrize("limit", [1, 7])
def test_claim_never_takes_more_than_the_limit(db: Database, limit: int) -> None:
    add_jobs(db, 10)
    assert len(claim(db, "w", utcnow(), limit)) == limit
