"""The print outbox as printer workers see it: claim what is due, record each try; list, retry
and reprint for the station.

Rows come from the transaction that closes a package (`packing.close`: a shipping label and a
packing slip per package). A worker claims jobs in one short transaction (queued -> printing,
with its name and a lease): a conditional UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL, the same UPDATE under SQLite's write lock; two workers never hold one job. It prints
outside any transaction and records the outcome in another: printed (and where), or queued again
after a back-off (5 s, 10 s, 20 s ... 1 h, `core.leases`), or failed when out of attempts
or when the document cannot be drawn (a package without a label, a bad SSCC: retrying cannot
help). A worker that stops while printing leaves its claim to expire (`LEASE`); the job is then
due again. So a printer that is down loses no label: the job waits, visible in `print list`,
until the printer is back or someone sends it elsewhere with `print retry`.

Delivery is at least once: a worker dying between the printer taking a label and the worker
recording it prints that label again. A duplicate label carries the same SSCC (it is read from the
package, never made anew) and the carrier's scan of either copy is the same package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.leases import Lease
from wms_terminal.core.models import Package, PrintJob, SalesOrder
from wms_terminal.core.models._base import iso_or_none, utcnow
from wms_terminal.core.models.shipping import PrintJobStatus as S

LEASE = timedelta(minutes=2)  # > the printers' own timeouts (lp 30 s, raw TCP 10 s)
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(hours=1)
KINDS = ("shipping_label", "packing_slip")
STOPPED = "the printer worker stopped while printing"
_LEASE = Lease(PrintJob, waiting=S.QUEUED, working=S.PRINTING, failed=S.FAILED, lease=LEASE)


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    package_id: int | None
    station: str
    attempt: int


@dataclass(frozen=True)
class PrintJobView:
    id: int
    kind: str
    status: str
    station: str
    order: str
    sscc: str
    attempts: int
    last_error: str
    created_at: datetime
    printed_at: datetime | None
    next_attempt_at: datetime | None
    printed_on: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "station": self.station,
            "order": self.order,
            "sscc": self.sscc,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": iso_or_none(self.created_at),
            "printed_at": iso_or_none(self.printed_at),
            "next_attempt_at": iso_or_none(self.next_attempt_at),
            "printed_on": self.printed_on,
        }


def claim_due(
    db: Database,
    worker: str,
    *,
    station: str | None = None,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 20,
    now: datetime | None = None,
) -> list[ClaimedJob]:
    """Claim up to `limit` due jobs (of `station` when given) for `worker`, oldest first."""
    at = now or utcnow()

    def claim(session: Session) -> list[ClaimedJob]:
        _LEASE.reclaim_stale(session, at, STOPPED)
        where: list[ColumnElement[bool]] = [col(PrintJob.kind).in_(kinds)]
        if station is not None:
            where.append(col(PrintJob.station) == station)
        jobs = [session.get(PrintJob, i) for i in _LEASE.claim(session, worker, at, limit, where)]
        return [
            ClaimedJob(j.id, j.kind, j.package_id, j.station, j.attempts)
            for j in jobs
            if j is not None and j.id is not None
        ]

    return db.run(claim, what="claim print jobs")


def mark_printed(
    db: Database, job_id: int, worker: str, where: str, *, now: datetime | None = None
) -> bool:
    """Record a printed job; False if the claim was lost meanwhile (lease ran out)."""
    at = now or utcnow()

    def done(session: Session) -> bool:
        return _LEASE.done(
            session, job_id, worker, status=S.PRINTED, printed_at=at, printed_on=where[:200]
        )

    return db.run(done, what="record a printed job")


def mark_failed(
    db: Database,
    job_id: int,
    worker: str,
    error: str,
    *,
    permanent: bool,
    base_delay: timedelta = BASE_DELAY,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> str:
    """Record a failed try: queued again after the back-off, or failed for good. Returns the
    new status ("" when the claim was no longer this worker's)."""
    at = now or utcnow()

    def failed(session: Session) -> str:
        status = _LEASE.failed_try(
            session,
            job_id,
            worker,
            error,
            at,
            permanent=permanent,
            max_attempts=max_attempts,
            delay=base_delay,
            ceiling=MAX_DELAY,
        )
        return status or ""

    return db.run(failed, what="record a failed print job")


def _views(session: Session, *where: Any, limit: int = 200) -> list[PrintJobView]:
    stmt = (
        select(PrintJob, Package.sscc, SalesOrder.number)
        .outerjoin(Package, col(Package.id) == col(PrintJob.package_id))
        .outerjoin(SalesOrder, col(SalesOrder.id) == col(Package.order_id))
        .where(*where)
        .order_by(col(PrintJob.id).desc())
        .limit(limit)
    )
    out = []
    for job, sscc, order in session.exec(stmt):
        assert job.id is not None
        out.append(
            PrintJobView(
                id=job.id,
                kind=job.kind,
                status=job.status,
                station=job.station,
                order=order or "",
                sscc=sscc or "",
                attempts=job.attempts,
                last_error=job.last_error,
                created_at=job.created_at,
                printed_at=job.printed_at,
                next_attempt_at=job.next_attempt_at,
                printed_on=job.printed_on,
            )
        )
    return out


def list_jobs(
    db: Database, *, status: str | None = None, station: str | None = None, limit: int = 200
) -> list[PrintJobView]:
    where = []
    if status:
        where.append(col(PrintJob.status) == status)
    if station:
        where.append(col(PrintJob.station) == station)
    with db.reading() as session:
        return _views(session, *where, limit=max(limit, 1))


def get_job(session: Session, job_id: int) -> PrintJobView:
    found = _views(session, col(PrintJob.id) == job_id, limit=1)
    if not found:
        raise NotFound(f"no print job {job_id}")
    return found[0]


def retry(db: Database, actor: Actor, job_id: int) -> PrintJobView:
    """Queue a failed job again with a fresh set of attempts; audited."""
    require(actor, "pack")

    def again(session: Session) -> PrintJobView:
        job = session.get(PrintJob, job_id)
        if job is None:
            raise NotFound(f"no print job {job_id}")
        if job.status != S.FAILED and not (job.status == S.QUEUED and job.last_error):
            raise ValidationError(f"print job {job_id} is {job.status}: nothing to retry")
        previous = job.last_error
        job.status, job.attempts, job.next_attempt_at = S.QUEUED, 0, None
        session.add(job)
        record(
            session,
            action="print_retried",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=job.warehouse_id,
            entity="print_job",
            entity_id=str(job_id),
            last_error=previous,
        )
        session.flush()
        return get_job(session, job_id)

    return db.run(again, what="retry a print job")


def reprint(
    db: Database, actor: Actor, sscc: str, *, kind: str = "shipping_label", reason: str = ""
) -> PrintJobView:
    """A new job for a closed package's label (or slip): the same SSCC, audited with who asked
    and why. The job goes to the asking terminal's printers."""
    require(actor, "pack")
    if kind not in KINDS:
        raise ValidationError(f"cannot reprint {kind!r}: choose {' or '.join(KINDS)}")

    def add(session: Session) -> PrintJobView:
        row = session.execute(
            text("SELECT id, warehouse_id, status FROM package WHERE sscc = :s"),
            {"s": sscc.strip()},
        ).first()
        if row is None:
            raise NotFound(f"no package with SSCC {sscc.strip()!r}")
        package_id, warehouse_id, status = row
        job = PrintJob(
            warehouse_id=warehouse_id, kind=kind, package_id=package_id, station=actor.terminal
        )
        session.add(job)
        session.flush()
        assert job.id is not None
        record(
            session,
            action="label_reprinted" if kind == "shipping_label" else "slip_reprinted",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=warehouse_id,
            entity="package",
            entity_id=str(package_id),
            reason_code=reason[:20],
            sscc=sscc.strip(),
            print_job=job.id,
            package_status=status,
        )
        return get_job(session, job.id)

    return db.run(add, what="reprint")
