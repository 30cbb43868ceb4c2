"""Field checks of the order import: each adds its problems to a Collector and returns a value.

Every text field goes through `text`: control characters and unpaired surrogates (JSON allows
`"\\udc80"`, which no database can store) are refused alike, so a file that would fail half-way
through writing is refused before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pycountry

from wms_terminal.core.bounds import PRIORITY_MAX, PRIORITY_MIN, date_problem
from wms_terminal.core.models import Channel
from wms_terminal.core.models._base import MONEY_SCALE
from wms_terminal.core.money import fits, is_currency, minor_units
from wms_terminal.core.order_input import AddressInput, Collector, LineInput, OrderInput

MAX_LINES_PER_ORDER = 500
MAX_QTY = 100_000
# Bounds on amounts: far inside what a money column (NUMERIC(18, 4)) holds, totals included.
MAX_AMOUNT = Decimal("1000000.00")
MAX_ORDER_TOTAL = Decimal("9999999999.99")
_UNSIGNED = re.compile(r"^[0-9]+$")
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_REFUSED = ("Cc", "Cf", "Cs")


def text(
    out: Collector, where: str, name: str, value: Any, limit: int, *, multiline: bool = False
) -> str:
    """A text field: control characters, surrogates and over-long values are refused, never cut."""
    s = "" if value is None else str(value).strip()
    if multiline:
        s = s.replace("\r\n", "\n")
    allowed = "\n" if multiline else ""
    bad = [ch for ch in s if ch not in allowed and unicodedata.category(ch) in _REFUSED]
    if bad:
        surrogates = [ch for ch in bad if unicodedata.category(ch) == "Cs"]
        if len(surrogates) < len(bad):
            out.add(where, f"{name} contains control characters")
        if surrogates:
            out.add(
                where,
                f"{name} contains an unpaired surrogate (U+{ord(surrogates[0]):04X}): "
                "not valid Unicode",
            )
        s = "".join(ch for ch in s if ch not in bad)
    if len(s) > limit:
        out.add(where, f"{name} is longer than {limit} characters")
    return s[:limit]


def language(out: Collector, where: str, value: Any) -> str:
    """An ISO 639-1 language code (two letters, e.g. `de`), lower case; "" when not given."""
    s = "" if value is None else str(value).strip().lower()
    if s and not (len(s) == 2 and s.isascii() and s.isalpha()):
        out.add(where, f"customer_language must be a two-letter code such as de, not {s[:20]!r}")
        return ""
    return s


def amount(out: Collector, where: str, name: str, value: Any, default: str | None) -> Decimal:
    if value in (None, "") and default is not None:
        return Decimal(default)
    raw = str(value).strip()
    if isinstance(value, bool) or not _AMOUNT.match(raw):
        out.add(where, f"{name} {value!r} is not an amount like 12.50")
        return Decimal(0)
    d = Decimal(raw)
    if d > MAX_AMOUNT:
        out.add(where, f"{name} {value!r} is more than {MAX_AMOUNT}")
        return Decimal(0)
    if d.as_tuple().exponent < -MONEY_SCALE:  # type: ignore[operator]
        out.add(where, f"{name} {value!r} has more than {MONEY_SCALE} decimals")
        return Decimal(0)
    return d


def whole(out: Collector, where: str, name: str, value: Any, lo: int, hi: int) -> int:
    raw = str(value).strip()
    negative = raw.startswith("-")
    if isinstance(value, bool) or not _UNSIGNED.match(raw.removeprefix("-")) or len(raw) > 12:
        out.add(where, f"{name} {value!r} is not a whole number")
        return lo
    n = -int(raw[1:]) if negative else int(raw)
    if not lo <= n <= hi:
        out.add(where, f"{name} must be {lo} to {hi}, not {n}")
    return n


def moment(out: Collector, where: str, name: str, value: Any) -> datetime | None:
    """An ISO 8601 date-time within bounds, in UTC (UTC when it has no offset)."""
    if value in (None, ""):
        return None
    try:
        dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        out.add(where, f"{name} {value!r} is not an ISO 8601 date-time")
        return None
    problem = date_problem(name, dt)
    if problem:
        out.add(where, problem)
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def coordinate(out: Collector, where: str, name: str, value: Any, limit: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        out.add(where, f"{name} {value!r} is not a number")
        return None
    if not -limit <= f <= limit:
        out.add(where, f"{name} {f} is out of range")
        return None
    return f


def country(out: Collector, where: str, value: Any) -> str:
    """An ISO 3166-1 alpha-2 country code, or "" when none is given."""
    code = text(out, where, "ship-to country", value, 2).upper()
    if code and pycountry.countries.get(alpha_2=code) is None:
        out.add(where, f"ship-to country {value!r} is not an ISO 3166 country code")
    return code


def line(out: Collector, where: str, sku: Any, qty: Any, price: Any) -> LineInput:
    s = text(out, where, "sku", sku, 40)
    if not s:
        out.add(where, "sku is missing")
    return LineInput(
        sku=s,
        qty=whole(out, where, "qty", qty, 1, MAX_QTY),
        unit_price=amount(out, where, "unit_price", price, None),
        source=where,
    )


def order(
    out: Collector, where: str, f: dict[str, Any], lines: Iterable[LineInput]
) -> tuple[OrderInput, bool]:
    """The order as far as it could be read, and whether it had no problem of its own."""
    before = len(out.problems)
    channel = text(out, where, "channel", f.get("channel"), 12).lower()
    if channel not in Channel.ALL:
        out.add(where, f"channel {f.get('channel')!r} is not one of {', '.join(Channel.ALL)}")
    external_id = text(out, where, "external_id", f.get("external_id"), 80)
    if not external_id:
        out.add(where, "external_id is missing")
    currency = text(out, where, "currency", f.get("currency"), 3).upper()
    if not is_currency(currency):
        out.add(where, f"currency {f.get('currency')!r} is not an ISO 4217 currency code")
    customer_name = text(out, where, "customer_name", f.get("customer_name"), 200)
    if not customer_name:
        out.add(where, "customer name is missing")
    raw_ship = f.get("ship_to")
    ship: dict[str, Any] = raw_ship if isinstance(raw_ship, dict) else {}
    ship_name = text(out, where, "ship-to name", ship.get("name"), 200)
    if not ship_name:
        out.add(where, "ship-to name is missing")
    address = AddressInput(
        name=ship_name,
        street=text(out, where, "ship-to street", ship.get("street"), 200),
        city=text(out, where, "ship-to city", ship.get("city"), 100),
        postcode=text(out, where, "ship-to postcode", ship.get("postcode"), 20),
        country=country(out, where, ship.get("country")),
        latitude=coordinate(out, where, "latitude", ship.get("latitude"), 90),
        longitude=coordinate(out, where, "longitude", ship.get("longitude"), 180),
    )
    line_list = tuple(lines)
    if not line_list:
        out.add(where, "an order needs at least one line")
    if len(line_list) > MAX_LINES_PER_ORDER:
        out.add(where, f"more than {MAX_LINES_PER_ORDER} lines")
    raw_flags = f.get("flags") or []
    if not isinstance(raw_flags, list):
        out.add(where, "flags must be a list")
        raw_flags = []
    codes = {text(out, where, "flag", x, 20).upper() for x in raw_flags}
    flags = tuple(sorted(c for c in codes if c))
    shipping = amount(out, where, "shipping", f.get("shipping"), "0")
    tax = amount(out, where, "tax", f.get("tax"), "0")
    if is_currency(currency):
        amounts = [(where, "shipping", shipping), (where, "tax", tax)]
        amounts += [(ln.source or where, "unit_price", ln.unit_price) for ln in line_list]
        for at, name, value in amounts:
            if not fits(value, currency):
                out.add(
                    at,
                    f"{name} {value} has more decimals than {currency} has "
                    f"({minor_units(currency)})",
                )
    total = sum((ln.unit_price * ln.qty for ln in line_list), shipping + tax)
    if total > MAX_ORDER_TOTAL:
        out.add(where, f"order total {total} is more than {MAX_ORDER_TOTAL}")
    priority = whole(out, where, "priority", f.get("priority") or 0, PRIORITY_MIN, PRIORITY_MAX)
    carrier = text(out, where, "carrier_service", f.get("carrier_service"), 20) or None
    result = OrderInput(
        channel=channel,
        external_id=external_id,
        currency=currency,
        customer_name=customer_name,
        ship_to=address,
        lines=line_list,
        customer_email=text(out, where, "customer_email", f.get("customer_email"), 200),
        customer_phone=text(out, where, "customer_phone", f.get("customer_phone"), 40),
        customer_ref=text(out, where, "customer_ref", f.get("customer_ref"), 80) or None,
        customer_language=language(out, where, f.get("customer_language")),
        shipping=shipping,
        tax=tax,
        flags=flags,
        gift_message=text(out, where, "gift_message", f.get("gift_message"), 500, multiline=True),
        carrier_service=carrier,
        ship_by=moment(out, where, "ship_by", f.get("ship_by")),
        priority=priority,
        ordered_at=moment(out, where, "ordered_at", f.get("ordered_at")),
        source=where,
    )
    return result, len(out.problems) == before
