"""The returns station's services: find the return a parcel belongs to, grade each unit in it,
and close the receipt.

`grade_unit` is one transaction holding the return's row lock: the unit is recorded
(`return_unit`, keyed by the grading scan's id, so a scan sent again is applied once), its
line's `received` goes up, and the stock and its ledger line move with the grade's reason code
(`core.returns.Grade`): resell into the receiving location with a put-away task (the put-away
that makes the units pickable re-reserves the back-orders waiting for them,
`move_tasks.do_task` -> `backorders.rereserve`); refurbish and quarantine into the damaged
cage; scrap into the cage and written off. A unit that is not on the return (another product,
one more than it names, a serial or lot this order never shipped, a code no product has) is
recorded as unexpected, with why, never lost. The last expected unit closes the receipt
(open -> received), as does `close_receipt` when the parcel held fewer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session, col, select

from wms_terminal.core import events, stock_in_out
from wms_terminal.core.audit import audit_statement, record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import order_numbers, waiting_orders
from wms_terminal.core.catalog import barcode_statement, matches, product_for_code
from wms_terminal.core.codes import ORDER_RE, RMA_RE
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import LocationKind, MoveKind, ReturnOrder, ReturnUnit
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.returns import Grade, Resolution, ReturnStatus
from wms_terminal.core.service_locations import (
    damaged_location,
    find_statement,
    receiving_location,
)
from wms_terminal.core.statements import Statement, json_value, run_together
from wms_terminal.core.task_sources import add_putaways, putaway_plan, putaway_statements
from wms_terminal.returns.notices import RETURN_RECEIVED, queue_customer_notice


@dataclass(frozen=True)
class LineView:
    line_id: int
    product_id: int
    sku: str
    name: str
    qty: int
    received: int

    @property
    def remaining(self) -> int:
        return max(self.qty - self.received, 0)


@dataclass(frozen=True)
class ReturnView:
    rma: str
    order: str
    status: str
    lines: tuple[LineView, ...]
    unexpected: int  # units recorded that the return did not name
    resolution: str = "refund"

    @property
    def remaining(self) -> int:
        return sum(x.remaining for x in self.lines)


@dataclass(frozen=True)
class Graded:
    view: ReturnView
    sku: str | None  # None: a code no product has
    grade: str
    unexpected: str  # why the unit is not on the return ("" when it is)
    location: str | None  # where the unit went (None: no product, nothing moved)
    putaway_tasks: tuple[int, ...]
    backorders_waiting: tuple[str, ...]
    again: bool = False  # the same scan sent again: applied the first time


_LINES = text(
    "SELECT rl.id, p.id, p.sku, p.name, rl.qty, rl.received FROM return_line rl "
    "JOIN order_line ol ON ol.id = rl.order_line_id JOIN product p ON p.id = ol.product_id "
    "WHERE rl.return_id = :r ORDER BY ol.line_no"
)


def _view(session: Session, ret: ReturnOrder) -> ReturnView:
    lines = tuple(
        LineView(int(a), int(b), str(c), str(d), int(e), int(f))
        for a, b, c, d, e, f in session.execute(_LINES, {"r": ret.id}).all()
    )
    number, odd = session.execute(
        text(
            "SELECT (SELECT number FROM sales_order WHERE id = :o), (SELECT COUNT(*) FROM "
            "return_unit WHERE return_id = :r AND return_line_id IS NULL)"
        ),
        {"o": ret.order_id, "r": ret.id},
    ).one()
    return ReturnView(ret.number, str(number), ret.status, lines, int(odd), ret.resolution)


def find_return(db: Database, code: str) -> ReturnView:
    """The open return a parcel belongs to: its RMA code or its return tracking number (the
    carrier's return label), or the order number or a tracking number of the order (its latest
    open return)."""
    wanted = code.strip().upper()
    if not wanted or not wanted.isprintable() or len(wanted) > 40:
        raise ValidationError("scan the RMA code, the order number or the tracking number")
    with db.reading() as s:
        ret: ReturnOrder | None
        if RMA_RE.match(wanted):
            ret = s.exec(select(ReturnOrder).where(col(ReturnOrder.number) == wanted)).first()
            if ret is None:
                raise NotFound(f"no return {wanted}")
        else:
            ret = _latest_open(s, wanted)
        if ret.status != ReturnStatus.OPEN:
            raise ValidationError(f"{ret.number} is {ret.status}: nothing more to receive")
        return _view(s, ret)


def _latest_open(s: Session, wanted: str) -> ReturnOrder:
    # The return tracking number on the carrier's return label names its return.
    by_label = s.exec(select(ReturnOrder).where(col(ReturnOrder.return_tracking) == wanted)).first()
    if by_label is not None:
        return by_label
    if ORDER_RE.match(wanted):
        where = "so.number = :c"
    else:
        where = "so.id IN (SELECT order_id FROM package WHERE tracking_number = :c)"
    found = s.execute(
        text(
            "SELECT ro.id, so.number FROM sales_order so LEFT JOIN return_order ro "
            f"ON ro.order_id = so.id AND ro.status = 'open' WHERE {where} ORDER BY ro.id DESC"
        ),
        {"c": wanted},
    ).first()
    if found is None:
        raise NotFound(f"{wanted[:40]!r} is no RMA code, order or tracking number we know")
    if found[0] is None:
        raise ValidationError(f"order {found[1]} has no open return: open one first")
    ret = s.get(ReturnOrder, int(found[0]))
    assert ret is not None
    return ret


def grade_unit(
    db: Database,
    actor: Actor,
    *,
    rma: str,
    item: str,
    grade: str,
    scan_id: str,
    lot: str | None = None,
    serial: str | None = None,
) -> Graded:
    """Record one unit of return `rma` (the item code scanned) with its grade; see the module
    docstring."""
    require(actor, "handle_returns")
    if grade not in Grade.ALL:
        raise ValidationError(f"a grade is one of {', '.join(Grade.ALL)}, not {grade!r}")
    code = item.strip()
    if not code or not code.isprintable() or len(code) > 64:
        raise ValidationError("scan the product's barcode")
    if not scan_id or len(scan_id) > 64:
        raise ValidationError("a grade needs its scan id")
    return db.run(
        lambda s: _grade(s, actor, rma, code, grade, scan_id, lot, serial), what="grade a unit"
    )


def _locked(session: Session, rma: str) -> ReturnOrder:
    """The return, its row locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE holds
    the whole database) until the transaction ends."""
    ret = session.exec(
        select(ReturnOrder)
        .where(col(ReturnOrder.number) == rma.strip().upper())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if ret is None:
        raise NotFound(f"no return {rma.strip()[:40]!r}")
    return ret


# The return's row locked, with its order's number (which never changes). What other
# terminals may have written meanwhile is read after the lock, by statements of their own (on
# PostgreSQL each takes its snapshot once the lock is held): whether this scan was applied
# already, the unexpected units so far, the lines.
_LOCK = (
    "SELECT ro.id, ro.status, ro.warehouse_id, ro.order_id, ro.resolution, "
    "(SELECT number FROM sales_order WHERE id = ro.order_id) "
    "FROM return_order ro WHERE ro.number = :n"
)
_SEEN = text(
    "SELECT (SELECT id FROM return_unit WHERE scan_id = :s), "
    "(SELECT COUNT(*) FROM return_unit WHERE return_id = :r AND return_line_id IS NULL)"
)
_UNIT = text(
    "INSERT INTO return_unit (return_id, return_line_id, product_id, code, grade, lot, serial, "
    "unexpected, location_id, scan_id, user_id, created_at) VALUES (:r, :line, :p, :code, "
    ":grade, :lot, :serial, :why, :loc, :scan, :u, :now) RETURNING id"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
_RECEIVED = text("UPDATE return_line SET received = received + 1 WHERE id = :l RETURNING id")
_SCAN = text(
    "INSERT INTO scan_record (scan_id, warehouse_id, user_id, task_id, terminal, action, raw, "
    "accepted, outcome, created_at) VALUES (:scan, :w, :u, NULL, :t, 'return_grade', :raw, "
    ":yes, :outcome, :now)"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def _grade(
    session: Session,
    actor: Actor,
    rma: str,
    code: str,
    grade: str,
    scan_id: str,
    lot: str | None,
    serial: str | None,
) -> Graded:
    """The grade in three round trips on PostgreSQL (the lock; the return's lines with the
    service location and the product lookup; every write together, with a resold unit's
    put-away reads), plus a resold unit's put-away task and back-order look-up."""
    number = rma.strip().upper()
    head = session.execute(
        text(_LOCK + (" FOR UPDATE OF ro" if _pg(session) else "")), {"n": number}
    ).first()
    if head is None:
        raise NotFound(f"no return {rma.strip()[:40]!r}")
    ret_id, status, wid, order_id, resolution, order_no = head
    lookup = barcode_statement(code)
    kind = LocationKind.RECEIVING if grade == Grade.RESELL else LocationKind.DAMAGED
    seen, *reads = run_together(
        session,
        [
            Statement(_SEEN, {"s": scan_id, "r": ret_id}),
            Statement(_LINES, {"r": ret_id}),
            find_statement(int(wid), kind),
            *([lookup] if lookup is not None else []),
        ],
    )
    done_id, odd = seen[0]
    if done_id is not None:
        return _again(session, _locked(session, number), int(done_id))
    if status != ReturnStatus.OPEN:
        raise ValidationError(f"{number} is {status}: nothing more to receive")
    view = ReturnView(
        number,
        str(order_no),
        str(status),
        tuple(
            LineView(int(a), int(b), str(c), str(d), int(e), int(f))
            for a, b, c, d, e, f in reads[0]
        ),
        int(odd),
        str(resolution),
    )
    found = [m.product_id for m in (matches(reads[2]) if lookup is not None else [])]
    if not found:
        found = [m.product_id for m in product_for_code(session, code)]  # a typed SKU
    on_return = {x.product_id for x in view.lines}
    pid = next((p for p in found if p in on_return), found[0] if found else None)
    line = next((x for x in view.lines if x.product_id == pid and x.remaining > 0), None)
    why = ""
    if pid is None:
        why = "no product has this code"
    elif pid not in on_return:
        why = "not on this return"
    elif line is None:
        why = "more than the return names"
    else:
        why = _not_shipped(session, int(order_id), pid, lot, serial)
    if why:
        line = None
    sku = next((x.sku for x in view.lines if x.product_id == pid), None) or _sku(session, pid)
    place: tuple[int, str] | None = None  # (id, code) where the unit goes
    if pid is not None:
        if reads[1]:
            place = (int(reads[1][0][0]), str(reads[1][0][1]))
        else:  # the warehouse's first return or damaged unit: the location is made now
            made = (receiving_location if kind == LocationKind.RECEIVING else damaged_location)(
                session, int(wid)
            )
            assert made.id is not None
            place = (made.id, made.code)
    writes = _stock_statements(actor, number, int(wid), pid, grade, scan_id, place)
    n_stock = len(writes)
    now = utcnow()
    writes.append(
        Statement(
            _UNIT,
            {
                "r": ret_id,
                "line": line.line_id if line else None,
                "p": pid,
                "code": code,
                "grade": grade,
                "lot": lot,
                "serial": serial,
                "why": why,
                "loc": place[0] if place else None,
                "scan": scan_id,
                "u": actor.user_id,
                "now": now,
            },
        )
    )
    if line is not None:
        writes.append(Statement(_RECEIVED, {"l": line.line_id}))
    # The scan's record, as every scan that moves stock has one (`core.invariants`).
    outcome = {"rma": number, "sku": sku, "grade": grade, "unexpected": why}
    writes.append(
        Statement(
            _SCAN,
            {
                "scan": scan_id,
                "w": wid,
                "u": actor.user_id,
                "t": actor.terminal,
                "raw": code,
                "yes": True,
                "outcome": json_value(session, outcome),
                "now": now,
            },
        )
    )
    writes.append(
        audit_statement(
            session,
            action="return_unit_graded",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=int(wid),
            entity="return",
            entity_id=number,
            reason_code=grade,
            sku=sku,
            code=code,
            lot=lot,
            serial=serial,
            unexpected=why,
            scan_id=scan_id,
        )
    )
    resold = grade == Grade.RESELL and place is not None and pid is not None
    if resold:
        # The put-away is planned from what the dock holds once this unit is in: its reads go
        # last in the same round trip.
        assert place is not None and pid is not None
        writes += putaway_statements(dock_id=place[0], warehouse_id=int(wid), product_id=pid)
    rows = run_together(session, writes)
    if n_stock:
        stock_in_out.received(rows[:3])
        if n_stock > 3:
            stock_in_out.removed(rows[3:5], place[0] if place else 0)
    tasks: tuple[int, ...] = ()
    waiting: list[str] = []
    if resold:
        assert place is not None and pid is not None
        plan = putaway_plan(rows[-3:])
        raised = add_putaways(session, int(wid), place[0], pid, plan)
        tasks = tuple(t.id for t in raised if t.id is not None)
        waiting = order_numbers(
            session, waiting_orders(session, warehouse_id=int(wid), product_ids=[pid])
        )
    after = replace(
        view,
        lines=tuple(
            replace(x, received=x.received + 1) if line and x.line_id == line.line_id else x
            for x in view.lines
        ),
        unexpected=view.unexpected + (0 if line else 1),
    )
    if after.remaining == 0:
        ret = session.get(ReturnOrder, int(ret_id))  # locked above
        assert ret is not None
        _close(session, actor, ret, after)
        after = replace(after, status=ret.status)
    where = place[1] if place is not None else None
    return Graded(after, sku, grade, why, where, tasks, tuple(waiting))


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _again(session: Session, ret: ReturnOrder, unit_id: int) -> Graded:
    """The same grading scan sent again: what it did the first time, nothing applied."""
    done = session.get(ReturnUnit, unit_id)
    assert done is not None
    return Graded(
        _view(session, ret),
        _sku(session, done.product_id),
        done.grade,
        done.unexpected,
        None,
        (),
        (),
        again=True,
    )


