"""Count tasks: claimed and done by scan (location, item, units counted), one transaction each.

    open --claim--> claimed --count within threshold--> done (difference adjusted)
      ^               |  \\--count beyond threshold--> recount --claim (another user)--> claimed
      +---release-----+                                  (the second, blind count decides)
    open | claimed | recount --cancel (supervisor, reason)--> cancelled

A count that differs from the system by more than the threshold (`config.count_recount_threshold`)
is kept and a second count by another user is asked; the second count decides. The difference
becomes a stock change with its ledger lines (`stock_change.set_quantity`: a gain re-reserves
back-orders, a loss that reaches reserved units moves them or back-orders them) and an audit
entry. The location opens for picking again when its last open count ends.

    list_counts(db, warehouse_id=, statuses=)           -> [CountView]
    get_count(db, count_id)                             -> CountView
    claim_count(db, actor, warehouse_id=, count_id=)    -> CountView | None
    check_count_scan(db, count_id=, step=, code=)       -> error message | None
    record_count(db, actor, scan_id=, count_id=, qty=, location=, item=)   -> ScanResult
    release_count(db, actor, count_id=)                 -> CountView
    cancel_count(db, actor, count_id=, reason=)         -> CountView
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, text
from sqlmodel import Session

from wms_terminal.config import count_recount_threshold
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.catalog import product_for_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.models import CountTask, MoveKind
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import COUNT_TRANSITIONS, CountStatus, transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.checks import gtins_of
from wms_terminal.picking.location_block import unblock_if_uncounted
from wms_terminal.picking.relocation import Closing
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.stock_change import MAX_UNITS, set_quantity
from wms_terminal.picking.views import CountView, ScanResult
from wms_terminal.scanning.symbology import classify


def product_for_barcode(session: Session, code: str) -> tuple[int, int] | None:
    """(product id, units per pack) of a scanned item, by the scanning layer's classification."""
    found = product_for_code(session, code, gtins=gtins_of(classify(code)), sku=False)
    return (found[0].product_id, found[0].units) if found else None


_VIEW = (
    "SELECT c.id, c.warehouse_id, c.status, c.reason, c.location_id, l.code, l.barcode, "
    "c.product_id, p.sku, p.name, COALESCE(s.on_hand, 0), cu.username, c.first_qty, "
    "fu.username, c.counted_qty, du.username, c.expected_qty, c.created_at, c.done_at, c.note "
    "FROM count_task c JOIN location l ON l.id = c.location_id "
    "JOIN product p ON p.id = c.product_id "
    "LEFT JOIN stock s ON s.location_id = c.location_id AND s.product_id = c.product_id "
    "LEFT JOIN app_user cu ON cu.id = c.claimed_by "
    "LEFT JOIN app_user fu ON fu.id = c.first_by "
    "LEFT JOIN app_user du ON du.id = c.counted_by "
)


_TIMES = {"created_at": DateTime(timezone=True), "done_at": DateTime(timezone=True)}


def _select(where: str) -> Any:
    return text(_VIEW + where).columns(**_TIMES)


def _view(row: Any) -> CountView:
    values = list(row)
    for i in (17, 18):
        values[i] = _utc(values[i]).isoformat(timespec="seconds") if values[i] is not None else ""
    return CountView(*values)


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _read(session: Session, count_id: int) -> CountView:
    row = session.execute(_select("WHERE c.id = :id"), {"id": count_id}).first()
    if row is None:
        raise NotFound(f"no count task {count_id}")
    return _view(row)


def list_counts(
    db: Database,
    *,
    warehouse_id: int | None = None,
    statuses: tuple[str, ...] = CountStatus.ACTIVE,
) -> list[CountView]:
    """Count tasks, oldest first (open ones by default)."""
    marks = ", ".join(f":s{i}" for i in range(len(statuses)))
    params: dict[str, Any] = {f"s{i}": s for i, s in enumerate(statuses)}
    where = f"WHERE c.status IN ({marks})"
    if warehouse_id is not None:
        where += " AND c.warehouse_id = :w"
        params["w"] = warehouse_id
    with db.reading() as s:
        rows = s.execute(_select(where + " ORDER BY c.id"), params).all()
    return [_view(r) for r in rows]


def get_count(db: Database, count_id: int) -> CountView:
    with db.reading() as s:
        return _read(s, count_id)


def _task(session: Session, count_id: int) -> CountTask:
    task = session.get(CountTask, count_id, with_for_update=True, populate_existing=True)
    if task is None:
        raise NotFound(f"no count task {count_id}")
    return task


