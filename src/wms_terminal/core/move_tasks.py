"""The move-task engine: replenishment and put-away tasks are claimed, done by scans and closed.

A task is open until it is done (the stock moved) or cancelled (a supervisor, with a reason).
One worker claims it (`claim_next`: an atomic UPDATE of the first unclaimed open task, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL, as pick lists are claimed) and does it by scanning the
source location, the item, the quantity and the destination (`do_task`): every scan is checked
before anything moves, and the move with its ledger lines is one transaction. A done task lets
the next be raised at once (a pick face still below its minimum, units left in receiving).

Urgent tasks come first: a replenishment is urgent when the open picks at its pick face need
at least everything the face holds (a picker will find it empty without the top-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import order_numbers, rereserve
from wms_terminal.core.catalog import product_for_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.inventory import PICKABLE
from wms_terminal.core.models import Location, LocationKind, MoveTask, MoveTaskKind, Product
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import MOVE_TASK_TRANSITIONS, transition
from wms_terminal.core.task_sources import raise_putaways, replenish_if_low
from wms_terminal.core.transfer import transfer

URGENT = (
    "CASE WHEN t.kind = 'replenish' AND (SELECT SUM(p.qty - p.qty_picked) FROM pick_task p "
    "WHERE p.location_id = t.to_location_id AND p.product_id = t.product_id "
    "AND p.status = 'open') >= COALESCE((SELECT s.on_hand FROM stock s "
    "WHERE s.location_id = t.to_location_id AND s.product_id = t.product_id), 0) "
    "THEN 1 ELSE 0 END"
)
_CANDIDATE = (
    "SELECT t.id FROM replenishment_task t WHERE t.warehouse_id = :w AND t.status = 'open' "
    "AND t.claimed_by IS NULL{kind} ORDER BY " + URGENT + " DESC, t.created_at, t.id LIMIT 1{lock}"
)
_CLAIM = (
    "UPDATE replenishment_task SET claimed_by = :u, claimed_at = :now "
    "WHERE id = ({candidate}) AND status = 'open' AND claimed_by IS NULL RETURNING id"
)


@dataclass(frozen=True)
class MoveTaskView:
    id: int
    kind: str
    status: str
    warehouse_id: int
    sku: str
    product_name: str
    from_location: str | None
    to_location: str
    from_barcode: str | None
    to_barcode: str
    qty: int
    qty_moved: int
    urgent: bool
    claimed_by: str | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        return out


@dataclass(frozen=True)
class MoveDone:
    task: MoveTaskView
    # Raised right after this one: the face still below its minimum, units left in receiving.
    next_task_ids: tuple[int, ...]
    # A put-away made the units pickable: the back-orders they served, most urgent first.
    backorders_filled: tuple[str, ...] = ()


def list_tasks(
    db: Database,
    *,
    warehouse_id: int | None = None,
    kind: str | None = None,
    status: str | None = "open",
    limit: int = 200,
) -> list[MoveTaskView]:
    """Tasks as a worker sees them: urgent first, then oldest."""
    if kind is not None and kind not in MoveTaskKind.ALL:
        raise ValidationError(f"unknown task kind {kind!r}; one of {', '.join(MoveTaskKind.ALL)}")
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"n": limit}
    if warehouse_id is not None:
        where.append("t.warehouse_id = :w")
        params["w"] = warehouse_id
    if kind is not None:
        where.append("t.kind = :k")
        params["k"] = kind
    if status is not None:
        where.append("t.status = :s")
        params["s"] = status
    with db.reading() as session:
        ids = session.execute(
            text(
                f"SELECT t.id FROM replenishment_task t WHERE {' AND '.join(where)} "
                f"ORDER BY {URGENT} DESC, t.created_at, t.id LIMIT :n"
            ),
            params,
        ).scalars()
        return [_view(session, int(i)) for i in ids]


def get_task(db: Database, task_id: int) -> MoveTaskView:
    with db.reading() as session:
        return _view(session, task_id)


def is_item_of(db: Database, task_id: int, item: str) -> bool:
    """Whether a scanned or typed item code names the task's product (a flow asks before the
    quantity; `do_task` checks again)."""
    with db.reading() as session:
        task = session.get(MoveTask, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}")
        return _names(session, item, task.product_id)


def claim_next(
    db: Database, actor: Actor, *, warehouse_id: int, kind: str | None = None
) -> MoveTaskView | None:
    """The task this worker holds, or the most urgent unclaimed one, claimed; None when none."""
    require(actor, "move_stock")
    if actor.user_id is None:
        raise ValidationError("a task is claimed by a logged-in user")
    if kind is not None and kind not in MoveTaskKind.ALL:
        raise ValidationError(f"unknown task kind {kind!r}; one of {', '.join(MoveTaskKind.ALL)}")
    pg = db.dialect == "postgresql"
    candidate = _CANDIDATE.format(
        kind=" AND t.kind = :k" if kind else "", lock=" FOR UPDATE OF t SKIP LOCKED" if pg else ""
    )

    def fn(session: Session) -> MoveTaskView | None:
        held = session.execute(
            text(
                "SELECT id FROM replenishment_task WHERE claimed_by = :u AND status = 'open' "
                "AND warehouse_id = :w ORDER BY claimed_at, id LIMIT 1"
            ),
            {"u": actor.user_id, "w": warehouse_id},
        ).scalar()
        if held is not None:
            return _view(session, int(held))
        params: dict[str, Any] = {"u": actor.user_id, "now": utcnow(), "w": warehouse_id}
        if kind:
            params["k"] = kind
        got = session.execute(text(_CLAIM.format(candidate=candidate)), params).scalar()
        if got is None:
            return None
        _audit(session, actor, "move_task_claimed", int(got), warehouse_id)
        return _view(session, int(got))

    return db.run(fn, what="claim a task")


def release_task(db: Database, actor: Actor, *, task_id: int) -> MoveTaskView:
    """Give a claimed task back to the pool: its claimer, or a supervisor for anyone."""
    require(actor, "move_stock")

    def fn(session: Session) -> MoveTaskView:
        task = _locked(session, task_id)
        _check_open(task)
        if task.claimed_by is None:
            raise ValidationError(f"task {task_id} is not claimed")
        if task.claimed_by != actor.user_id and not actor.can("adjust_stock"):
            raise ValidationError(f"task {task_id} is claimed by someone else")
        task.claimed_by, task.claimed_at = None, None
        session.add(task)
        _audit(session, actor, "move_task_released", task_id, task.warehouse_id)
        session.flush()
        return _view(session, task_id)

    return db.run(fn, what="release a task")


def cancel_task(db: Database, actor: Actor, *, task_id: int, reason: str) -> MoveTaskView:
    """A supervisor closes a task that will not be done (no stock moves); the next can be raised."""
    require(actor, "adjust_stock")
    if not reason.strip():
        raise ValidationError("say why the task is cancelled (a reason)")

    def fn(session: Session) -> MoveTaskView:
        task = _locked(session, task_id)
        _check_open(task)
        transition(task, "cancelled", MOVE_TASK_TRANSITIONS)
        task.done_at = utcnow()
        session.add(task)
        _audit(session, actor, "move_task_cancelled", task_id, task.warehouse_id, reason=reason)
        session.flush()
        return _view(session, task_id)

    return db.run(fn, what="cancel a task")


def do_task(
    db: Database,
    actor: Actor,
    *,
    task_id: int,
    from_location: str,
    item: str,
    qty: int,
    to_location: str,
) -> MoveDone:
    """Do a claimed task by its scans. Any wrong scan refuses the whole task and moves nothing."""
    return db.run(
        lambda s: do_task_in(
            s,
            actor,
            task_id=task_id,
            from_location=from_location,
            item=item,
            qty=qty,
            to_location=to_location,
        ),
        what="move stock",
    )


def do_task_in(
    session: Session,
    actor: Actor,
    *,
    task_id: int,
    from_location: str,
    item: str,
    qty: int,
    to_location: str,
    scan_id: str | None = None,
) -> MoveDone:
    """`do_task` in the caller's transaction; `scan_id` names the ledger lines (the caller
    stores the scan's outcome in the same transaction: `inbound.scanned`)."""
    require(actor, "move_stock")
    task = _locked(session, task_id)
    _check_open(task)
    if task.claimed_by is None or task.claimed_by != actor.user_id:
        raise ValidationError(f"task {task_id} is not claimed by you: claim it first")
    src = session.get(Location, task.from_location_id)
    dst = session.get(Location, task.to_location_id)
    assert src is not None and dst is not None and dst.id is not None and src.id is not None
    for loc in (src, dst):  # stock moved there now would falsify the count under way
        if loc.blocked:
            raise ValidationError(f"{loc.code} is being counted: do this task when the count ends")
    if not _is(src, from_location):
        raise ValidationError(f"wrong location: take the units from {src.code}")
    if not _names(session, item, task.product_id):
        product = session.get(Product, task.product_id)
        raise ValidationError(f"wrong item: this task moves {product.sku if product else '?'}")
    if not 1 <= qty <= task.qty:
        raise ValidationError(f"quantity must be 1 to {task.qty}, not {qty}")
    if not _is(dst, to_location):
        raise ValidationError(f"wrong location: put the units on {dst.code}")
    transfer(
        session,
        product_id=task.product_id,
        from_location_id=src.id,
        to_location_id=dst.id,
        qty=qty,
        actor=actor,
        reason=f"{task.kind} task {task_id}",
        scan_id=scan_id,
    )
    task.qty_moved = qty
    task.done_by = actor.user_id
    task.done_at = utcnow()
    transition(task, "done", MOVE_TASK_TRANSITIONS)
    session.add(task)
    session.flush()
    if task.kind == MoveTaskKind.REPLENISH:
        nxt = replenish_if_low(session, location_id=dst.id, product_id=task.product_id)
        following = [nxt] if nxt is not None else []
    elif src.kind == LocationKind.RECEIVING:  # the rest of a delivery, where there is room
        following = raise_putaways(
            session, receiving_location_id=src.id, product_ids=[task.product_id]
        )
    else:  # damaged units restocked: only what a supervisor sent back
        following = []
    filled: list[str] = []
    if src.kind not in PICKABLE and dst.kind in PICKABLE:  # now it can be reserved
        served = rereserve(
            session, warehouse_id=task.warehouse_id, product_ids=[task.product_id], actor=actor
        )
        filled = order_numbers(session, served)
    _audit(
        session,
        actor,
        "move_task_done",
        task_id,
        task.warehouse_id,
        qty=qty,
        backorders_filled=filled,
    )
    return MoveDone(
        _view(session, task_id),
        tuple(t.id for t in following if t.id is not None),
        tuple(filled),
    )