def _stock_statements(
    actor: Actor,
    rma: str,
    wid: int,
    pid: int | None,
    grade: str,
    scan_id: str,
    place: tuple[int, str] | None,
) -> list[Statement]:
    """The unit into stock as its grade says: resell into receiving, the others into the
    damaged cage, scrap written off again at once (the ledger keeps both lines)."""
    if pid is None or place is None:
        return []  # no product: the unit waits in the cage, off the books
    reason = f"{rma} {grade}"
    where = {"warehouse_id": wid, "location_id": place[0], "product_id": pid, "qty": 1}
    out = stock_in_out.receive_statements(
        **where, actor=actor, scan_id=scan_id, reason=reason, kind=MoveKind.RETURN
    )
    if grade == Grade.SCRAP:
        out += stock_in_out.remove_statements(
            **where, actor=actor, kind=MoveKind.ADJUSTMENT, scan_id=scan_id, reason=reason
        )
    return out


def _not_shipped(
    session: Session, order_id: int, product_id: int, lot: str | None, serial: str | None
) -> str:
    """Why a scanned lot or serial is not one this order shipped of the product ("" when it
    is, or when the picks recorded none to compare with)."""
    for field, value in (("serial", serial), ("lot", lot)):
        if not value:
            continue
        shipped = {
            str(v)
            for (v,) in session.execute(
                text(
                    f"SELECT DISTINCT {field} FROM pick_task WHERE order_id = :o "
                    f"AND product_id = :p AND qty_picked > 0 AND {field} IS NOT NULL"
                ),
                {"o": order_id, "p": product_id},
            ).all()
        }
        if shipped and value not in shipped:
            return f"{field} {value} was not shipped on this order"
    return ""


