"""The payment provider's answer for an order (`core.release_rule`, holds payment and
payment_declined), recorded once per (order, reference).

    record_payment(db, actor, number=, outcome="authorised"|"declined", amount=, reference=)

Authorised (for at least the order's total, in its currency) clears a payment hold: the order may
go to the floor. Declined holds an order not yet released (payment_declined) until a new
authorisation arrives (the customer's retry) or the order is cancelled. The same reference sent
again with the same outcome and amount changes nothing and answers as the first time (a provider
retrying its webhook); with another outcome or amount it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import PaymentAuthorisation, SalesOrder
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import fits, round_money
from wms_terminal.core.release_rule import ON_THE_FLOOR, ReleaseHold, describe


class Outcome:
    AUTHORISED = "authorised"
    DECLINED = "declined"
    ALL = (AUTHORISED, DECLINED)


class PaymentConflict(ValidationError):
    """The reference was recorded before with another outcome or amount."""


@dataclass(frozen=True)
class PaymentResult:
    order: str
    status: str
    hold: str  # what the order waits for now ('' nothing)
    outcome: str
    reference: str
    amount: Decimal
    currency: str
    repeated: bool  # the same answer was recorded before: nothing changed

    def as_data(self) -> dict[str, object]:
        return {
            "order": self.order,
            "status": self.status,
            "hold": self.hold,
            "waits_for": describe(self.hold),
            "outcome": self.outcome,
            "reference": self.reference,
            "amount": str(self.amount),
            "currency": self.currency,
            "repeated": self.repeated,
        }


def check_input(outcome: str, amount: Decimal, reference: str) -> list[str]:
    """Every problem with the answer itself (before any order is read)."""
    problems = []
    if outcome not in Outcome.ALL:
        problems.append(f"outcome must be {' or '.join(Outcome.ALL)}, not {outcome[:20]!r}")
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
        problems.append(f"amount must be 0 to 99999999999999.99, not {amount}")
    ref = reference.strip()
    if not ref or len(ref) > 80 or not ref.isprintable():
        problems.append("reference must be 1 to 80 printable characters")
    return problems


def record_payment(
    db: Database,
    actor: Actor,
    *,
    number: str,
    outcome: str,
    amount: Decimal,
    reference: str,
    currency: str | None = None,
) -> PaymentResult:
    require(actor, "record_payment")
    problems = check_input(outcome, amount, reference)
    if problems:
        raise ValidationError("; ".join(problems))
    return db.run(
        lambda s: _record(s, actor, number.strip(), outcome, amount, reference.strip(), currency),
        what="record a payment",
    )


def _record(
    session: Session,
    actor: Actor,
    number: str,
    outcome: str,
    amount: Decimal,
    reference: str,
    currency: str | None,
) -> PaymentResult:
    order = session.exec(
        select(SalesOrder)
        .where(col(SalesOrder.number) == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if order is None or order.id is None:
        raise NotFound(f"no order {number[:40]}")
    cur = (currency or order.currency).strip().upper()
    if cur != order.currency:
        raise ValidationError(f"{order.number} is in {order.currency}, the payment in {cur[:3]}")
    if not fits(amount, cur):
        raise ValidationError(f"{amount} has more decimals than {cur} allows")
    before = session.exec(
        select(PaymentAuthorisation).where(
            col(PaymentAuthorisation.order_id) == order.id,
            col(PaymentAuthorisation.reference) == reference,
        )
    ).first()
    if before is not None:
        if before.outcome != outcome or before.amount != amount:
            raise PaymentConflict(
                f"{order.number}: reference {reference!r} was recorded as {before.outcome} "
                f"{before.amount} {before.currency}; a new answer needs a new reference"
            )
        return _result(order, before, repeated=True)
    hold = order.release_hold
    if order.status == "cancelled":
        raise InvalidTransition(f"{order.number} is cancelled")
    if outcome == Outcome.AUTHORISED:
        if amount < order.total:
            raise ValidationError(
                f"{order.number}: authorised {round_money(amount, cur)} {cur} is less than the "
                f"order's total {round_money(order.total, cur)} {cur}; it keeps waiting"
            )
        if hold in ReleaseHold.WAITING_PAYMENT:
            hold = ReleaseHold.NONE
    elif hold in (ReleaseHold.NONE, ReleaseHold.PAYMENT):
        if order.status in ON_THE_FLOOR:
            raise InvalidTransition(
                f"{order.number} is already {order.status} (on the floor): cancel its wave "
                "first, then the order"
            )
        hold = ReleaseHold.PAYMENT_DECLINED
    auth = PaymentAuthorisation(
        order_id=order.id,
        reference=reference,
        outcome=outcome,
        amount=amount,
        currency=cur,
        user_id=actor.user_id,
    )
    session.add(auth)
    if hold != order.release_hold:
        order.release_hold = hold
        order.updated_at = utcnow()
        session.add(order)
    record(
        session,
        action=f"payment_{outcome}",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=order.warehouse_id,
        entity="sales_order",
        entity_id=order.number,
        reference=reference,
        amount=str(amount),
        currency=cur,
        hold=hold,
    )
    session.flush()
    return _result(order, auth, repeated=False)


def _result(order: SalesOrder, auth: PaymentAuthorisation, *, repeated: bool) -> PaymentResult:
    return PaymentResult(
        order.number,
        order.status,
        order.release_hold,
        auth.outcome,
        auth.reference,
        auth.amount,
        auth.currency,
        repeated,
    )
