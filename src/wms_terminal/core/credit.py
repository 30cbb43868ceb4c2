"""B2B customers on account: a credit limit (EUR), their open exposure, and a manager's approval
of an order that would take them over it (`core.release_rule`, hold "credit").

Open exposure: the totals (in EUR at the current rates) of the customer's orders that are
neither shipped, cancelled nor returned, leaving out those still waiting for approval. An order
whose total would take it over the limit waits; a manager approves it (it may be released) or
rejects it (it is cancelled, its stock goes to the waiting back-orders)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import CurrencyRate, Customer, SalesOrder
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import BASE_CURRENCY, fits, round_money, to_base
from wms_terminal.core.order_cancel import CancelledOrder, cancel_in
from wms_terminal.core.release_rule import ReleaseHold, describe

MAX_LIMIT = Decimal("1000000000")
# Orders counting against the limit (those waiting for approval do not, yet).
_CLOSED = ("shipped", "cancelled", "returned")


def rates(session: Session) -> dict[str, Decimal]:
    fx = {
        c: Decimal(r)
        for c, r in session.exec(select(col(CurrencyRate.currency), col(CurrencyRate.rate_to_eur)))
    }
    fx.setdefault(BASE_CURRENCY, Decimal(1))
    return fx


def exposure_eur(
    session: Session,
    customer_id: int,
    *,
    exclude: Collection[int] = (),
    fx: dict[str, Decimal] | None = None,
) -> Decimal:
    """The customer's open exposure in EUR (orders in `exclude` left out)."""
    fx = fx if fx is not None else rates(session)
    total = Decimal("0.00")
    rows = session.execute(
        sa_select(col(SalesOrder.id), col(SalesOrder.total), col(SalesOrder.currency)).where(
            col(SalesOrder.customer_id) == customer_id,
            col(SalesOrder.status).not_in(_CLOSED),
            col(SalesOrder.release_hold) != ReleaseHold.CREDIT,
        )
    )
    for oid, amount, currency in rows:
        if oid not in exclude:
            total += to_base(Decimal(amount), str(currency), fx.get(str(currency), Decimal(1)))
    return total


def parse_limit(raw: str) -> Decimal | None:
    """A credit limit as typed: an amount in EUR, or "none" (not on account)."""
    value = raw.strip().lower()
    if value in ("none", "off", ""):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValidationError(
            f"a credit limit is an amount in EUR or none, not {raw[:40]!r}"
        ) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount > MAX_LIMIT
        or not fits(amount, BASE_CURRENCY)
    ):
        raise ValidationError(
            f"a credit limit is 0 to {MAX_LIMIT:,} EUR with at most 2 decimals, not {raw[:40]!r}"
        )
    return amount


@dataclass(frozen=True)
class CreditLimit:
    customer: str  # reference or e-mail
    name: str
    limit_eur: Decimal | None
    exposure_eur: Decimal


def find_customer(session: Session, who: str) -> Customer:
    """By the channel's reference, else by e-mail (the only customer with it)."""
    who = who.strip()
    found = list(
        session.exec(
            select(Customer)
            .where(or_(col(Customer.external_ref) == who, col(Customer.email) == who.lower()))
            .order_by(col(Customer.id))
            .limit(2)
        )
    )
    exact = [c for c in found if c.external_ref == who]
    if exact:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"no customer with reference or e-mail {who[:80]!r}")
    raise ValidationError(f"several customers have the e-mail {who[:80]!r}: give the reference")


def set_credit_limit(
    db: Database, actor: Actor, *, customer: str, limit: Decimal | None
) -> CreditLimit:
    """Put a customer on account with `limit` EUR, change it, or take them off (None)."""
    require(actor, "manage_credit")

    def body(session: Session) -> CreditLimit:
        c = find_customer(session, customer)
        assert c.id is not None
        before = c.credit_limit_eur
        c.credit_limit_eur = limit
        session.add(c)
        record(
            session,
            action="credit_limit_set",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="customer",
            entity_id=str(c.id),
            before=None if before is None else str(before),
            after=None if limit is None else str(limit),
        )
        return CreditLimit(c.external_ref or c.email, c.name, limit, exposure_eur(session, c.id))

    return db.run(body, what="set a credit limit")