def close_receipt(db: Database, actor: Actor, rma: str) -> ReturnView:
    """The parcel is done (fewer units than the return named): open -> received."""
    require(actor, "handle_returns")

    def body(session: Session) -> ReturnView:
        ret = _locked(session, rma)
        if ret.status != ReturnStatus.OPEN:
            raise ValidationError(f"{ret.number} is {ret.status} already")
        _close(session, actor, ret)
        return _view(session, ret)

    return db.run(body, what="close a return's receipt")


def _close(
    session: Session, actor: Actor, ret: ReturnOrder, seen: ReturnView | None = None
) -> None:
    """open -> received (completed: an exchange whose replacement went out first); `seen` is
    the return as the caller has it already (the grade that received its last unit)."""
    done = ret.resolution == Resolution.EXCHANGE and ret.replacement_order_id is not None
    ret.status = ReturnStatus.COMPLETED if done else ReturnStatus.RECEIVED
    ret.received_at = utcnow()
    session.add(ret)
    view = seen or _view(session, ret)
    got = sum(x.received for x in view.lines)
    mails = queue_customer_notice(
        session,
        order_id=ret.order_id,
        warehouse_id=ret.warehouse_id,
        kind=RETURN_RECEIVED,
        subject=f"We received your return {ret.number}",
        body=(
            f"your return {ret.number} of order {view.order} arrived: {got} of "
            f"{sum(x.qty for x in view.lines)} unit(s) received.\n"
            + "".join(f"  {x.received} x {x.sku}\n" for x in view.lines)
            + (
                "We will refund you shortly.\n"
                if ret.resolution == Resolution.REFUND
                else "Your replacement is on its way.\n"
            )
        ),
        data={
            "rma": ret.number,
            "order": view.order,
            "received": got,
            "expected": sum(x.qty for x in view.lines),
            "lines": [{"sku": x.sku, "qty": x.qty, "received": x.received} for x in view.lines],
            "resolution": ret.resolution,
        },
    )
    events.emit(
        session,
        events.RETURN_RECEIVED,
        warehouse_id=ret.warehouse_id,
        rma=ret.number,
        order=view.order,
        status=ret.status,
        lines=[{"sku": x.sku, "qty": x.qty, "received": x.received} for x in view.lines],
        unexpected=view.unexpected,
    )
    record(
        session,
        action="return_received",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=ret.warehouse_id,
        entity="return",
        entity_id=ret.number,
        lines=[{"sku": x.sku, "qty": x.qty, "received": x.received} for x in view.lines],
        unexpected=view.unexpected,
        notices=mails,
    )


def _sku(session: Session, product_id: int | None) -> str | None:
    if product_id is None:
        return None
    got = session.execute(text("SELECT sku FROM product WHERE id = :p"), {"p": product_id})
    return str(got.scalar_one())
