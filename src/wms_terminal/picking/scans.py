"""Every scan carries an id; its outcome, rejections included, is stored under that id.

`run_scan` wraps one operator action: it returns the stored outcome for a scan id seen before
(a replay changes nothing), otherwise runs the action in one transaction and stores its outcome
in the same transaction. A stored outcome belongs to the user and the task it was for: the
same scan id sent by another user, or for another task, is refused ("scan_id_reused") and
changes nothing, the stored outcome included. A rejected action (`Rejected` or any
`WmsError`) is rolled back whole and its rejection stored on its own. Two terminals sending
the same scan id at once: the second INSERT of the scan id violates the primary key, its
transaction rolls back and it returns the first one's stored outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database, with_retry
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, ValidationError, WmsError
from wms_terminal.core.models import ScanRecord
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.statements import Rows, Statement, run_together
from wms_terminal.picking.views import ScanResult

MAX_SCAN_ID = 64
MAX_RAW = 400


class Rejected(WmsError):
    """An operator action refused before it changed anything; `code` names why."""

    def __init__(self, code: str, message: str, *, clean: bool = False, **data: Any) -> None:
        super().__init__(message)
        self.code = code
        self.data = data
        # Raised before the action wrote anything: its rejection is stored in the same
        # transaction instead of rolling back and writing it in a second one.
        self.clean = clean


@dataclass(frozen=True)
class Outcome:
    """What an accepted action returns: stored as the scan's outcome."""

    code: str
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)
    warehouse_id: int | None = None


def _check_id(scan_id: str) -> None:
    if not scan_id or len(scan_id) > MAX_SCAN_ID:
        raise ValidationError(f"a scan id is 1 to {MAX_SCAN_ID} characters")


_TABLE = ScanRecord.__table__  # type: ignore[attr-defined]
_STORED = text(
    "SELECT accepted, outcome, user_id, task_id FROM scan_record WHERE scan_id = :scan_id"
)
_INSERT = insert(_TABLE)


@dataclass
class FirstRead:
    """The body's first read, sent with the scan id lookup (one round trip on PostgreSQL);
    `rows` holds its answer when the body runs."""

    statement: Statement
    rows: Rows = ()


SCAN_ID_REUSED = "Scan again: this scan id was used before"


def stored(session: Session, scan_id: str, actor: Actor, task_id: int | None) -> ScanResult | None:
    """The stored outcome of a scan id seen before (one primary-key read, no ORM object), if
    it was stored for this user and task; a refusal when it was stored for another."""
    return _answer(session.execute(_STORED, {"scan_id": scan_id}).all(), scan_id, actor, task_id)


def _answer(rows: Rows, scan_id: str, actor: Actor, task_id: int | None) -> ScanResult | None:
    if not rows:
        return None
    accepted, outcome, user_id, stored_task = rows[0]
    if user_id != actor.user_id or (stored_task is not None and stored_task != task_id):
        return ScanResult(scan_id, False, "scan_id_reused", SCAN_ID_REUSED)
    # JSON read through text(): a str on SQLite, already decoded by psycopg.
    found = json.loads(outcome) if isinstance(outcome, str) else outcome
    return ScanResult.from_outcome(scan_id, bool(accepted), found, replayed=True)


def _row(
    scan_id: str,
    actor: Actor,
    task_id: int | None,
    action: str,
    raw: str,
    accepted: bool,
    outcome: dict[str, Any],
    warehouse_id: int | None,
) -> dict[str, Any]:
    return {
        "scan_id": scan_id,
        "warehouse_id": warehouse_id,
        "user_id": actor.user_id,
        "task_id": task_id,
        "terminal": actor.terminal[:64],
        "action": action[:40],
        "raw": raw[:MAX_RAW],
        "accepted": accepted,
        "outcome": outcome,
        "created_at": utcnow(),
    }


def run_scan(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    action: str,
    raw: str,
    body: Callable[[Session], Outcome],
    warehouse_id: int | None = None,
    task_id: int | None = None,
    first: FirstRead | None = None,
) -> ScanResult:
    """Run `body` once per scan id (for `task_id`, when the action is on a task); see the
    module docstring. `first`: the body's first read, sent with the scan id lookup."""
    _check_id(scan_id)

    def accepted() -> ScanResult | Rejected:
        try:
            with db.transaction() as session:
                if first is None:
                    seen = stored(session, scan_id, actor, task_id)
                else:
                    lookup = Statement(_STORED, {"scan_id": scan_id})
                    found, first.rows = run_together(session, [lookup, first.statement])
                    seen = _answer(found, scan_id, actor, task_id)
                if seen is not None:
                    return seen
                try:
                    out = body(session)
                except Rejected as exc:
                    if not exc.clean:
                        raise
                    result = ScanResult(scan_id, False, exc.code, exc.message, _freeze(exc.data))
                    session.execute(
                        _INSERT,
                        _row(
                            scan_id,
                            actor,
                            task_id,
                            action,
                            raw,
                            False,
                            result.to_outcome(),
                            warehouse_id,
                        ),
                    )
                    return result
                result = ScanResult(
                    scan_id, True, out.code, out.message, _freeze(out.data), replayed=False
                )
                session.execute(
                    _INSERT,
                    _row(
                        scan_id,
                        actor,
                        task_id,
                        action,
                        raw,
                        True,
                        result.to_outcome(),
                        out.warehouse_id or warehouse_id,
                    ),
                )
            return result
        except Rejected as exc:
            return exc
        except IntegrityError:
            # Another terminal stored this scan id first: return its outcome.
            with db.reading() as session:
                seen = stored(session, scan_id, actor, task_id)
            if seen is None:
                raise
            return seen
        except (DatabaseUnavailable, DatabaseBusy):
            raise  # not a refusal of this scan: the caller says "connection lost" or "busy"
        except WmsError as exc:
            return Rejected("refused", exc.message)

    got = with_retry(accepted, what=action)
    if isinstance(got, ScanResult):
        return got
    return _store_rejection(db, actor, task_id, scan_id, action, raw, got, warehouse_id)


def _store_rejection(
    db: Database,
    actor: Actor,
    task_id: int | None,
    scan_id: str,
    action: str,
    raw: str,
    exc: Rejected,
    warehouse_id: int | None,
) -> ScanResult:
    result = ScanResult(scan_id, False, exc.code, exc.message, _freeze(exc.data))

    def write(session: Session) -> ScanResult:
        row = _row(scan_id, actor, task_id, action, raw, False, result.to_outcome(), warehouse_id)
        if not _insert_new(session, row):
            seen = stored(session, scan_id, actor, task_id)
            assert seen is not None
            return seen
        return result

    return db.run(write, what=action)


def _insert_new(session: Session, row: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: True when this row was written.

    (Not `core.bulk_sql.insert_ignore`: its rowcount is -1 on PostgreSQL with psycopg
    executemany.)"""
    table = ScanRecord.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    stmt = stmt.values(**row).on_conflict_do_nothing().returning(table.c.scan_id)
    return session.execute(stmt).first() is not None


def _freeze(data: Mapping[str, Any]) -> Mapping[str, Any]:
    from types import MappingProxyType

    return MappingProxyType(dict(data))
