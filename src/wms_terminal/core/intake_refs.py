"""What order intake reads before it writes: the reference data its orders name (products,
special-order flags, carrier services, exchange rates, warehouses) and which of its orders are
already present (channel + external id). All of it goes out together (`statements.run_together`):
one round trip on PostgreSQL instead of one per table, and fewer statements through the ORM on
SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.allocation import WarehouseSite
from wms_terminal.core.intake_chunk import Refs
from wms_terminal.core.models._base import RATE
from wms_terminal.core.order_input import OrderInput
from wms_terminal.core.statements import Rows, Statement, run_together

SKUS_PER_STATEMENT = 900  # under SQLite's limit of bound parameters, with room to spare
KEYS_PER_STATEMENT = 400

_FLAGS = Statement(text("SELECT id, code FROM order_flag"))
_SERVICES = Statement(text("SELECT id, code FROM carrier_service"))
_RATES = Statement(text("SELECT currency, rate_to_eur FROM currency_rate"))
_SITES = Statement(text("SELECT id, code, latitude, longitude, country FROM warehouse ORDER BY id"))


def load_refs(session: Session, orders: Sequence[OrderInput]) -> Refs:
    return refs_and_existing(session, orders, existing=False)[0]


def present_keys(session: Session, orders: Sequence[OrderInput]) -> set[tuple[str, str]]:
    """(channel, external id) of those of `orders` already in the database."""
    return _present(run_together(session, _key_statements(orders)))


def refs_and_existing(
    session: Session, orders: Sequence[OrderInput], *, existing: bool = True
) -> tuple[Refs, set[tuple[str, str]]]:
    """The references of `orders` and (with `existing`) which of them are already present."""
    products = _sku_statements(orders)
    keys = _key_statements(orders) if existing else []
    got = run_together(session, [_FLAGS, _SERVICES, _RATES, _SITES, *products, *keys])
    flags, services, rates, sites = got[:4]
    dialect = session.get_bind().dialect
    rate = {str(c): RATE.process_result_value(r, dialect) for c, r in rates}
    fx = {c: r for c, r in rate.items() if r is not None}
    fx.setdefault("EUR", Decimal("1"))
    refs = Refs(
        products={str(sku): int(pid) for rows in got[4 : 4 + len(products)] for pid, sku in rows},
        flags={str(code): int(i) for i, code in flags},
        services={str(code): int(i) for i, code in services},
        rates=fx,
        warehouses=[
            WarehouseSite(int(i), float(lat), float(lon), str(country))
            for i, _code, lat, lon, country in sites
        ],
        codes={int(i): str(code) for i, code, *_ in sites},
    )
    return refs, _present(got[4 + len(products) :])


def _sku_statements(orders: Sequence[OrderInput]) -> list[Statement]:
    skus = sorted({ln.sku for o in orders for ln in o.lines})
    out = []
    for start in range(0, len(skus), SKUS_PER_STATEMENT):
        part = skus[start : start + SKUS_PER_STATEMENT]
        params = {f"s{n}": sku for n, sku in enumerate(part)}
        names = ", ".join(f":{p}" for p in params)
        sql = f"SELECT id, sku FROM product WHERE active AND sku IN ({names})"
        out.append(Statement(text(sql), params))
    return out


def _key_statements(orders: Sequence[OrderInput]) -> list[Statement]:
    keys = sorted({(o.channel, o.external_id) for o in orders})
    out = []
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        params: dict[str, str] = {}
        rows = []
        for n, (channel, external_id) in enumerate(keys[start : start + KEYS_PER_STATEMENT]):
            params[f"c{n}"], params[f"e{n}"] = channel, external_id
            rows.append(f"(:c{n}, :e{n})")
        sql = (
            "SELECT channel, external_id FROM sales_order "
            f"WHERE (channel, external_id) IN (VALUES {', '.join(rows)})"
        )
        out.append(Statement(text(sql), params))
    return out


def _present(results: Sequence[Rows]) -> set[tuple[str, str]]:
    return {(str(c), str(e)) for rows in results for c, e in rows}