@dataclass(frozen=True)
class Approval:
    """An order waiting for a manager (the desk's inbox and `orders held`)."""

    number: str
    customer: str
    total: Decimal
    currency: str
    total_eur: Decimal
    exposure_eur: Decimal  # open exposure without this order
    limit_eur: Decimal


def waiting_approval(db: Database, *, limit: int = 200) -> list[Approval]:
    with db.reading() as session:
        fx = rates(session)
        rows = session.exec(
            select(SalesOrder, Customer)
            .join(Customer, col(Customer.id) == col(SalesOrder.customer_id))
            .where(col(SalesOrder.release_hold) == ReleaseHold.CREDIT)
            .where(col(SalesOrder.status) != "cancelled")
            .order_by(col(SalesOrder.id))
            .limit(limit)
        ).all()
        out = []
        for order, cust in rows:
            assert cust.id is not None
            out.append(
                Approval(
                    order.number,
                    cust.name,
                    order.total,
                    order.currency,
                    to_base(order.total, order.currency, fx.get(order.currency, Decimal(1))),
                    exposure_eur(session, cust.id, fx=fx),
                    cust.credit_limit_eur or Decimal(0),
                )
            )
        return out


@dataclass(frozen=True)
class Decision:
    number: str
    hold_before: str
    approved: bool
    cancelled: CancelledOrder | None = None


def _held_order(session: Session, number: str) -> SalesOrder:
    order = session.exec(
        select(SalesOrder)
        .where(col(SalesOrder.number) == number.strip())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if order is None:
        raise NotFound(f"no order {number.strip()[:40]}")
    if order.release_hold != ReleaseHold.CREDIT or order.status == "cancelled":
        raise InvalidTransition(
            f"{order.number} does not wait for a manager's approval "
            f"(it waits for {describe(order.release_hold)}; status {order.status})"
        )
    return order


def approve_order(db: Database, actor: Actor, *, number: str, note: str = "") -> Decision:
    """A manager lets an order over the credit limit go to the floor."""
    require(actor, "approve_credit")

    def body(session: Session) -> Decision:
        order = _held_order(session, number)
        exposure = exposure_eur(session, order.customer_id)
        order.release_hold = ReleaseHold.NONE
        order.updated_at = utcnow()
        session.add(order)
        record(
            session,
            action="order_credit_approved",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=order.warehouse_id,
            entity="sales_order",
            entity_id=order.number,
            total=str(round_money(order.total, order.currency)),
            currency=order.currency,
            exposure_eur=str(exposure),
            note=note.strip()[:200],
        )
        return Decision(order.number, ReleaseHold.CREDIT, True)

    return db.run(body, what="approve an order")


def reject_order(db: Database, actor: Actor, *, number: str, reason: str) -> Decision:
    """A manager refuses an order over the credit limit: it is cancelled (its stock goes to the
    waiting back-orders), its hold kept as credit_rejected for the record."""
    require(actor, "approve_credit")
    reason = reason.strip()
    if not reason:
        raise ValidationError("say why the order is rejected (a reason)")

    def body(session: Session) -> Decision:
        order = _held_order(session, number)
        done = cancel_in(session, actor, number=order.number, reason=f"credit rejected: {reason}")
        order.release_hold = ReleaseHold.CREDIT_REJECTED
        session.add(order)
        record(
            session,
            action="order_credit_rejected",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=order.warehouse_id,
            entity="sales_order",
            entity_id=order.number,
            reason=reason[:200],
        )
        return Decision(order.number, ReleaseHold.CREDIT, False, done)

    return db.run(body, what="reject an order")