def _is(loc: Location, scanned: str) -> bool:
    s = scanned.strip().upper()
    return s in (loc.barcode.upper(), loc.code.upper())


def _locked(session: Session, task_id: int) -> MoveTask:
    task = session.get(MoveTask, task_id, with_for_update=True, populate_existing=True)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def _check_open(task: MoveTask) -> None:
    if task.status != "open":
        raise ValidationError(f"task {task.id} is {task.status}")


def _audit(
    session: Session, actor: Actor, action: str, task_id: int, warehouse_id: int, **detail: Any
) -> None:
    record(
        session,
        action=action,
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=warehouse_id,
        entity="move_task",
        entity_id=str(task_id),
        **detail,
    )


def _view(session: Session, task_id: int) -> MoveTaskView:
    row = session.execute(
        text(
            f"SELECT t.id, t.kind, t.status, t.warehouse_id, p.sku, p.name, f.code, d.code, "
            f"f.barcode, d.barcode, t.qty, t.qty_moved, {URGENT}, u.username, t.created_at "
            "FROM replenishment_task t JOIN product p ON p.id = t.product_id "
            "LEFT JOIN location f ON f.id = t.from_location_id "
            "JOIN location d ON d.id = t.to_location_id "
            "LEFT JOIN app_user u ON u.id = t.claimed_by WHERE t.id = :id"
        ),
        {"id": task_id},
    ).first()
    if row is None:
        raise NotFound(f"no task {task_id}")
    created = row[14]
    if isinstance(created, str):  # SQLite hands back text from a plain SQL query
        created = datetime.fromisoformat(created)
    return MoveTaskView(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        int(row[3]),
        str(row[4]),
        str(row[5]),
        row[6],
        str(row[7]),
        row[8],
        str(row[9]),
        int(row[10]),
        int(row[11]),
        bool(row[12]),
        row[13],
        created,
    )


__all__ = [
    "MoveDone",
    "MoveTaskView",
    "cancel_task",
    "claim_next",
    "do_task",
    "get_task",
    "is_item_of",
    "list_tasks",
    "release_task",
]


def _names(session: Session, item: str, product_id: int) -> bool:
    """Whether a scanned or typed item code may name the product (`catalog.product_for_code`)."""
    return any(m.product_id == product_id for m in product_for_code(session, item))
