"""A customer's history as customer service sees it: orders, returns, refunds, the units shipped
and returned (the return rate), and the lifetime value net of refunds in the base currency
(`customer.lifetime_value_eur`: order totals at intake, less every refund)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, text
from sqlmodel import col, select

from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import Customer
from wms_terminal.core.models._base import MONEY

_ORDERS = text(
    "SELECT so.number, so.status, so.currency, so.total, "
    "COALESCE((SELECT SUM(ol.qty_shipped) FROM order_line ol WHERE ol.order_id = so.id), 0) "
    "FROM sales_order so WHERE so.customer_id = :c ORDER BY so.id"
).columns(total=MONEY)
_RETURNS = text(
    "SELECT ro.number, so.number, ro.status, ro.resolution, ro.reason_code, "
    "COALESCE((SELECT SUM(rl.received) FROM return_line rl WHERE rl.return_id = ro.id), 0), "
    "cn.number, cn.amount, cn.currency FROM return_order ro "
    "JOIN sales_order so ON so.id = ro.order_id LEFT JOIN credit_note cn ON cn.return_id = ro.id "
    "WHERE so.customer_id = :c ORDER BY ro.id"
).columns(amount=MONEY)


def customer_returns(db: Database, who: str) -> dict[str, Any]:
    """The history of the customer with e-mail (any case) or external reference `who`."""
    key = who.strip()
    with db.reading() as s:
        customer = s.exec(
            select(Customer)
            .where(
                (func.lower(col(Customer.email)) == key.lower())
                | (col(Customer.external_ref) == key)
            )
            .order_by(col(Customer.id))
        ).first()
        if customer is None or customer.id is None:
            raise NotFound(f"no customer with the e-mail or reference {key[:60]!r}")
        orders = s.execute(_ORDERS, {"c": customer.id}).all()
        returns = s.execute(_RETURNS, {"c": customer.id}).all()
    shipped = sum(int(r[4]) for r in orders)
    back = sum(int(r[5]) for r in returns)
    return {
        "customer": customer.name,
        "email": customer.email,
        "orders": [
            {"order": n, "status": st, "currency": cur, "total": str(total), "shipped": int(u)}
            for n, st, cur, total, u in orders
        ],
        "returns": [
            {
                "rma": rma,
                "order": order,
                "status": st,
                "resolution": res,
                "reason": reason,
                "received": int(received),
                "credit_note": cn,
                "refund": str(amount) if amount is not None else None,
                "currency": cur,
            }
            for rma, order, st, res, reason, received, cn, amount, cur in returns
        ],
        "units_shipped": shipped,
        "units_returned": back,
        "return_rate": round(back / shipped, 4) if shipped else 0.0,
        "lifetime_value_eur": str(customer.lifetime_value_eur),
        "refunds": sum(1 for r in returns if r[6] is not None),
        "net_of_refunds": True,
    }
