"""Order files (CSV and JSON, see docs/order-import.md) parsed and validated into OrderInput.

Every problem is collected with its line (CSV) or path (JSON) before anything is written, so a
broken file is reported whole and imports nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from wms_terminal.core.bounds import PRIORITY_MAX, PRIORITY_MIN, date_problem
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Channel
from wms_terminal.core.models._base import MONEY_SCALE
from wms_terminal.core.money import fits, is_currency, minor_units

MAX_LINES_PER_ORDER = 500
MAX_QTY = 100_000


@dataclass(frozen=True)
class AddressInput:
    name: str
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class LineInput:
    sku: str
    qty: int
    unit_price: Decimal
    source: str = ""  # where it came from in the file, for messages


@dataclass(frozen=True)
class OrderInput:
    channel: str
    external_id: str
    currency: str
    customer_name: str
    ship_to: AddressInput
    lines: tuple[LineInput, ...]
    customer_email: str = ""
    customer_phone: str = ""
    customer_ref: str | None = None
    shipping: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    flags: tuple[str, ...] = ()
    gift_message: str = ""
    carrier_service: str | None = None
    ship_by: datetime | None = None
    priority: int = 0
    ordered_at: datetime | None = None
    source: str = ""  # where it came from in the file, for messages


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ImportFileError(ValidationError):
    """A file with problems: nothing was imported."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:200])
        more = f"\n  ... and {len(problems) - 200} more" if len(problems) > 200 else ""
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n{shown}{more}")


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))


CSV_COLUMNS = (
    "channel",
    "external_id",
    "currency",
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_ref",
    "ship_name",
    "ship_street",
    "ship_city",
    "ship_postcode",
    "ship_country",
    "ship_lat",
    "ship_lon",
    "sku",
    "qty",
    "unit_price",
    "shipping",
    "tax",
    "flags",
    "gift_message",
    "carrier_service",
    "ship_by",
    "priority",
    "ordered_at",
)
CSV_REQUIRED = (
    "channel",
    "external_id",
    "currency",
    "customer_name",
    "ship_name",
    "sku",
    "qty",
    "unit_price",
)
JSON_ORDER_KEYS = frozenset(
    {
        "channel",
        "external_id",
        "currency",
        "customer",
        "ship_to",
        "lines",
        "shipping",
        "tax",
        "flags",
        "gift_message",
        "carrier_service",
        "ship_by",
        "priority",
        "ordered_at",
    }
)
# Bounds on amounts: far inside what a money column (NUMERIC(18, 4)) holds, totals included.
MAX_AMOUNT = Decimal("1000000.00")
MAX_ORDER_TOTAL = Decimal("9999999999.99")
_UNSIGNED = re.compile(r"^[0-9]+$")
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# Order-level columns must agree on every line of the same order.
ORDER_COLUMNS = tuple(c for c in CSV_COLUMNS if c not in ("sku", "qty", "unit_price"))


def load_order_file(path: str | Path) -> list[OrderInput]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {p}: {exc.strerror or exc}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(str(p), [Problem(f"byte {exc.start}", "file is not UTF-8")]) from exc
    suffix = p.suffix.lower()
    if suffix == ".json":
        return parse_json(content, str(p))
    if suffix in (".csv", ".txt"):
        return parse_csv(content, str(p))
    raise ValidationError(f"{p}: unknown file type {suffix!r}; use .csv or .json")


def parse_csv(content: str, name: str = "<csv>") -> list[OrderInput]:
    out = _Collector()
    if "\x00" in content:
        raise ImportFileError(name, [Problem("file", "contains NUL bytes: not a CSV file")])
    reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportFileError(name, [Problem("line 1", f"unreadable header: {exc}")]) from exc
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        out.add("line 1", f"column(s) named twice: {', '.join(map(repr, doubled))}")
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing:
        out.add("line 1", f"missing column(s): {', '.join(missing)}")
    if unknown:
        out.add("line 1", f"unknown column(s): {', '.join(map(repr, unknown))}")
    if out.problems:
        raise ImportFileError(name, out.problems)
    groups: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                out.add(f"line {line}", f"expected {len(header)} fields")
                continue
            # The same key the database sees: "WEB" and "web" are one channel.
            key = (row["channel"].strip().lower(), row["external_id"].strip())
            groups.setdefault(key, []).append((line, row))
    except csv.Error as exc:
        out.add(f"line {reader.line_num}", f"broken CSV: {exc}")
    orders: list[OrderInput] = []
    for rows in groups.values():
        first_line, first = rows[0]
        for line, row in rows[1:]:
            for col in ORDER_COLUMNS:
                if not _same(row.get(col), first.get(col), col):
                    out.add(
                        f"line {line}", f"{col} differs from line {first_line} of the same order"
                    )
        lines = []
        for line, row in rows:
            lines.append(
                _line(out, f"line {line}", row.get("sku"), row.get("qty"), row.get("unit_price"))
            )
        g = first
        order = _order(
            out,
            f"line {first_line}",
            {
                "channel": g.get("channel"),
                "external_id": g.get("external_id"),
                "currency": g.get("currency"),
                "customer_name": g.get("customer_name"),
                "customer_email": g.get("customer_email"),
                "customer_phone": g.get("customer_phone"),
                "customer_ref": g.get("customer_ref"),
                "ship_to": {
                    "name": g.get("ship_name"),
                    "street": g.get("ship_street"),
                    "city": g.get("ship_city"),
                    "postcode": g.get("ship_postcode"),
                    "country": g.get("ship_country"),
                    "latitude": g.get("ship_lat") or None,
                    "longitude": g.get("ship_lon") or None,
                },
                "shipping": g.get("shipping"),
                "tax": g.get("tax"),
                "flags": [f for f in (g.get("flags") or "").split(";") if f.strip()],
                "gift_message": g.get("gift_message"),
                "carrier_service": g.get("carrier_service"),
                "ship_by": g.get("ship_by"),
                "priority": g.get("priority"),
                "ordered_at": g.get("ordered_at"),
            },
            lines,
        )
        if order is not None:
            orders.append(order)
    if not orders and not out.problems:
        out.add("file", "no orders in the file")
    if out.problems:
        raise ImportFileError(name, out.problems)
    return orders