def _audit(session: Session, actor: Actor, task: CountTask, action: str, **detail: Any) -> None:
    record(
        session,
        action=action,
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=task.warehouse_id,
        entity="count_task",
        entity_id=str(task.id),
        reason_code=task.reason,
        location_id=task.location_id,
        product_id=task.product_id,
        **detail,
    )


def _claim(session: Session, actor: Actor, task: CountTask) -> None:
    if task.status == CountStatus.CLAIMED:
        if task.claimed_by != actor.user_id:
            raise Rejected("count_taken", M.COUNT_NOT_YOURS, clean=True)
        return
    if task.status not in (CountStatus.OPEN, CountStatus.RECOUNT):
        raise Rejected("count_closed", M.COUNT_CLOSED, clean=True)
    if task.first_by is not None and task.first_by == actor.user_id:
        raise Rejected("same_counter", M.COUNT_SECOND_BY_OTHER, clean=True)
    transition(task, CountStatus.CLAIMED, COUNT_TRANSITIONS)
    task.claimed_by, task.claimed_at = actor.user_id, utcnow()
    session.add(task)
    _audit(session, actor, task, "count_claimed", second=task.first_qty is not None)


def claim_count(
    db: Database, actor: Actor, *, warehouse_id: int, count_id: int | None = None
) -> CountView | None:
    """Claim a count task (the given one, or the one this user holds, or the oldest waiting that
    this user may do); None when there is none."""
    require(actor, "count")

    def body(session: Session) -> CountView | None:
        cid = count_id
        if cid is None:
            cid = session.execute(
                text(
                    "SELECT id FROM count_task WHERE warehouse_id = :w AND ("
                    "(status = 'claimed' AND claimed_by = :u) OR status = 'open' OR "
                    "(status = 'recount' AND (first_by IS NULL OR first_by <> :u))) "
                    "ORDER BY CASE WHEN status = 'claimed' THEN 0 ELSE 1 END, id LIMIT 1"
                ),
                {"w": warehouse_id, "u": actor.user_id},
            ).scalar()
            if cid is None:
                return None
        task = _task(session, cid)
        if task.warehouse_id != warehouse_id:
            raise NotFound(f"no count task {cid} in this warehouse")
        _claim(session, actor, task)
        session.flush()
        return _read(session, cid)

    got = db.run(body, what="count claim")
    return got


def check_count_scan(db: Database, *, count_id: int, step: str, code: str) -> str | None:
    """Check a location or item scan against the count: the refusal message, or None."""
    with db.reading() as s:
        view = _read(s, count_id)
        if step == "location":
            return None if code.strip() == view.location_barcode else _wrong_location(view)
        found = product_for_barcode(s, code)
        if found is None:
            return M.UNKNOWN_ITEM
        return None if found[0] == view.product_id else M.fmt(M.WRONG_ITEM, expected=view.sku)


def _wrong_location(view: CountView) -> str:
    return M.fmt(M.WRONG_LOCATION, expected=view.location_code)


def record_count(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    count_id: int,
    qty: int,
    location: str | None = None,
    item: str | None = None,
    recount_threshold: int | None = None,
) -> ScanResult:
    """The units of the product found at the location. `location` and `item` are the labels
    scanned for this count (checked when given; no item when nothing is there)."""
    require(actor, "count")
    threshold = count_recount_threshold() if recount_threshold is None else recount_threshold

    def body(session: Session) -> Outcome:
        task = _task(session, count_id)
        view = _read(session, count_id)
        if not 0 <= qty <= MAX_UNITS:
            raise Rejected("bad_qty", M.fmt(M.BAD_COUNT, max=MAX_UNITS), clean=True)
        if location is not None and location.strip() != view.location_barcode:
            raise Rejected("wrong_location", _wrong_location(view), clean=True)
        if item is not None:
            found = product_for_barcode(session, item)
            if found is None:
                raise Rejected("unknown_item", M.UNKNOWN_ITEM, clean=True)
            if found[0] != task.product_id:
                raise Rejected("wrong_item", M.fmt(M.WRONG_ITEM, expected=view.sku), clean=True)
        _claim(session, actor, task)
        system = view.system_qty
        data: dict[str, Any] = {"count_id": count_id, "location": view.location_code}
        if task.first_qty is None and abs(qty - system) > threshold:
            task.first_qty, task.first_by, task.claimed_by = qty, actor.user_id, None
            transition(task, CountStatus.RECOUNT, COUNT_TRANSITIONS)
            session.add(task)
            _audit(session, actor, task, "count_first", counted=qty, system=system)
            return Outcome(
                "recount", M.COUNT_RECOUNT, data | {"status": task.status}, task.warehouse_id
            )
        return _finish(session, actor, task, view, qty, scan_id, data)

    return run_scan(
        db, actor, scan_id=scan_id, action="count", raw=f"COUNT {count_id} {qty}", body=body
    )


