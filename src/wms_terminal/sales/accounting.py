"""The accounting journal of one day (UTC), as CSV or JSON (docs/accounting.md).

Entries, in this order, each in its transaction currency and in the booking currency (EUR) with
the exchange rate used (`core.money.to_base`: amount x rate, rounded to the cent):

* invoice: every invoice issued that day (gross amount and its VAT), at the invoice's own rate;
* credit_note: every credit note of that day, negative, at the credit note's own rate;
* shipping_cost: every package handed to its carrier that day, what the carrier charges,
  negative (a cost);
* stock_value: per warehouse, product and movement kind, the day's change of units on hand in
  the ledger times the product's cost.

A day that has ended (before today, UTC) is posted the first time it is exported: its entries
are stored (`journal_day`) and every later export of it prints those same entries, byte for
byte, even after a cost or an exchange rate changed. Today's journal is provisional: computed
afresh on each export (`"final": false`), and not stored.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.bounds import date_problem
from wms_terminal.core.bulk_sql import insert_ignore
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import JournalDay
from wms_terminal.core.models._base import COST, MONEY, RATE, UTC_DATETIME, utcnow
from wms_terminal.core.money import BASE_CURRENCY, round_money, to_base

FORMAT_VERSION = 1
FIELDS = (
    "seq",
    "kind",
    "document",
    "reference",
    "party",
    "description",
    "currency",
    "amount",
    "tax",
    "rate",
    "booking_currency",
    "booking_amount",
    "booking_tax",
)
KINDS = ("invoice", "credit_note", "shipping_cost", "stock_value")


@dataclass(frozen=True)
class Journal:
    day: date
    final: bool
    entries: tuple[dict[str, str], ...]


def export_journal(db: Database, actor: Actor, day: date, *, today: date | None = None) -> Journal:
    """The day's journal: the stored one of a posted day; else computed (and posted, when the
    day has ended)."""
    require(actor, "export_accounting")
    now = today or utcnow().date()
    if day > now:
        raise ValidationError(f"{day} has not begun yet: nothing to export")
    # A typing error (0001-01-01) would be posted for good: refused like any date so far out.
    problem = date_problem("the day", datetime.combine(day, time(0), tzinfo=UTC))
    if problem:
        raise ValidationError(problem)

    def body(s: Session) -> Journal:
        stored = s.get(JournalDay, day)
        if stored is not None:
            return Journal(day, True, tuple(stored.entries))
        entries = tuple(_entries(s, day))
        if day < now:
            row = {"day": day, "entries": list(entries), "posted_by": actor.user_id}
            if not insert_ignore(s, JournalDay, [{**row, "posted_at": utcnow()}]):
                # Another export posted the day meanwhile: its entries are the day's.
                posted = s.get(JournalDay, day, populate_existing=True)
                assert posted is not None
                return Journal(day, True, tuple(posted.entries))
            record(
                s,
                action="journal_posted",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="journal",
                entity_id=day.isoformat(),
                entries=len(entries),
            )
        return Journal(day, day < now, entries)

    return db.run(body, what="accounting export")


def _bounds(day: date) -> dict[str, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return {"start": start, "end": start + timedelta(days=1)}


def _typed(sql: str, **columns: Any) -> Any:
    params = [bindparam("start", type_=UTC_DATETIME), bindparam("end", type_=UTC_DATETIME)]
    return text(sql).bindparams(*params).columns(**columns)


_CREDIT_NOTES = (
    "SELECT cn.number, COALESCE(i.number, o.number), c.external_ref, c.name, cn.currency, "
    "cn.amount, COALESCE(cn.rate_to_eur, r.rate_to_eur) FROM credit_note cn "
    "JOIN sales_order o ON o.id = cn.order_id JOIN customer c ON c.id = o.customer_id "
    "LEFT JOIN invoice i ON i.id = cn.invoice_id "
    "LEFT JOIN currency_rate r ON r.currency = cn.currency "
    "WHERE cn.created_at >= :start AND cn.created_at < :end ORDER BY cn.number"
)
_PACKAGES = (
    "SELECT p.sscc, o.number, ca.code, p.tracking_number, p.currency, p.shipping_cost, "
    "r.rate_to_eur FROM package p JOIN sales_order o ON o.id = p.order_id "
    "LEFT JOIN carrier_service cs ON cs.id = p.carrier_service_id "
    "LEFT JOIN carrier ca ON ca.id = cs.carrier_id "
    "LEFT JOIN currency_rate r ON r.currency = p.currency "
    "WHERE p.status = 'shipped' AND p.shipped_at >= :start AND p.shipped_at < :end "
    "ORDER BY p.sscc, p.id"
)
_STOCK = (
    "SELECT w.code, pr.sku, l.kind, SUM(l.on_hand_delta), pr.cost, pr.currency, r.rate_to_eur "
    "FROM stock_ledger l JOIN product pr ON pr.id = l.product_id "
    "JOIN warehouse w ON w.id = l.warehouse_id "
    "LEFT JOIN currency_rate r ON r.currency = pr.currency "
    "WHERE l.created_at >= :start AND l.created_at < :end AND l.on_hand_delta <> 0 "
    "GROUP BY w.code, pr.sku, l.kind, pr.cost, pr.currency, r.rate_to_eur "
    "HAVING SUM(l.on_hand_delta) <> 0 ORDER BY w.code, pr.sku, l.kind"
)


def _rate(currency: str, rate: Decimal | None) -> Decimal | None:
    return Decimal(1) if currency == BASE_CURRENCY else rate


def _entry(
    kind: str,
    document: str,
    reference: str,
    party: str,
    description: str,
    currency: str,
    amount: Decimal,
    tax: Decimal,
    rate: Decimal | None,
) -> dict[str, str]:
    used = _rate(currency, rate)
    return {
        "seq": "",
        "kind": kind,
        "document": document,
        "reference": reference,
        "party": party,
        "description": description,
        "currency": currency,
        "amount": str(amount),
        "tax": str(tax),
        "rate": "" if used is None else str(used),
        "booking_currency": BASE_CURRENCY,
        "booking_amount": "" if used is None else str(to_base(amount, currency, used)),
        "booking_tax": "" if used is None else str(to_base(tax, currency, used)),
    }


def _entries(s: Session, day: date) -> list[dict[str, str]]:
    zero = Decimal("0.00")
    out: list[dict[str, str]] = []
    invoices = (
        text(
            "SELECT i.number, o.number, c.external_ref, c.name, i.currency, i.total, i.tax, "
            "i.rate_to_eur FROM invoice i JOIN sales_order o ON o.id = i.order_id "
            "JOIN customer c ON c.id = i.customer_id WHERE i.issued_on = :day ORDER BY i.number"
        )
        .bindparams(bindparam("day", type_=Date()))
        .columns(total=MONEY, tax=MONEY, rate_to_eur=RATE)
    )
    for number, order, ref, name, cur, total, tax, rate in s.execute(invoices, {"day": day}):
        out.append(_entry("invoice", number, order, ref or name, "invoice", cur, total, tax, rate))
    notes = _typed(_CREDIT_NOTES, amount=MONEY, rate_to_eur=RATE)
    for number, ref_doc, ref, name, cur, amount, rate in s.execute(notes, _bounds(day)):
        out.append(
            _entry("credit_note", number, ref_doc, ref or name, "refund", cur, -amount, zero, rate)
        )
    packages = _typed(_PACKAGES, shipping_cost=MONEY, rate_to_eur=RATE)
    for sscc, order, carrier, tracking, cur, cost, rate in s.execute(packages, _bounds(day)):
        out.append(
            _entry(
                "shipping_cost",
                sscc or "",
                order,
                carrier or "",
                f"tracking {tracking}" if tracking else "shipping",
                cur,
                -cost,
                zero,
                rate,
            )
        )
    stock = _typed(_STOCK, cost=COST, rate_to_eur=RATE)
    for wh, sku, kind, units, cost, cur, rate in s.execute(stock, _bounds(day)):
        value = round_money(cost * int(units), cur)
        out.append(
            _entry(
                "stock_value",
                f"{wh}/{sku}",
                kind,
                wh,
                f"{int(units):+d} x {cost}",
                cur,
                value,
                zero,
                rate,
            )
        )
    for n, e in enumerate(out, start=1):
        e["seq"] = str(n)
    return out


# ---------------------------------------------------------------------------- files


def as_csv(j: Journal) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(("day", *FIELDS))
    for e in j.entries:
        w.writerow((j.day.isoformat(), *(e[f] for f in FIELDS)))
    return out.getvalue().encode("utf-8")


def totals(entries: Sequence[dict[str, str]]) -> dict[str, str]:
    """Booking-currency totals per kind (every kind listed, 0.00 when it has no entries)."""
    sums = {k: Decimal("0.00") for k in KINDS}
    for e in entries:
        if e["booking_amount"]:
            sums[e["kind"]] += Decimal(e["booking_amount"])
    return {k: str(v) for k, v in sums.items()}


def as_json(j: Journal) -> bytes:
    doc = {
        "format": FORMAT_VERSION,
        "day": j.day.isoformat(),
        "final": j.final,
        "booking_currency": BASE_CURRENCY,
        "entries": [{f: e[f] for f in FIELDS} for e in j.entries],
        "totals": totals(j.entries),
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