def _same(a: str | None, b: str | None, column: str) -> bool:
    x, y = (a or "").strip(), (b or "").strip()
    return x.lower() == y.lower() if column in ("channel", "currency", "flags") else x == y


def parse_json(content: str, name: str = "<json>") -> list[OrderInput]:
    out = _Collector()
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            name, [Problem(f"line {exc.lineno}", f"broken JSON: {exc.msg}")]
        ) from exc
    except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number, absurd nesting
        raise ImportFileError(name, [Problem("file", f"unreadable JSON: {exc}")]) from exc
    items = doc.get("orders") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ImportFileError(name, [Problem("file", 'expected {"orders": [...]}')])
    orders: list[OrderInput] = []
    seen: dict[tuple[str, str], str] = {}
    for i, item in enumerate(items):
        where = f"orders[{i}]"
        if not isinstance(item, dict):
            out.add(where, "an order must be an object")
            continue
        stray = sorted(set(item) - JSON_ORDER_KEYS)
        if stray:
            out.add(where, f"unknown field(s): {', '.join(map(repr, stray))}")
        raw_lines = item.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            out.add(f"{where}.lines", "an order needs at least one line")
            raw_lines = []
        lines = []
        for j, ln in enumerate(raw_lines):
            if not isinstance(ln, dict):
                out.add(f"{where}.lines[{j}]", "a line must be an object")
                continue
            if set(ln) - {"sku", "qty", "unit_price"}:
                extra = ", ".join(map(repr, sorted(set(ln) - {"sku", "qty", "unit_price"})))
                out.add(f"{where}.lines[{j}]", f"unknown field(s): {extra}")
            lines.append(
                _line(
                    out, f"{where}.lines[{j}]", ln.get("sku"), ln.get("qty"), ln.get("unit_price")
                )
            )
        raw_customer = item.get("customer")
        customer: dict[str, Any] = raw_customer if isinstance(raw_customer, dict) else {}
        fields = dict(item)
        fields.update(
            {
                "customer_name": customer.get("name"),
                "customer_email": customer.get("email"),
                "customer_phone": customer.get("phone"),
                "customer_ref": customer.get("ref"),
            }
        )
        order = _order(out, where, fields, lines)
        if order is not None:
            key = (order.channel, order.external_id)
            if key in seen:
                out.add(where, f"duplicate of {seen[key]} (same channel and external id)")
                continue
            seen[key] = where
            orders.append(order)
    if not items:
        out.add("orders", "no orders in the file")
    if out.problems:
        raise ImportFileError(name, out.problems)
    return orders


def _text(
    out: _Collector, where: str, name: str, value: Any, limit: int, *, multiline: bool = False
) -> str:
    """A text field: control characters and over-long values are refused, never cut silently."""
    s = "" if value is None else str(value).strip()
    if multiline:
        s = s.replace("\r\n", "\n")
    allowed = "\n" if multiline else ""
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed for ch in s):
        out.add(where, f"{name} contains control characters")
        s = "".join(ch for ch in s if ch in allowed or unicodedata.category(ch) not in ("Cc", "Cf"))
    if len(s) > limit:
        out.add(where, f"{name} is longer than {limit} characters")
    return s[:limit]


def _decimal(out: _Collector, where: str, name: str, value: Any, default: str | None) -> Decimal:
    if value in (None, "") and default is not None:
        return Decimal(default)
    text = str(value).strip()
    if isinstance(value, bool) or not _AMOUNT.match(text):
        out.add(where, f"{name} {value!r} is not an amount like 12.50")
        return Decimal(0)
    d = Decimal(text)
    if d > MAX_AMOUNT:
        out.add(where, f"{name} {value!r} is more than {MAX_AMOUNT}")
        return Decimal(0)
    if d.as_tuple().exponent < -MONEY_SCALE:  # type: ignore[operator]
        out.add(where, f"{name} {value!r} has more than {MONEY_SCALE} decimals")
        return Decimal(0)
    return d


