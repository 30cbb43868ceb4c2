"""The rules of a return (RMA), whatever opens it (the desk, the CLI, the integration API).

- Reason codes are a fixed list (`REASONS`); the customer's own words are free text, kept as
  written and never rendered as markup.
- A return is either a refund or an exchange (`Resolution`).
- A return may be opened within the channel's window (days after the order's last shipment,
  `wms_terminal.config.return_window_days`).
- A line can come back at most as many units as were shipped, counting every earlier return of
  it that was not cancelled (`check_returnable`).

Statuses: open (authorised, waiting for the parcel) -> received (the returns station has
graded it) -> completed (refund or replacement issued); open -> cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from wms_terminal.core.errors import ValidationError
from wms_terminal.core.money import round_money


class ReturnStatus:
    OPEN = "open"
    RECEIVED = "received"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    # Returns whose units count against what may still come back of a line.
    COUNTING = (OPEN, RECEIVED, COMPLETED)


class Resolution:
    REFUND = "refund"
    EXCHANGE = "exchange"
    ALL = (REFUND, EXCHANGE)


REASONS: dict[str, str] = {
    "wrong_item": "wrong item sent",
    "damaged": "arrived damaged",
    "defective": "does not work",
    "not_as_described": "not as described",
    "wrong_size": "wrong size or fit",
    "changed_mind": "changed mind",
    "late": "arrived too late",
    "other": "other",
}

MAX_NOTE = 200


def check_reason(code: str) -> str:
    """The reason code, normalised (lower case), or ValidationError naming the valid ones."""
    got = code.strip().lower()
    if got not in REASONS:
        raise ValidationError(
            f"unknown reason code {code.strip()[:40]!r}: one of {', '.join(REASONS)}"
        )
    return got


def check_note(note: str) -> str:
    """The customer's words: kept as written (stripped), at most MAX_NOTE characters, and no
    control characters other than line breaks and tabs (a scanner or paste can send them)."""
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(f"the note is {len(text)} characters: at most {MAX_NOTE}")
    if any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in text):
        raise ValidationError("the note holds control characters")
    return text


def check_window(
    channel: str, shipped_at: datetime | None, now: datetime, windows: Mapping[str, int]
) -> None:
    """Refuse a return of an order not shipped, or shipped longer ago than its channel allows."""
    if shipped_at is None:
        raise ValidationError("the order has not shipped: nothing to return")
    days = windows.get(channel, 0)
    if now - shipped_at > timedelta(days=days):
        raise ValidationError(
            f"the return window of {days} days for {channel} orders closed on "
            f"{(shipped_at + timedelta(days=days)):%Y-%m-%d}"
        )


@dataclass(frozen=True)
class LineState:
    """One order line as a return sees it."""

    sku: str
    shipped: int
    returned: int  # units in earlier returns that count (not cancelled)

    @property
    def returnable(self) -> int:
        return max(self.shipped - self.returned, 0)


def check_returnable(line: LineState, qty: int) -> None:
    if qty < 1:
        raise ValidationError(f"{line.sku}: the quantity to return must be at least 1")
    if qty > line.returnable:
        raise ValidationError(
            f"{line.sku}: {qty} cannot be returned: {line.shipped} shipped, "
            f"{line.returned} already returned, {line.returnable} left"
        )


class Grade:
    """What a returned unit is worth, decided at the returns station:

    resell      back to stock: into the receiving location, a put-away task to the shelves
    refurbish   to the damaged cage, to be repaired (not pickable)
    quarantine  to the damaged cage, held for inspection (not pickable)
    scrap       written off: into the damaged cage and out again, both on the ledger
    """

    RESELL = "resell"
    REFURBISH = "refurbish"
    QUARANTINE = "quarantine"
    SCRAP = "scrap"
    ALL = (RESELL, REFURBISH, QUARANTINE, SCRAP)


def parse_grade(text: str) -> str | None:
    """A keyed or scanned grade: its name (any case, or its first letters) or its number
    1..4 in `Grade.ALL` order; None when it is none of them."""
    t = text.strip().lower()
    if t.isdigit() and 1 <= int(t) <= len(Grade.ALL):
        return Grade.ALL[int(t) - 1]
    found = [g for g in Grade.ALL if t and g.startswith(t)]
    return found[0] if len(found) == 1 else None


# An exchange of an order with one of these flags gets its replacement when the return is
# opened, before the parcel comes back; any other when the parcel is received.
REPLACE_FIRST_FLAGS = frozenset({"VIP"})
REPLACEMENT_FLAG = "REPLACEMENT"


def replacement_code(rma: str) -> str:
    """The replacement order's unique code (its external id): RPL- and the RMA's digits."""
    return "RPL-" + rma.removeprefix("RMA-")


# Reasons that are the shop's fault: the customer's shipping is refunded for them (the
# default rule, `wms_terminal.config.refund_shipping`).
SHOP_FAULT = frozenset({"wrong_item", "damaged", "defective", "not_as_described", "late"})


class ShippingRule:
    FAULT = "fault"  # refunded when the reason is the shop's fault
    ALWAYS = "always"
    NEVER = "never"
    ALL = (FAULT, ALWAYS, NEVER)


@dataclass(frozen=True)
class RefundLine:
    sku: str
    unit_price: Decimal
    grades: Mapping[str, int]  # units received on the line, by grade


@dataclass(frozen=True)
class Refund:
    goods: Decimal
    shipping: Decimal
    fees: Decimal
    lines: tuple[dict[str, str | int], ...]

    @property
    def amount(self) -> Decimal:
        return self.goods + self.shipping - self.fees


def refund_for(
    lines: Sequence[RefundLine],
    *,
    currency: str,
    fee_percent: Mapping[str, Decimal],
    shipping: Decimal,
    already_refunded: Decimal,
    paid: Decimal,
) -> Refund:
    """What a return gives back: each unit received at the price paid, less its grade's
    restocking fee (rounded per unit to the currency), plus `shipping` (0 when the rule does
    not refund it). Refused when all refunds of the order together would pass what was paid."""
    goods = fees = Decimal(0)
    out: list[dict[str, str | int]] = []
    for ln in lines:
        units = sum(ln.grades.values())
        line_goods = round_money(ln.unit_price * units, currency)
        line_fees = sum(
            (
                round_money(ln.unit_price * fee_percent.get(g, Decimal(0)) / 100, currency) * n
                for g, n in ln.grades.items()
            ),
            Decimal(0),
        )
        line_fees = min(line_fees, line_goods)
        goods += line_goods
        fees += line_fees
        out.append(
            {
                "sku": ln.sku,
                "units": units,
                "unit_price": str(ln.unit_price),
                "goods": str(line_goods),
                "fees": str(line_fees),
            }
        )
    refund = Refund(round_money(goods, currency), round_money(shipping, currency), fees, tuple(out))
    if already_refunded + refund.amount > paid:
        raise ValidationError(
            f"refunds would come to {already_refunded + refund.amount} {currency}, more than "
            f"the {paid} {currency} paid"
        )
    return refund
