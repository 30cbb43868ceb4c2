"""Totes: the boxes picks go into, from free back to free.

    free --first pick (or tote scan) of a slot--> in_use --FULLTOTE--> full
         (the slot goes on in a new tote; the full one travels on with the list)
    in_use, full --list done--> at_packing    one order in it, picked on this list only
                             -> at_sorting    several orders, or an order also picked on
                                              another list: consolidation sorts it first
                             -> free          nothing went into it
    at_packing --empty_tote(how="packed")--> free     (the packing station, one call)
    at_sorting --empty_tote(how="sorted")--> free     (consolidation)
    in_use, full --free_totes_of_lists--> free        (its list or wave cancelled)
    any --release_tote(reason)--> free                (supervisor: a stuck tote; audited;
                                                        `tote_release`)

Every move is checked against `core.states.TOTE_TRANSITIONS` and written as a conditional
UPDATE on the status it was read in, so two terminals can never both move one tote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.statements import Statement, run_together
from wms_terminal.core.states import (
    TOTE_TRANSITIONS,
    ToteStatus,
    can_transition,
    require_transition,
)
from wms_terminal.picking import messages as M
from wms_terminal.picking.checks import check_tote
from wms_terminal.picking.scans import Rejected
from wms_terminal.picking.tasks import TaskCtx
from wms_terminal.scanning.symbology import Kind, classify

HOW = ("packed", "sorted")
_WAITING = {"packed": ToteStatus.AT_PACKING, "sorted": ToteStatus.AT_SORTING}
_ON_LIST = (ToteStatus.IN_USE, ToteStatus.FULL)  # travelling with a list being picked


@dataclass(frozen=True)
class ToteView:
    code: str
    warehouse: str
    status: str
    pick_list_id: int | None
    orders: tuple[str, ...] = ()  # order numbers with units in it (from its current list)
    units: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "warehouse": self.warehouse,
            "status": self.status,
            "pick_list_id": self.pick_list_id,
            "orders": list(self.orders),
            "units": self.units,
        }


@dataclass(frozen=True)
class ToteEvent:
    at: datetime
    action: str
    user: str
    detail: dict[str, Any] = field(default_factory=dict)


def tote_label(code: str) -> str:
    """The tote label in `code` as printed (a Caps Lock read is accepted), or ValidationError."""
    got = classify(code)
    if got.kind is Kind.TOTE:
        return str(got.fields["barcode"])
    raise ValidationError(got.error or f"not a tote label: expected like T-MAIN-0042 ({got.kind})")


# -- reading ---------------------------------------------------------------------------------

_SELECT = (
    "SELECT t.id, t.code, w.code, t.status, t.pick_list_id FROM tote t "
    "JOIN warehouse w ON w.id = t.warehouse_id"
)
# What a tote holds: the units picked into it on the list it is on.
_CONTENTS = text(
    "SELECT so.number, SUM(pt.qty_picked) FROM pick_task pt "
    "JOIN sales_order so ON so.id = pt.order_id "
    "WHERE pt.tote_id = :t AND pt.pick_list_id = :l AND pt.qty_picked > 0 "
    "GROUP BY so.number ORDER BY so.number"
)


def _view(session: Session, row: Any) -> ToteView:
    tote_id, code, wh, status, list_id = row
    orders: tuple[str, ...] = ()
    units = 0
    if list_id is not None:
        held = session.execute(_CONTENTS, {"t": tote_id, "l": list_id}).all()
        orders = tuple(str(n) for n, _ in held)
        units = sum(int(q) for _, q in held)
    return ToteView(str(code), str(wh), str(status), list_id, orders, units)


def _row(session: Session, code: str, *, lock: bool = False) -> Any:
    sql = _SELECT + " WHERE t.code = :c"
    if lock and session.get_bind().dialect.name == "postgresql":
        sql += " FOR UPDATE OF t"
    row = session.execute(text(sql), {"c": code}).first()
    if row is None:
        raise NotFound(f"no tote {code}")
    return row


def list_totes(
    db: Database, *, warehouse: str | None = None, status: str | None = None
) -> list[ToteView]:
    """Totes by code, with what each holds; optionally of one warehouse or in one status."""
    if status is not None and status not in TOTE_TRANSITIONS:
        raise ValidationError(
            f"unknown tote status {status!r}: one of {', '.join(TOTE_TRANSITIONS)}"
        )
    sql = _SELECT + " WHERE 1 = 1"
    params: dict[str, Any] = {}
    if warehouse is not None:
        sql += " AND w.code = :w"
        params["w"] = warehouse
    if status is not None:
        sql += " AND t.status = :s"
        params["s"] = status
    with db.reading() as session:
        if warehouse is not None:
            known = session.execute(text("SELECT 1 FROM warehouse WHERE code = :w"), params)
            if known.first() is None:
                raise NotFound(f"no warehouse {warehouse}")
        rows = session.execute(text(sql + " ORDER BY t.code"), params).all()
        return [_view(session, r) for r in rows]


def get_tote(db: Database, code: str) -> tuple[ToteView, list[ToteEvent]]:
    """One tote and its audited history (newest first, at most 20 entries)."""
    code = tote_label(code)
    with db.reading() as session:
        view = _view(session, _row(session, code))
        events = session.execute(
            text(
                "SELECT a.at, a.action, COALESCE(u.username, 'system'), a.detail "
                "FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id "
                "WHERE a.entity = 'tote' AND a.entity_id = :c ORDER BY a.id DESC LIMIT 20"
            ),
            {"c": code},
        ).all()
    return view, [ToteEvent(at, str(a), str(u), _json(d)) for at, a, u, d in events]


def _json(value: Any) -> dict[str, Any]:
    # A JSON column read through text(): a str on SQLite, already decoded on PostgreSQL.
    return dict(json.loads(value) if isinstance(value, str) else value or {})


# -- moves inside the caller's transaction ----------------------------------------------------


def _move(session: Session, tote_id: int, current: str, new: str) -> bool:
    """One tote from `current` to `new` if it is still in `current` (False if it moved)."""
    require_transition(TOTE_TRANSITIONS, current, new, "a tote")
    done = session.execute(
        text(
            "UPDATE tote SET status = :new"
            + (", pick_list_id = NULL" if new == ToteStatus.FREE else "")
            + " WHERE id = :id AND status = :cur RETURNING id"
        ),
        {"new": new, "id": tote_id, "cur": current},
    ).first()
    return done is not None


def bind(session: Session, tote_id: int, pick_list_id: int) -> bool:
    """A free tote goes onto a pick list (the first pick, or the tote scan, of a slot)."""
    require_transition(TOTE_TRANSITIONS, ToteStatus.FREE, ToteStatus.IN_USE, "a tote")
    done = session.execute(
        text(
            "UPDATE tote SET status = :new, pick_list_id = :l "
            "WHERE id = :id AND status = :free RETURNING id"
        ),
        {"new": ToteStatus.IN_USE, "l": pick_list_id, "id": tote_id, "free": ToteStatus.FREE},
    ).first()
    return done is not None


_NEW_TOTE = text(
    "INSERT INTO tote (warehouse_id, code, status, pick_list_id) VALUES (:w, :c, :s, :l) "
    "RETURNING id"
)


def take_scanned(session: Session, ctx: TaskCtx, raw: str) -> int:
    """The tote scanned with a pick (checked by `checks.check_tote`): the slot's tote in use,
    or the free tote bound to the list now (a label never seen before gets its tote row)."""
    got = check_tote(session, ctx, raw)
    if got.in_use:
        assert got.tote_id is not None
        return got.tote_id
    if got.tote_id is None:  # a new label: its tote is made free and bound at once
        require_transition(TOTE_TRANSITIONS, ToteStatus.FREE, ToteStatus.IN_USE, "a tote")
        new = {"w": ctx.warehouse_id, "c": got.code, "s": ToteStatus.IN_USE, "l": ctx.pick_list_id}
        return int(session.execute(_NEW_TOTE, new).scalar_one())
    if not bind(session, got.tote_id, ctx.pick_list_id):  # another terminal took it meanwhile
        raise Rejected("tote_busy", M.fmt(M.TOTE_BUSY, tote=got.code))
    return got.tote_id


def mark_full(session: Session, tote_id: int) -> bool:
    """FULLTOTE: the tote in use for a slot is full (it stays on its list)."""
    return _move(session, tote_id, ToteStatus.IN_USE, ToteStatus.FULL)


_LIST_TOTES = text(
    "SELECT t.id, t.code, t.status, COUNT(DISTINCT pt.order_id) FROM tote t "
    "LEFT JOIN pick_task pt ON pt.tote_id = t.id AND pt.pick_list_id = t.pick_list_id "
    "AND pt.qty_picked > 0 WHERE t.pick_list_id = :l "
    f"AND t.status IN ({', '.join(repr(str(s)) for s in _ON_LIST)}) "
    "GROUP BY t.id, t.code, t.status ORDER BY t.code"
)
# Totes of the list holding an order that is also picked on another (not cancelled) list.
_SPLIT = text(
    "SELECT DISTINCT pt.tote_id FROM pick_task pt WHERE pt.pick_list_id = :l "
    "AND pt.tote_id IS NOT NULL AND pt.qty_picked > 0 AND EXISTS (SELECT 1 FROM pick_task o "
    "JOIN pick_list ol ON ol.id = o.pick_list_id WHERE o.order_id = pt.order_id "
    "AND o.pick_list_id <> :l AND ol.status <> 'cancelled')"
)


def finish_list(session: Session, pick_list_id: int) -> dict[str, str]:
    """The list is done: each of its totes goes to packing, to sorting, or (empty) back to
    free. Returns {tote code: new status}."""
    found, splitting = run_together(
        session,
        [
            Statement(_LIST_TOTES, {"l": pick_list_id}),
            Statement(_SPLIT, {"l": pick_list_id}),
        ],
    )
    if not found:
        return {}
    split = {int(t) for (t,) in splitting}
    out: dict[str, str] = {}
    for tote_id, code, status, orders in found:
        if int(orders) == 0:
            new = ToteStatus.FREE
        elif int(orders) > 1 or int(tote_id) in split:
            new = ToteStatus.AT_SORTING
        else:
            new = ToteStatus.AT_PACKING
        if _move(session, int(tote_id), str(status), new):
            out[str(code)] = new
    return out


def free_totes_of_lists(session: Session, list_ids: Iterable[int]) -> list[str]:
    """The lists were cancelled: their totes still in use or full go back to free (in the
    caller's transaction; the caller audits the cancellation). Returns the freed tote codes."""
    ids = sorted({int(i) for i in list_ids})
    if not ids:
        return []
    rows = session.execute(
        text(
            "UPDATE tote SET status = :free, pick_list_id = NULL "
            "WHERE pick_list_id IN :ids AND status IN :from RETURNING code"
        ).bindparams(bindparam("ids", expanding=True), bindparam("from", expanding=True)),
        {
            "free": ToteStatus.FREE,
            "ids": ids,
            "from": [s for s in _ON_LIST if can_transition(TOTE_TRANSITIONS, s, ToteStatus.FREE)],
        },
    ).all()
    return sorted(str(c) for (c,) in rows)


def empty_tote_in(
    session: Session, actor: Actor, *, code: str, how: str = "packed", **detail: Any
) -> ToteView:
    """`empty_tote` inside the caller's transaction (a packing service that packs the tote's
    last order in the same transaction)."""
    require(actor, "pack")
    if how not in HOW:
        raise ValidationError(f"a tote is emptied when {' or '.join(HOW)}, not {how!r}")
    code = tote_label(code)
    row = _row(session, code, lock=True)
    tote_id, _, wh, status, list_id = row
    before = _view(session, row)
    waiting = _WAITING[how]
    if status != waiting:
        raise InvalidTransition(_not_waiting(code, str(status), how, list_id))
    if not _move(session, int(tote_id), waiting, ToteStatus.FREE):
        raise InvalidTransition(f"tote {code} was moved meanwhile: look again")
    record(
        session,
        action="tote_emptied",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=_warehouse_id(session, int(tote_id)),
        entity="tote",
        entity_id=code,
        reason_code=how.upper(),
        pick_list_id=list_id,
        orders=list(before.orders),
        units=before.units,
        **detail,
    )
    return ToteView(code, str(wh), ToteStatus.FREE, None)


def _not_waiting(code: str, status: str, how: str, list_id: int | None) -> str:
    if status == ToteStatus.FREE:
        return f"tote {code} is already empty (free)"
    if status in _ON_LIST:
        return f"tote {code} is still on pick list {list_id}, which is being picked"
    if status == ToteStatus.AT_SORTING:
        return f"tote {code} holds several orders: sort it at consolidation first"
    return f"tote {code} is waiting at packing: pack it there, it needs no sorting"


def _warehouse_id(session: Session, tote_id: int) -> int:
    return int(
        session.execute(
            text("SELECT warehouse_id FROM tote WHERE id = :id"), {"id": tote_id}
        ).scalar_one()
    )


# -- services (one transaction each) ----------------------------------------------------------


def empty_tote(
    db: Database, actor: Actor, *, code: str, how: str = "packed", **detail: Any
) -> ToteView:
    """The tote's contents were packed (`how="packed"`, from at_packing) or sorted at
    consolidation (`how="sorted"`, from at_sorting): it is free for the next list. `detail`
    goes into the audit entry (e.g. the package or station)."""
    return db.run(
        lambda s: empty_tote_in(s, actor, code=code, how=how, **detail), what="empty a tote"
    )