def _int(out: _Collector, where: str, name: str, value: Any, lo: int, hi: int) -> int:
    text = str(value).strip()
    negative = text.startswith("-")
    if isinstance(value, bool) or not _UNSIGNED.match(text.removeprefix("-")) or len(text) > 12:
        out.add(where, f"{name} {value!r} is not a whole number")
        return lo
    n = -int(text[1:]) if negative else int(text)
    if not lo <= n <= hi:
        out.add(where, f"{name} must be {lo} to {hi}, not {n}")
    return n


def _datetime(out: _Collector, where: str, name: str, value: Any) -> datetime | None:
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


def _coord(out: _Collector, where: str, name: str, value: Any, limit: float) -> float | None:
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


def _line(out: _Collector, where: str, sku: Any, qty: Any, price: Any) -> LineInput:
    s = _text(out, where, "sku", sku, 40)
    if not s:
        out.add(where, "sku is missing")
    return LineInput(
        sku=s,
        qty=_int(out, where, "qty", qty, 1, MAX_QTY),
        unit_price=_decimal(out, where, "unit_price", price, None),
        source=where,
    )


def _order(
    out: _Collector, where: str, f: dict[str, Any], lines: Iterable[LineInput]
) -> OrderInput | None:
    before = len(out.problems)
    channel = _text(out, where, "channel", f.get("channel"), 12).lower()
    if channel not in Channel.ALL:
        out.add(where, f"channel {f.get('channel')!r} is not one of {', '.join(Channel.ALL)}")
    external_id = _text(out, where, "external_id", f.get("external_id"), 80)
    if not external_id:
        out.add(where, "external_id is missing")
    currency = _text(out, where, "currency", f.get("currency"), 3).upper()
    if not is_currency(currency):
        out.add(where, f"currency {f.get('currency')!r} is not an ISO 4217 currency code")
    customer_name = _text(out, where, "customer_name", f.get("customer_name"), 200)
    if not customer_name:
        out.add(where, "customer name is missing")
    raw_ship = f.get("ship_to")
    ship: dict[str, Any] = raw_ship if isinstance(raw_ship, dict) else {}
    ship_name = _text(out, where, "ship-to name", ship.get("name"), 200) or customer_name
    country = _text(out, where, "ship-to country", ship.get("country"), 2).upper()
    if country and (len(country) != 2 or not country.isalpha()):
        out.add(where, f"ship-to country {ship.get('country')!r} is not a 2-letter code")
    address = AddressInput(
        name=ship_name,
        street=_text(out, where, "ship-to street", ship.get("street"), 200),
        city=_text(out, where, "ship-to city", ship.get("city"), 100),
        postcode=_text(out, where, "ship-to postcode", ship.get("postcode"), 20),
        country=country,
        latitude=_coord(out, where, "latitude", ship.get("latitude"), 90),
        longitude=_coord(out, where, "longitude", ship.get("longitude"), 180),
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
    codes = {_text(out, where, "flag", x, 20).upper() for x in raw_flags}
    flags = tuple(sorted(c for c in codes if c))
    shipping = _decimal(out, where, "shipping", f.get("shipping"), "0")
    tax = _decimal(out, where, "tax", f.get("tax"), "0")
    if is_currency(currency):
        amounts = [(where, "shipping", shipping), (where, "tax", tax)]
        amounts += [(ln.source or where, "unit_price", ln.unit_price) for ln in line_list]
        for at, name, amount in amounts:
            if not fits(amount, currency):
                out.add(
                    at,
                    f"{name} {amount} has more decimals than {currency} has "
                    f"({minor_units(currency)})",
                )
    total = sum((ln.unit_price * ln.qty for ln in line_list), shipping + tax)
    if total > MAX_ORDER_TOTAL:
        out.add(where, f"order total {total} is more than {MAX_ORDER_TOTAL}")
    priority = _int(out, where, "priority", f.get("priority") or 0, PRIORITY_MIN, PRIORITY_MAX)
    carrier = _text(out, where, "carrier_service", f.get("carrier_service"), 20) or None
    order = OrderInput(
        channel=channel,
        external_id=external_id,
        currency=currency,
        customer_name=customer_name,
        ship_to=address,
        lines=line_list,
        customer_email=_text(out, where, "customer_email", f.get("customer_email"), 200),
        customer_phone=_text(out, where, "customer_phone", f.get("customer_phone"), 40),
        customer_ref=_text(out, where, "customer_ref", f.get("customer_ref"), 80) or None,
        shipping=shipping,
        tax=tax,
        flags=flags,
        gift_message=_text(out, where, "gift_message", f.get("gift_message"), 500, multiline=True),
        carrier_service=carrier,
        ship_by=_datetime(out, where, "ship_by", f.get("ship_by")),
        priority=priority,
        ordered_at=_datetime(out, where, "ordered_at", f.get("ordered_at")),
        source=where,
    )
    return order if len(out.problems) == before else None
