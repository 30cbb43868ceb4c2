"""Holds set at intake (`core.release_rule`): the payment gate of the order's channel, and the
credit limit of a customer on account. Run in the intake chunk's transaction, after its orders
and the customers' lifetime values are written (that UPDATE locks the customer rows on
PostgreSQL, so two imports for one customer on account take their turns at the limit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from wms_terminal import config
from wms_terminal.core.credit import exposure_eur, rates
from wms_terminal.core.db import Database
from wms_terminal.core.models import BusinessCustomer, Customer, SalesOrder
from wms_terminal.core.money import to_base
from wms_terminal.core.release_rule import ReleaseHold

_WAITING = (ReleaseHold.PAYMENT, ReleaseHold.PAYMENT_DECLINED, ReleaseHold.CREDIT)
_SET = text("UPDATE sales_order SET release_hold = :h WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def apply_intake_holds(session: Session, order_ids: Sequence[int]) -> dict[int, str]:
    """Hold the new orders that must wait; returns {order id: hold} of those held.

    A customer on account (a credit limit) is not asked to pay first: their order is checked
    against the limit instead. Others wait for payment when their channel says so."""
    if not order_ids:
        return {}
    gated = config.payment_channels()
    rows = session.execute(
        sa_select(
            col(SalesOrder.id),
            col(SalesOrder.channel),
            col(SalesOrder.customer_id),
            col(SalesOrder.total),
            col(SalesOrder.currency),
            col(BusinessCustomer.credit_limit_eur),
        )
        .outerjoin(
            BusinessCustomer, col(BusinessCustomer.customer_id) == col(SalesOrder.customer_id)
        )
        .where(col(SalesOrder.id).in_(list(order_ids)))
        .order_by(col(SalesOrder.id))
    ).all()
    new_ids = set(order_ids)
    held: dict[int, str] = {}
    fx: dict[str, Decimal] = {}  # read only when a customer on account is among them
    running: dict[int, Decimal] = {}
    for oid, channel, cid, total, currency, limit in rows:
        if limit is not None:
            cid = int(cid)
            fx = fx or rates(session)
            if cid not in running:
                running[cid] = exposure_eur(session, cid, exclude=new_ids, fx=fx)
            amount = to_base(Decimal(total), str(currency), fx.get(str(currency), Decimal(1)))
            if running[cid] + amount > Decimal(limit):
                held[int(oid)] = ReleaseHold.CREDIT
            else:
                running[cid] += amount
        elif channel in gated:
            held[int(oid)] = ReleaseHold.PAYMENT
    for hold in (ReleaseHold.CREDIT, ReleaseHold.PAYMENT):
        ids = [o for o, h in held.items() if h == hold]
        if ids:
            session.execute(_SET, {"h": hold, "ids": ids})
    return held


@dataclass(frozen=True)
class HeldOrder:
    number: str
    status: str
    hold: str
    customer: str
    total: Decimal
    currency: str

    def as_data(self) -> dict[str, object]:
        return {
            "order": self.number,
            "status": self.status,
            "hold": self.hold,
            "customer": self.customer,
            "total": str(self.total),
            "currency": self.currency,
        }


def held_orders(db: Database, *, limit: int = 500) -> list[HeldOrder]:
    """Orders still waiting for payment or a manager (not cancelled), oldest first."""
    with db.reading() as session:
        rows = session.exec(
            select(SalesOrder, Customer.name)
            .join(Customer, col(Customer.id) == col(SalesOrder.customer_id))
            .where(col(SalesOrder.release_hold).in_(_WAITING))
            .where(col(SalesOrder.status) != "cancelled")
            .order_by(col(SalesOrder.id))
            .limit(limit)
        ).all()
        return [
            HeldOrder(o.number, o.status, o.release_hold, name, o.total, o.currency)
            for o, name in rows
        ]
