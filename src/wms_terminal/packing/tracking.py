"""Shipments as a channel asks for them (GET /v1/shipments): per order, the packages handed to
the carrier with their tracking numbers, carrier and service, when they shipped, when they are
expected, and when the carrier said they were delivered."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Date, bindparam, text

from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models._base import UTC_DATETIME

MAX_PAGE = 500

_ORDERS = (
    "SELECT so.id, so.number, so.external_id, so.channel, so.status FROM sales_order so "
    "WHERE EXISTS (SELECT 1 FROM package p WHERE p.order_id = so.id AND p.status = 'shipped') "
)
_PACKAGES_SQL = text(
    "SELECT p.order_id, p.sscc, p.tracking_number, c.code, s.code, p.shipped_at, "
    "p.expected_delivery, p.delivered_at FROM package p "
    "LEFT JOIN carrier_service s ON s.id = p.carrier_service_id "
    "LEFT JOIN carrier c ON c.id = s.carrier_id "
    "WHERE p.status = 'shipped' AND p.order_id IN :ids ORDER BY p.order_id, p.seq, p.id"
).bindparams(bindparam("ids", expanding=True))
# Typed like the model's columns: SQLite hands raw SQL timestamps back as text.
_PACKAGES = _PACKAGES_SQL.columns(
    shipped_at=UTC_DATETIME, delivered_at=UTC_DATETIME, expected_delivery=Date()
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else None)


def shipments(
    db: Database,
    *,
    order: str | None = None,
    external_id: str | None = None,
    after: str = "",
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Orders with shipped packages, by order number after `after` (at most `limit`), or the
    one `order` (or channel order id `external_id`)."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit is 1 to {MAX_PAGE}")
    sql, params = _ORDERS, {"after": after, "limit": limit}
    if order is not None:
        sql += "AND so.number = :order "
        params["order"] = order.strip()
    if external_id is not None:
        sql += "AND so.external_id = :ext "
        params["ext"] = external_id.strip()
    sql += "AND so.number > :after ORDER BY so.number LIMIT :limit"
    with db.reading() as s:
        orders = s.execute(text(sql), params).all()
        packages: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if orders:
            got = s.execute(_PACKAGES, {"ids": [int(o[0]) for o in orders]}).all()
            for oid, sscc, tracking, carrier, service, shipped, expected, delivered in got:
                packages[int(oid)].append(
                    {
                        "sscc": sscc,
                        "tracking_number": str(tracking or ""),
                        "carrier": carrier,
                        "service": service,
                        "shipped_at": _iso(shipped),
                        "expected_delivery": _iso(expected),
                        "delivered_at": _iso(delivered),
                    }
                )
    return [
        {
            "order": str(number),
            "external_id": str(ext),
            "channel": str(channel),
            "status": str(status),
            "packages": packages[int(oid)],
        }
        for oid, number, ext, channel, status in orders
    ]
