"""Customer look-ups: contacts, addresses, order history and lifetime value, as frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import Address, Customer, CustomerContact, SalesOrder


@dataclass(frozen=True)
class OrderSummary:
    number: str
    channel: str
    external_id: str
    status: str
    currency: str
    total: Decimal
    ordered_at: datetime


@dataclass(frozen=True)
class CustomerView:
    id: int
    name: str
    email: str
    phone: str
    lifetime_value_eur: Decimal
    order_count: int
    contacts: tuple[tuple[str, str, str, str], ...]  # name, role, email, phone
    addresses: tuple[str, ...]
    orders: tuple[OrderSummary, ...]  # newest first


def customer_history(session: Session, customer_id: int, *, limit: int = 50) -> CustomerView:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.id is None:
        raise NotFound(f"no customer {customer_id}")
    contacts = session.exec(
        select(CustomerContact).where(CustomerContact.customer_id == customer.id)
    ).all()
    addresses = session.exec(select(Address).where(Address.customer_id == customer.id)).all()
    orders = session.exec(
        select(SalesOrder)
        .where(SalesOrder.customer_id == customer.id)
        .order_by(col(SalesOrder.ordered_at).desc(), col(SalesOrder.id).desc())
        .limit(limit)
    ).all()
    seen: dict[str, None] = {}
    for a in addresses:
        seen.setdefault(
            ", ".join(p for p in (a.name, a.street, a.postcode, a.city, a.country) if p)
        )
    return CustomerView(
        id=customer.id,
        name=customer.name,
        email=customer.email,
        phone=customer.phone,
        lifetime_value_eur=customer.lifetime_value_eur,
        order_count=customer.order_count,
        contacts=tuple((c.name, c.role, c.email, c.phone) for c in contacts),
        addresses=tuple(seen),
        orders=tuple(
            OrderSummary(
                o.number, o.channel, o.external_id, o.status, o.currency, o.total, o.ordered_at
            )
            for o in orders
        ),
    )
