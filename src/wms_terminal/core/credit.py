"""B2B customers on account: a credit limit (EUR) on the customer's one business record
(`business_customer`, managed by `sales.customers.save_business_customer`), their open
exposure, and a manager's approval of an order that would take them over it
(`core.release_rule`, hold "credit").

Open exposure, one rule (`exposure_eur`), in EUR at the current rates:

- open orders: the totals of the customer's orders not yet shipped, cancelled or returned (those
  still waiting for approval left out), less what is already invoiced of them (a customer
  invoiced per shipment has part of an order on an invoice while the rest waits);
- unpaid invoices: what is outstanding on each open invoice (its total less payments and the
  credit notes linked to it).

An order shipped to a business customer is invoiced in the hand-over's transaction
(`packing.shipments`), so it moves from the first part to the second without ever dropping out.
An order whose total would take the exposure over the limit waits; a manager approves it (it may
be released) or rejects it (it is cancelled, its stock goes to the waiting back-orders)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import text
from sqlmodel import Session, col, or_, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import BusinessCustomer, CurrencyRate, Customer, SalesOrder
from wms_terminal.core.models._base import MONEY, utcnow
from wms_terminal.core.money import BASE_CURRENCY, fits, round_money, to_base
from wms_terminal.core.order_cancel import CancelledOrder, cancel_in
from wms_terminal.core.release_rule import ReleaseHold, describe

MAX_LIMIT = Decimal("1000000000")


def rates(session: Session) -> dict[str, Decimal]:
    fx = {
        c: Decimal(r)
        for c, r in session.exec(select(col(CurrencyRate.currency), col(CurrencyRate.rate_to_eur)))
    }
    fx.setdefault(BASE_CURRENCY, Decimal(1))
    return fx


_OPEN_ORDERS = text(
    "SELECT o.id, o.total, o.currency, (SELECT SUM(i.total) FROM invoice i "
    "WHERE i.order_id = o.id) AS invoiced FROM sales_order o WHERE o.customer_id = :c "
    "AND o.status NOT IN ('shipped', 'cancelled', 'returned') AND o.release_hold <> :held"
).columns(total=MONEY, invoiced=MONEY)
_UNPAID_INVOICES = text(
    "SELECT i.total, i.paid, i.currency, (SELECT SUM(n.amount) FROM credit_note n "
    "WHERE n.invoice_id = i.id) AS credited FROM invoice i "
    "WHERE i.customer_id = :c AND i.status = 'open'"
).columns(total=MONEY, paid=MONEY, credited=MONEY)


def exposure_eur(
    session: Session,
    customer_id: int,
    *,
    exclude: Collection[int] = (),
    fx: dict[str, Decimal] | None = None,
) -> Decimal:
    """The customer's open exposure in EUR (see the module docstring; orders in `exclude`
    left out)."""
    fx = fx if fx is not None else rates(session)
    total = Decimal("0.00")

    def eur(amount: Decimal, currency: str) -> Decimal:
        return to_base(amount, currency, fx.get(currency, Decimal(1)))

    got = session.execute(_OPEN_ORDERS, {"c": customer_id, "held": ReleaseHold.CREDIT})
    for oid, amount, currency, invoiced in got:
        if oid not in exclude:
            left = Decimal(amount) - Decimal(invoiced or 0)
            if left > 0:
                total += eur(left, str(currency))
    for amount, paid, currency, credited in session.execute(_UNPAID_INVOICES, {"c": customer_id}):
        owed = Decimal(amount) - Decimal(paid) - Decimal(credited or 0)
        if owed > 0:
            total += eur(owed, str(currency))
    return total


def credit_limit(session: Session, customer_id: int) -> Decimal | None:
    """The customer's credit limit in EUR; None: not on account."""
    got = session.exec(
        select(col(BusinessCustomer.credit_limit_eur)).where(
            col(BusinessCustomer.customer_id) == customer_id
        )
    ).first()
    return got


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


def set_limit_in(session: Session, actor: Actor, customer: Customer, limit: Decimal | None) -> None:
    """In the caller's transaction: `customer`'s credit limit on its business record (made with
    the default terms when it has none yet: 30 net days, one invoice per order)."""
    require(actor, "manage_credit")
    assert customer.id is not None
    account = session.get(BusinessCustomer, customer.id)
    if account is None:
        if limit is None:
            return  # not on account, and nothing to take off
        account = BusinessCustomer(customer_id=customer.id)
    before = account.credit_limit_eur
    account.credit_limit_eur = limit
    session.add(account)
    session.flush()
    record(
        session,
        action="credit_limit_set",
        user_id=actor.user_id,
        terminal=actor.terminal,
        entity="customer",
        entity_id=str(customer.id),
        before=None if before is None else str(before),
        after=None if limit is None else str(limit),
    )


def set_credit_limit(
    db: Database, actor: Actor, *, customer: str, limit: Decimal | None
) -> CreditLimit:
    """Put a customer on account with `limit` EUR, change it, or take them off (None)."""
    require(actor, "manage_credit")

    def body(session: Session) -> CreditLimit:
        c = find_customer(session, customer)
        assert c.id is not None
        set_limit_in(session, actor, c, limit)
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
            select(SalesOrder, Customer, BusinessCustomer)
            .join(Customer, col(Customer.id) == col(SalesOrder.customer_id))
            .outerjoin(
                BusinessCustomer, col(BusinessCustomer.customer_id) == col(SalesOrder.customer_id)
            )
            .where(col(SalesOrder.release_hold) == ReleaseHold.CREDIT)
            .where(col(SalesOrder.status) != "cancelled")
            .order_by(col(SalesOrder.id))
            .limit(limit)
        ).all()
        out = []
        for order, cust, account in rows:
            assert cust.id is not None
            out.append(
                Approval(
                    order.number,
                    cust.name,
                    order.total,
                    order.currency,
                    to_base(order.total, order.currency, fx.get(order.currency, Decimal(1))),
                    exposure_eur(session, cust.id, fx=fx),
                    (account.credit_limit_eur if account else None) or Decimal(0),
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
