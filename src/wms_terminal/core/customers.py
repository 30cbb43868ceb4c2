"""Customers at order intake: matched or created per order, and their lifetime value added up.
The history customer service sees is `wms_terminal.returns.history.customer_returns`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from wms_terminal.core.bulk_sql import insert_rows, values_source
from wms_terminal.core.models import Customer
from wms_terminal.core.models._base import MONEY, utcnow
from wms_terminal.core.order_files import OrderInput


def match_or_create(session: Session, chunk: Sequence[OrderInput]) -> dict[int, int]:
    """Customer id per order index: matched on the channel's reference, then on e-mail."""
    refs = {o.customer_ref for o in chunk if o.customer_ref}
    emails = {o.customer_email.lower() for o in chunk if o.customer_email and not o.customer_ref}
    by_ref: dict[str, int] = {}
    by_email: dict[str, int] = {}
    if refs:
        stmt = select(Customer.external_ref, Customer.id).where(
            Customer.external_ref.in_(refs)  # type: ignore[union-attr]
        )
        by_ref = {r: i for r, i in session.exec(stmt) if r is not None and i is not None}
    if emails:
        stmt2 = select(Customer.email, Customer.id).where(
            Customer.email.in_(emails)  # type: ignore[attr-defined]
        )
        for e, i in session.exec(stmt2):
            if i is not None:
                by_email.setdefault(e, i)
    out: dict[int, int] = {}
    new: dict[str, list[int]] = {}  # one new customer per reference / e-mail / order
    new_rows: list[dict[str, Any]] = []
    for n, o in enumerate(chunk):
        email = o.customer_email.lower()
        cid = by_ref.get(o.customer_ref or "") or (None if o.customer_ref else by_email.get(email))
        if cid is not None:
            out[n] = cid
            continue
        key = f"r:{o.customer_ref}" if o.customer_ref else f"e:{email}" if email else f"n:{n}"
        if key not in new:
            new[key] = []
            new_rows.append(
                {
                    "external_ref": o.customer_ref,
                    "name": o.customer_name,
                    "email": email,
                    "phone": o.customer_phone,
                    "language": o.customer_language,
                    "lifetime_value_eur": Decimal("0.00"),
                    "order_count": 0,
                    "created_at": utcnow(),
                }
            )
        new[key].append(n)
    ids = insert_rows(session, Customer, new_rows)
    for cid, members in zip(ids, new.values(), strict=True):
        for n in members:
            out[n] = cid
    return out


def add_lifetime_value(session: Session, ltv: dict[int, Decimal], counts: dict[int, int]) -> None:
    """One UPDATE for the whole chunk (amounts bound as the column stores them: exact)."""
    if not ltv:
        return
    dialect = session.get_bind().dialect
    rows = [(cid, MONEY.to_db(value, dialect), counts[cid]) for cid, value in sorted(ltv.items())]
    source, params = values_source(session, ("id", "amount", "n"), rows)
    amount = "CAST(v.amount AS NUMERIC)" if dialect.name == "postgresql" else "v.amount"
    session.execute(
        text(
            f"UPDATE customer SET lifetime_value_eur = customer.lifetime_value_eur + {amount}, "
            f"order_count = customer.order_count + CAST(v.n AS INTEGER) FROM {source} "
            "WHERE customer.id = v.id"
        ),
        params,
    )
