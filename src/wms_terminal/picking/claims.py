"""Claiming pick lists: no list is ever held by two pickers.

PostgreSQL: `UPDATE pick_list ... WHERE id = (SELECT id ... FOR UPDATE SKIP LOCKED LIMIT 1)`: the
row lock is on the pick list only, never on stock rows, and concurrent pickers skip each other's
candidates instead of queueing on them. SQLite: the same UPDATE ... RETURNING, atomic under
BEGIN IMMEDIATE (one writer at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database, RawPathFailed
from wms_terminal.core.errors import NotFound, PermissionDenied
from wms_terminal.core.models import (
    AuditEntry,
    PickList,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import PICK_LIST_TRANSITIONS, PickListStatus, transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.tasks import tote_in_use_sql
from wms_terminal.picking.views import PickListView, TaskView

_CANDIDATE = (
    "SELECT id FROM pick_list WHERE status = 'open' AND warehouse_id = :w{zone}{wave} "
    "ORDER BY priority DESC, id LIMIT 1{lock}"
)
_AUDIT = insert(AuditEntry.__table__)  # type: ignore[attr-defined]
_CLAIM = (
    "UPDATE pick_list SET status = 'claimed', claimed_by = :u, claimed_at = :now, terminal = :t "
    "WHERE id = ({candidate}) AND status = 'open' RETURNING id"
)


def claim_next(
    db: Database,
    actor: Actor,
    *,
    warehouse_id: int,
    zone_id: int | None = None,
    wave_id: int | None = None,
    resume: bool = True,
) -> int | None:
    """Claim the most urgent open pick list (or, with `resume`, the one this picker holds)."""
    require(actor, "pick")
    pg = db.dialect == "postgresql"
    candidate = _CANDIDATE.format(
        zone=" AND zone_id = :z" if zone_id is not None else "",
        wave=" AND wave_id = :v" if wave_id is not None else "",
        lock=" FOR UPDATE SKIP LOCKED" if pg else "",
    )
    claim = text(_CLAIM.format(candidate=candidate))
    if pg and not resume:
        got = _claim_pg_one_statement(db, actor, candidate, warehouse_id, zone_id, wave_id)
        if got is not _FALL_BACK:
            return got  # type: ignore[return-value]

    def fn(session: Session) -> int | None:
        if resume and actor.user_id is not None:
            held = held_in(session, actor.user_id, warehouse_id)
            if held is not None:
                return held
        params: dict[str, Any] = {
            "u": actor.user_id,
            "now": utcnow(),
            "t": actor.terminal[:64],
            "w": warehouse_id,
        }
        if zone_id is not None:
            params["z"] = zone_id
        if wave_id is not None:
            params["v"] = wave_id
        got = session.execute(claim, params).scalar()
        if got is None:
            return None
        # The audit entry `core.audit.record` would add, as one Core INSERT (no unit of work).
        session.execute(
            _AUDIT,
            {
                "at": params["now"],
                "warehouse_id": warehouse_id,
                "user_id": actor.user_id,
                "terminal": actor.terminal,
                "action": "pick_list_claimed",
                "entity": "pick_list",
                "entity_id": str(got),
                "reason_code": "",
                "detail": {},
            },
        )
        return int(got)

    return db.run(fn, what="claim a pick list")


_HELD = text(
    "SELECT id FROM pick_list WHERE claimed_by = :u AND status = 'claimed' "
    "AND warehouse_id = :w ORDER BY claimed_at, id LIMIT 1"
)


def held_in(session: Session, user_id: int, warehouse_id: int) -> int | None:
    """The list this picker holds in that warehouse (the oldest claim): the one a claim with
    `resume` carries on with, and the one a picker signing in again is shown."""
    got = session.execute(_HELD, {"u": user_id, "w": warehouse_id}).scalar()
    return int(got) if got is not None else None


_FALL_BACK = object()


def _claim_pg_one_statement(
    db: Database,
    actor: Actor,
    candidate: str,
    warehouse_id: int,
    zone_id: int | None,
    wave_id: int | None,
) -> object:
    """PostgreSQL: the claim and its audit entry as one autocommit statement (a data-modifying
    CTE: the same `UPDATE ... WHERE id = (... FOR UPDATE SKIP LOCKED)` and the same audit row),
    one round trip. Returns the list id, None when no list is open, or `_FALL_BACK` when it
    failed and changed nothing (the transactional path then runs, with its retries)."""
    sql = (
        "WITH c AS ("
        + _CLAIM.format(candidate=candidate)
        + ") INSERT INTO audit_log (at, warehouse_id, user_id, terminal, action, entity, "
        "entity_id, reason_code, detail) SELECT :now, :w, :u, :ta, 'pick_list_claimed', "
        "'pick_list', CAST(c.id AS VARCHAR), '', CAST('{}' AS JSON) FROM c RETURNING entity_id"
    )
    params: dict[str, Any] = {
        "u": actor.user_id,
        "now": utcnow(),
        "t": actor.terminal[:64],
        "ta": actor.terminal,
        "w": warehouse_id,
        "z": zone_id,
        "v": wave_id,
    }
    try:
        found = db.autocommit_statements(lambda fetch: fetch(sql, params))
    except RawPathFailed:
        return _FALL_BACK
    return int(found[0][0]) if found else None


def claim_list(db: Database, actor: Actor, *, pick_list_id: int, warehouse_id: int) -> str | None:
    """Claim the list whose sheet was scanned (`PL-<id>`): None when it is now this picker's
    (claimed now, or held already), else the operator message of the refusal. One conditional
    UPDATE: of two pickers scanning the same sheet, one gets it."""
    require(actor, "pick")

    def fn(session: Session) -> str | None:
        row = session.execute(
            text("SELECT status, claimed_by, warehouse_id FROM pick_list WHERE id = :l"),
            {"l": pick_list_id},
        ).first()
        if row is None:
            return M.fmt(M.NO_SUCH_LIST, list=pick_list_id)
        status, holder, wid = row
        if int(wid) != warehouse_id:
            return M.fmt(M.LIST_OTHER_WH, list=pick_list_id)
        if status == PickListStatus.CLAIMED and holder == actor.user_id:
            return None  # held already: carry on with it
        held = session.execute(
            text(
                "SELECT id FROM pick_list WHERE claimed_by = :u AND status = 'claimed' "
                "AND warehouse_id = :w AND id <> :l LIMIT 1"
            ),
            {"u": actor.user_id, "w": warehouse_id, "l": pick_list_id},
        ).scalar()
        if held is not None:
            return M.fmt(M.FINISH_LIST_FIRST, list=held)
        now = utcnow()
        got = session.execute(
            text(
                "UPDATE pick_list SET status = 'claimed', claimed_by = :u, claimed_at = :now, "
                "terminal = :t WHERE id = :l AND status = 'open' RETURNING id"
            ),
            {"u": actor.user_id, "now": now, "t": actor.terminal[:64], "l": pick_list_id},
        ).scalar()
        if got is None:
            taken = status in (PickListStatus.OPEN, PickListStatus.CLAIMED)
            return M.fmt(M.LIST_TAKEN if taken else M.LIST_NOT_OPEN, list=pick_list_id)
        record(
            session,
            action="pick_list_claimed",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=warehouse_id,
            entity="pick_list",
            entity_id=str(pick_list_id),
            by="sheet",
        )
        return None

    return db.run(fn, what="claim a pick list")


def release_list(db: Database, actor: Actor, pick_list_id: int) -> None:
    """Give a claimed list back (its holder, or a supervisor): it goes back to open."""

    def fn(session: Session) -> None:
        pl = session.get(PickList, pick_list_id, with_for_update=True)
        if pl is None:
            raise NotFound(f"no pick list {pick_list_id}")
        if pl.claimed_by != actor.user_id and not actor.can("release_wave"):
            raise PermissionDenied("only its picker or a supervisor may give this list back")
        transition(pl, PickListStatus.OPEN, PICK_LIST_TRANSITIONS)
        pl.claimed_by = None
        pl.claimed_at = None
        pl.terminal = ""
        session.add(pl)
        record(
            session,
            action="pick_list_released",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=pl.warehouse_id,
            entity="pick_list",
            entity_id=str(pick_list_id),
        )

    db.run(fn, what="give back a pick list")


# The tote in use per slot of the list (`tasks.tote_in_use_sql`, the one definition).
_TOTES = (
    "SELECT s.tote_slot, tu.code FROM (SELECT DISTINCT pick_list_id, "
    "COALESCE(tote_slot, 1) AS tote_slot FROM pick_task WHERE pick_list_id = :l) s "
    f"JOIN tote tu ON tu.id = {tote_in_use_sql('s')} ORDER BY s.tote_slot"
)
_LIST = (
    "SELECT pl.id, pl.warehouse_id, w.code, wv.number, pl.strategy, pl.status, pl.zone_id, "
    "pl.claimed_by, pl.routing_method, pl.route_length_m, pl.tote_count FROM pick_list pl "
    "LEFT JOIN warehouse w ON w.id = pl.warehouse_id LEFT JOIN wave wv ON wv.id = pl.wave_id "
    "WHERE pl.id = :l"
)
_TASKS = (
    "SELECT pt.id, pt.seq, pt.order_id, so.number, pt.order_line_id, pt.product_id, "
    "p.sku, p.name, l.id, l.code, l.barcode, l.zone_id, pt.qty, pt.qty_picked, "
    "pt.status, pt.tote_slot, t.code FROM pick_task pt "
    "JOIN sales_order so ON so.id = pt.order_id JOIN product p ON p.id = pt.product_id "
    "JOIN location l ON l.id = pt.location_id LEFT JOIN tote t ON t.id = pt.tote_id "
    "WHERE pt.pick_list_id = :l ORDER BY pt.seq, pt.id"
)

Fetch = Callable[[str, int], Sequence[Sequence[Any]]]


def _session_fetch(session: Session) -> Fetch:
    def fetch(sql: str, pick_list_id: int) -> Sequence[Sequence[Any]]:
        return session.execute(text(sql), {"l": pick_list_id}).all()

    return fetch


def _totes(fetch: Fetch, pick_list_id: int) -> dict[int, str]:
    out: dict[int, str] = {}
    for slot, code in fetch(_TOTES, pick_list_id):
        out[int(slot)] = str(code)
    return out


def _load(fetch: Fetch, pick_list_id: int) -> PickListView:
    # One read for the list, its warehouse code and wave number (no ORM objects).
    found = fetch(_LIST, pick_list_id)
    if not found:
        raise NotFound(f"no pick list {pick_list_id}")
    pl = found[0]
    tasks = [TaskView(*row) for row in fetch(_TASKS, pick_list_id)]
    return PickListView(
        pick_list_id=int(pl[0]),
        warehouse_id=int(pl[1]),
        warehouse_code=pl[2] or "",
        wave_number=pl[3],
        strategy=pl[4],
        status=pl[5],
        zone_id=pl[6],
        claimed_by=pl[7],
        routing_method=pl[8],
        route_length_m=float(pl[9] or 0.0),
        tote_count=pl[10],
        tasks=tuple(tasks),
        totes=_totes(fetch, pick_list_id),
    )


def get_list(db: Database, pick_list_id: int) -> PickListView:
    if db.dialect == "postgresql":
        # The same three reads, each a prepared autocommit statement (no BEGIN/COMMIT).
        try:
            return db.autocommit_statements(
                lambda fetch: _load(lambda sql, lid: fetch(sql, {"l": lid}), pick_list_id)
            )
        except RawPathFailed:
            pass  # read again through SQLAlchemy, which reports errors as everywhere else
    with db.reading() as session:
        return _load(_session_fetch(session), pick_list_id)