def _finish(
    session: Session,
    actor: Actor,
    task: CountTask,
    view: CountView,
    qty: int,
    scan_id: str,
    data: dict[str, Any],
) -> Outcome:
    change = set_quantity(
        session,
        location_id=task.location_id,
        product_id=task.product_id,
        qty=qty,
        actor=actor,
        kind=MoveKind.COUNT,
        reason=f"count {task.id}",
        closing=Closing("short", "COUNT"),
        scan_id=scan_id,
    )
    task.counted_qty, task.expected_qty = qty, change.before
    task.counted_by, task.done_at = actor.user_id, utcnow()
    transition(task, CountStatus.DONE, COUNT_TRANSITIONS)
    session.add(task)
    session.flush()
    lines = [M.COUNT_MATCHED if change.diff == 0 else M.fmt(M.COUNT_ADJUSTED, diff=change.diff)]
    data |= change.as_data() | {"status": task.status, "unblocked": False}
    if _end_block(session, actor, task, data):
        lines.append(M.fmt(M.COUNT_UNBLOCKED, location=view.location_code))
    _audit(
        session,
        actor,
        task,
        "count_done",
        counted=qty,
        first=task.first_qty,
        **change.as_data(),
    )
    return Outcome("counted", "\n".join(lines), data, task.warehouse_id)


def _end_block(session: Session, actor: Actor, task: CountTask, data: dict[str, Any]) -> bool:
    """Open the location when no count is left on it; its free units then serve back-orders."""
    if not unblock_if_uncounted(session, task.location_id):
        return False
    products = session.execute(
        text("SELECT product_id FROM stock WHERE location_id = :l AND on_hand > reserved"),
        {"l": task.location_id},
    ).scalars()
    served = rereserve(
        session, warehouse_id=task.warehouse_id, product_ids=list(products), actor=actor
    )
    data["unblocked"] = True
    data["rereserved_orders"] = sorted(set(data.get("rereserved_orders", [])) | set(served))
    return True


def release_count(db: Database, actor: Actor, *, count_id: int) -> CountView:
    """Give a claimed count back: it waits for the next counter."""
    require(actor, "count")

    def body(session: Session) -> CountView:
        task = _task(session, count_id)
        if task.status != CountStatus.CLAIMED:
            raise ValidationError(
                M.COUNT_CLOSED
                if task.status not in CountStatus.ACTIVE
                else "this count is not claimed"
            )
        if task.claimed_by != actor.user_id and not actor.can("adjust_stock"):
            raise PermissionDenied(M.COUNT_NOT_YOURS)
        back = CountStatus.RECOUNT if task.first_qty is not None else CountStatus.OPEN
        transition(task, back, COUNT_TRANSITIONS)
        task.claimed_by = task.claimed_at = None
        session.add(task)
        _audit(session, actor, task, "count_released")
        session.flush()
        return _read(session, count_id)

    return db.run(body, what="count release")


def cancel_count(db: Database, actor: Actor, *, count_id: int, reason: str) -> CountView:
    """A supervisor ends a count without changing stock (a reason is required); the location
    opens again when no other count is open on it."""
    require(actor, "adjust_stock")
    reason = reason.strip()
    if not reason or len(reason) > 150 or any(not ch.isprintable() for ch in reason):
        raise ValidationError("give a reason (up to 150 printable characters)")

    def body(session: Session) -> CountView:
        task = _task(session, count_id)
        if task.status not in CountStatus.ACTIVE:
            raise ValidationError(M.COUNT_CLOSED)
        transition(task, CountStatus.CANCELLED, COUNT_TRANSITIONS)
        task.note, task.done_at = reason, utcnow()
        session.add(task)
        session.flush()
        data: dict[str, Any] = {}
        _end_block(session, actor, task, data)
        _audit(session, actor, task, "count_cancelled", note=reason, **data)
        return _read(session, count_id)

    return db.run(body, what="count cancel")
