"""Return authorisations (RMA): open one for a shipped order, and show it.

`open_return` is one transaction that holds the order's row lock (FOR UPDATE on PostgreSQL;
BEGIN IMMEDIATE on SQLite), so two desks opening returns of the same order at once cannot take
back more units than shipped between them: the second sees the first's lines and is refused.
The rules (reason codes, the window per channel, what may still come back) are
`wms_terminal.core.returns`; the RMA code comes from the `rma` sequence (`RMA-0000001`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, col, select

from wms_terminal.config import return_window_days
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.codes import rma_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import (
    Address,
    Carrier,
    CarrierService,
    CreditNote,
    Customer,
    ReturnLine,
    ReturnOrder,
    SalesOrder,
    Shipment,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import round_money
from wms_terminal.core.returns import (
    LineState,
    Resolution,
    ReturnStatus,
    check_note,
    check_reason,
    check_returnable,
    check_window,
)
from wms_terminal.core.sequences import next_number
from wms_terminal.core.statements import for_update
from wms_terminal.documents.return_label import ReturnLabel
from wms_terminal.packing.rates import tracking_number
from wms_terminal.returns.notices import RETURN_AUTHORISED, queue_customer_notice

MAX_LINES = 200


@dataclass(frozen=True)
class Opened:
    rma: str
    order: str
    lines: tuple[tuple[str, int], ...]
    return_tracking: str = ""  # from the carrier's return service ("" when it has none)


@dataclass(frozen=True)
class ReturnService:
    service_id: int
    service: str  # code
    carrier: str  # code: the tracking number's prefix and range
    carrier_name: str


# The return service of the carrier that shipped the order last (its latest shipment with a
# service), the first such service of that carrier.
_RETURN_SERVICE = text(
    "SELECT s.id, s.code, c.code, c.name FROM carrier_service s JOIN carrier c "
    "ON c.id = s.carrier_id WHERE s.is_return AND s.carrier_id = (SELECT cs.carrier_id "
    "FROM shipment sh JOIN carrier_service cs ON cs.id = sh.carrier_service_id "
    "WHERE sh.order_id = :o ORDER BY sh.id DESC LIMIT 1) ORDER BY s.id LIMIT 1"
)


def _return_service(session: Session, order_id: int) -> ReturnService | None:
    got = session.execute(_RETURN_SERVICE, {"o": order_id}).first()
    if got is None:
        return None
    return ReturnService(int(got[0]), str(got[1]), str(got[2]), str(got[3]))


_ORDER = "SELECT so.id, so.channel FROM sales_order so WHERE so.number = :n"
_LINES = text(
    "SELECT ol.id, p.sku, ol.qty_shipped, COALESCE((SELECT SUM(rl.qty) FROM return_line rl "
    "JOIN return_order ro ON ro.id = rl.return_id WHERE rl.order_line_id = ol.id "
    "AND ro.status IN :counting), 0) FROM order_line ol JOIN product p ON p.id = ol.product_id "
    "WHERE ol.order_id = :o ORDER BY ol.line_no"
).bindparams(bindparam("counting", expanding=True))


def parse_line(raw: str) -> tuple[str, int]:
    """`SKU:QTY` (QTY a whole number of at least 1) as (sku, qty)."""
    sku, sep, qty = raw.strip().rpartition(":")
    sku, qty = sku.strip(), qty.strip()
    if not sep or not sku or not qty.isdigit() or len(qty) > 6 or int(qty) < 1:
        raise ValidationError(f"a line is SKU:QTY with QTY at least 1, not {raw.strip()[:60]!r}")
    return sku, int(qty)


def open_return(
    db: Database,
    actor: Actor,
    *,
    order: str,
    lines: Sequence[tuple[str, int]],
    reason: str,
    resolution: str,
    note: str = "",
    now: datetime | None = None,
    windows: Mapping[str, int] | None = None,
) -> Opened:
    """Authorise the return of `lines` (sku, qty) of `order`; see the module docstring."""
    require(actor, "handle_returns")
    code = check_reason(reason)
    words = check_note(note)
    if resolution not in Resolution.ALL:
        raise ValidationError(f"a return is a refund or an exchange, not {resolution!r}")
    if not lines:
        raise ValidationError("name at least one line to return (SKU:QTY)")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"at most {MAX_LINES} lines in one return")
    wanted: dict[str, int] = defaultdict(int)
    for sku, qty in lines:
        wanted[sku] += qty
    at = now or utcnow()
    rules = windows if windows is not None else return_window_days()

    def body(session: Session) -> Opened:
        got = session.execute(text(_ORDER + for_update(session)), {"n": order.strip()}).first()
        if got is None:
            raise NotFound(f"no order {order.strip()[:40]!r}")
        order_id, channel = int(got[0]), str(got[1])
        shipped_at, ship_wh = session.execute(
            select(func.max(Shipment.shipped_at), func.min(Shipment.warehouse_id)).where(
                col(Shipment.order_id) == order_id
            )
        ).one()
        check_window(channel, shipped_at, at, rules)
        by_sku: dict[str, list[tuple[int, LineState]]] = defaultdict(list)
        params = {"o": order_id, "counting": list(ReturnStatus.COUNTING)}
        for line_id, sku, shipped, returned in session.execute(_LINES, params).all():
            by_sku[str(sku)].append(
                (int(line_id), LineState(str(sku), int(shipped), int(returned)))
            )
        taken: list[tuple[int, int]] = []
        for sku, qty in wanted.items():
            if sku not in by_sku:
                raise ValidationError(f"{sku[:40]!r} is not on order {order.strip()}")
            states = by_sku[sku]
            total = LineState(
                sku, sum(s.shipped for _, s in states), sum(s.returned for _, s in states)
            )
            check_returnable(total, qty)
            left = qty
            for line_id, state in states:
                take = min(left, state.returnable)
                if take:
                    taken.append((line_id, take))
                    left -= take
        number = rma_code(next_number(session, "rma"))
        back = _return_service(session, order_id)
        ret = ReturnOrder(
            warehouse_id=int(ship_wh),
            number=number,
            order_id=order_id,
            reason=words,
            reason_code=code,
            resolution=resolution,
            opened_by=actor.user_id,
            status=ReturnStatus.OPEN,
            created_at=at,
            return_carrier_service_id=back.service_id if back else None,
            return_tracking=tracking_number(session, back.carrier) if back else "",
        )
        session.add(ret)
        session.flush()
        assert ret.id is not None
        for line_id, qty in taken:
            session.add(ReturnLine(return_id=ret.id, order_line_id=line_id, qty=qty))
        mails = queue_customer_notice(
            session,
            order_id=order_id,
            warehouse_id=ret.warehouse_id,
            kind=RETURN_AUTHORISED,
            subject=f"Your return {number} for order {order.strip()}",
            body=(
                f"your return of order {order.strip()} is authorised under the code {number}.\n"
                + "".join(f"  {q} x {s}\n" for s, q in wanted.items())
                + (
                    f"Stick the return label we send on the parcel and bring it to "
                    f"{back.carrier_name}: return tracking number {ret.return_tracking}.\n"
                    if back
                    else f"Please write {number} on the parcel, or stick on the return label "
                    "we send, and bring it to the carrier.\n"
                )
            ),
            data={
                "rma": number,
                "order": order.strip(),
                "lines": [{"sku": s, "qty": q} for s, q in wanted.items()],
                "reason": code,
                "note": words,
                "resolution": resolution,
                "return_tracking": ret.return_tracking,
                "return_carrier": back.carrier_name if back else "",
            },
        )
        record(
            session,
            action="return_opened",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=ret.warehouse_id,
            entity="return",
            entity_id=number,
            reason_code=code,
            order=order.strip(),
            resolution=resolution,
            lines=[{"sku": s, "qty": q} for s, q in wanted.items()],
            note=words,
            notices=mails,
            return_tracking=ret.return_tracking,
        )
        return Opened(number, order.strip(), tuple(wanted.items()), ret.return_tracking)

    return db.run(body, what="open a return")


@dataclass(frozen=True)
class OrderReturns:
    """An order as the customer service desk sees it before opening a return: each product's
    units shipped and already in returns that count (not cancelled), and its earlier RMAs."""

    order: str
    customer: str
    lines: tuple[LineState, ...]
    rmas: tuple[str, ...]


def order_returns(db: Database, order: str) -> OrderReturns:
    """What of `order` shipped and what came back or is on its way (`check_returnable`'s view)."""
    with db.reading() as s:
        got = s.exec(
            select(SalesOrder, Customer)
            .join(Customer, col(Customer.id) == col(SalesOrder.customer_id))
            .where(col(SalesOrder.number) == order.strip())
        ).first()
        if got is None:
            raise NotFound(f"no order {order.strip()[:40]!r}")
        so, customer = got
        params = {"o": so.id, "counting": list(ReturnStatus.COUNTING)}
        rows = s.execute(_LINES, params).all()
        rmas = s.exec(
            select(ReturnOrder.number)
            .where(col(ReturnOrder.order_id) == so.id)
            .order_by(col(ReturnOrder.id))
        ).all()
    by_sku: dict[str, list[int]] = {}
    for _, sku, shipped, returned in rows:
        acc = by_sku.setdefault(str(sku), [0, 0])
        acc[0] += int(shipped)
        acc[1] += int(returned)
    return OrderReturns(
        so.number,
        customer.name,
        tuple(LineState(sku, a, b) for sku, (a, b) in by_sku.items()),
        tuple(rmas),
    )


_SHOW_LINES = text(
    "SELECT rl.id, p.sku, rl.qty, rl.received FROM return_line rl "
    "JOIN order_line ol ON ol.id = rl.order_line_id JOIN product p ON p.id = ol.product_id "
    "WHERE rl.return_id = :r ORDER BY ol.line_no"
)


_GRADES = text(
    "SELECT return_line_id, grade, COUNT(*) FROM return_unit WHERE return_id = :r "
    "AND return_line_id IS NOT NULL GROUP BY return_line_id, grade"
)


def _grade(counts: Mapping[str, int]) -> str | None:
    """A line's grade: the one its units got, "mixed" when they differ (`grades` counts them),
    None before any was graded."""
    if not counts:
        return None
    return next(iter(counts)) if len(counts) == 1 else "mixed"


def show_return(db: Database, rma: str) -> dict[str, Any]:
    """The return as `wms-terminal returns show RMA --json` prints it."""
    with db.reading() as s:
        got = s.exec(
            select(ReturnOrder, SalesOrder)
            .join(SalesOrder, col(SalesOrder.id) == col(ReturnOrder.order_id))
            .where(col(ReturnOrder.number) == rma.strip().upper())
        ).first()
        if got is None:
            raise NotFound(f"no return {rma.strip()[:40]!r}")
        ret, order = got
        lines = s.execute(_SHOW_LINES, {"r": ret.id}).all()
        note = s.exec(select(CreditNote).where(col(CreditNote.return_id) == ret.id)).first()
        swap = s.get(SalesOrder, ret.replacement_order_id) if ret.replacement_order_id else None
        grades: dict[int, dict[str, int]] = defaultdict(dict)
        for line_id, grade, n in s.execute(_GRADES, {"r": ret.id}).all():
            grades[int(line_id)][str(grade)] = int(n)
        back = _service_code(s, ret.return_carrier_service_id)
    return {
        "rma": ret.number,
        "status": ret.status,
        "order": order.number,
        "resolution": ret.resolution,
        "reason": ret.reason_code,
        "note": ret.reason,
        "opened_at": ret.created_at.isoformat(),
        "lines": [
            {
                "sku": str(sku),
                "qty": int(qty),
                "received": int(received),
                "grade": _grade(grades[int(line_id)]),
                "grades": grades[int(line_id)],
            }
            for line_id, sku, qty, received in lines
        ],
        "refund_total": str(note.amount if note else round_money(Decimal(0), order.currency)),
        "currency": order.currency,
        "credit_note": note.number if note else None,
        "replacement": {"order": swap.number, "code": swap.external_id} if swap else None,
        "return_tracking": ret.return_tracking or None,
        "return_service": back,
    }


def return_label(db: Database, rma: str) -> ReturnLabel:
    """The return label of `rma` as the PDF draws it (any status but cancelled)."""
    with db.reading() as s:
        got = s.exec(
            select(ReturnOrder, SalesOrder)
            .join(SalesOrder, col(SalesOrder.id) == col(ReturnOrder.order_id))
            .where(col(ReturnOrder.number) == rma.strip().upper())
        ).first()
        if got is None:
            raise NotFound(f"no return {rma.strip()[:40]!r}")
        ret, order = got
        if ret.status == ReturnStatus.CANCELLED:
            raise ValidationError(f"{ret.number} is cancelled")
        wh = s.get(Warehouse, ret.warehouse_id)
        customer = s.get(Customer, order.customer_id)
        address = s.get(Address, order.ship_address_id)
        assert wh is not None and customer is not None and address is not None
        service = (
            s.get(CarrierService, ret.return_carrier_service_id)
            if ret.return_carrier_service_id
            else None
        )
        carrier = s.get(Carrier, service.carrier_id) if service else None
    return ReturnLabel(
        rma=ret.number,
        order=order.number,
        to_lines=_lines(f"{wh.name} - Returns", wh.street, f"{wh.postcode} {wh.city}", wh.country),
        from_lines=_lines(
            customer.name, address.street, f"{address.postcode} {address.city}", address.country
        ),
        carrier=carrier.name if carrier else "",
        service=service.name if service else "",
        tracking=ret.return_tracking,
    )


def _service_code(s: Session, service_id: int | None) -> str | None:
    if service_id is None:
        return None
    service = s.get(CarrierService, service_id)
    return service.code if service else None


def _lines(*parts: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in parts if p and p.strip())


def cancel_return(db: Database, actor: Actor, rma: str, *, note: str) -> str:
    """Cancel an open return nothing of which was received (the parcel never came, opened by
    mistake): its units may be returned again. Audited with the note."""
    require(actor, "handle_returns")
    words = check_note(note)
    if not words:
        raise ValidationError("say why the return is cancelled")

    def body(session: Session) -> str:
        got = session.execute(
            text("SELECT id FROM return_order WHERE number = :n" + for_update(session)),
            {"n": rma.strip().upper()},
        ).scalar()
        if got is None:
            raise NotFound(f"no return {rma.strip()[:40]!r}")
        ret = session.get(ReturnOrder, int(got))
        assert ret is not None
        if ret.status != ReturnStatus.OPEN:
            raise ValidationError(f"{ret.number} is {ret.status}: only an open return is cancelled")
        units = session.execute(
            text("SELECT COUNT(*) FROM return_unit WHERE return_id = :r"), {"r": ret.id}
        ).scalar_one()
        if units:
            raise ValidationError(
                f"{ret.number} has {units} unit(s) received: close the parcel instead (CMD-DONE)"
            )
        ret.status = ReturnStatus.CANCELLED
        session.add(ret)
        record(
            session,
            action="return_cancelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=ret.warehouse_id,
            entity="return",
            entity_id=ret.number,
            note=words,
        )
        return ret.number

    return db.run(body, what="cancel a return")
