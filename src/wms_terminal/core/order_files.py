"""Order files (CSV and JSON, see docs/order-import.md) parsed and validated into OrderInput.

Every problem is collected with its line (CSV) or path (JSON) before anything is written, so a
broken file is reported whole and imports nothing. The format comes from the content (a JSON
document starts with `{`), not from the file name.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wms_terminal.core import order_fields as fields
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.order_input import (
    AddressInput,
    Collector,
    ImportFileError,
    LineInput,
    OrderInput,
    Problem,
)

__all__ = [
    "AddressInput",
    "ImportFileError",
    "LineInput",
    "OrderFile",
    "OrderInput",
    "Problem",
    "load_order_file",
    "parse_csv",
    "parse_json",
    "read_json_document",
    "read_order_file",
]

CSV_COLUMNS = (
    "channel",
    "external_id",
    "currency",
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_ref",
    "customer_language",
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
LINE_KEYS = frozenset({"sku", "qty", "unit_price"})
# Order-level columns must agree on every line of the same order.
ORDER_COLUMNS = tuple(c for c in CSV_COLUMNS if c not in LINE_KEYS)


@dataclass(frozen=True)
class OrderFile:
    """A file as read: the orders as far as they could be read, and every problem found."""

    name: str
    kind: str  # "csv" or "json"
    orders: list[OrderInput]
    problems: list[Problem]

    def valid_orders(self) -> list[OrderInput]:
        if self.problems:
            raise ImportFileError(self.name, self.problems)
        return self.orders


def read_order_file(path: str | Path) -> OrderFile:
    """Read and check a file; problems are returned, not raised (see `OrderFile.valid_orders`).

    Only an unreadable file (missing, not UTF-8, broken JSON or CSV header) raises at once."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {p}: {exc.strerror or exc}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(str(p), [Problem(f"byte {exc.start}", "file is not UTF-8")]) from exc
    if looks_like_json(content):
        return _read_json(content, str(p))
    return _read_csv(content, str(p))


def load_order_file(path: str | Path) -> list[OrderInput]:
    return read_order_file(path).valid_orders()


def looks_like_json(content: str) -> bool:
    return content.lstrip()[:1] in ("{", "[")


def parse_csv(content: str, name: str = "<csv>") -> list[OrderInput]:
    return _read_csv(content, name).valid_orders()


def parse_json(content: str, name: str = "<json>") -> list[OrderInput]:
    return _read_json(content, name).valid_orders()


def _read_csv(content: str, name: str) -> OrderFile:
    out = Collector()
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
            at = reader.line_num
            if None in row or any(v is None for v in row.values()):
                out.add(f"line {at}", f"expected {len(header)} fields")
                continue
            # The same key the database sees: "WEB" and "web" are one channel.
            key = (row["channel"].strip().lower(), row["external_id"].strip())
            groups.setdefault(key, []).append((at, row))
    except csv.Error as exc:
        out.add(f"line {reader.line_num}", f"broken CSV: {exc}")
    orders: list[OrderInput] = []
    for rows in groups.values():
        first_line, g = rows[0]
        for at, row in rows[1:]:
            for col in ORDER_COLUMNS:
                if not _same(row.get(col), g.get(col), col):
                    out.add(f"line {at}", f"{col} differs from line {first_line} of the same order")
        lines = [
            fields.line(out, f"line {at}", row.get("sku"), row.get("qty"), row.get("unit_price"))
            for at, row in rows
        ]
        order, _ok = fields.order(
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
                "customer_language": g.get("customer_language"),
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
        orders.append(order)
    if not orders and not out.problems:
        out.add("file", "no orders in the file")
    return OrderFile(name, "csv", orders, out.problems)


def _same(a: str | None, b: str | None, column: str) -> bool:
    x, y = (a or "").strip(), (b or "").strip()
    return x.lower() == y.lower() if column in ("channel", "currency", "flags") else x == y


def _read_json(content: str, name: str) -> OrderFile:
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            name, [Problem(f"line {exc.lineno}", f"broken JSON: {exc.msg}")]
        ) from exc
    except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number, absurd nesting
        raise ImportFileError(name, [Problem("file", f"unreadable JSON: {exc}")]) from exc
    return read_json_document(doc, name)


def read_json_document(doc: Any, name: str) -> OrderFile:
    """A parsed JSON document `{"orders": [...]}` checked like a file (the API's one order)."""
    out = Collector()
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
            at = f"{where}.lines[{j}]"
            if not isinstance(ln, dict):
                out.add(at, "a line must be an object")
                continue
            if set(ln) - LINE_KEYS:
                out.add(
                    at, f"unknown field(s): {', '.join(map(repr, sorted(set(ln) - LINE_KEYS)))}"
                )
            lines.append(fields.line(out, at, ln.get("sku"), ln.get("qty"), ln.get("unit_price")))
        raw_customer = item.get("customer")
        customer: dict[str, Any] = raw_customer if isinstance(raw_customer, dict) else {}
        values = dict(item)
        values.update(
            {
                "customer_name": customer.get("name"),
                "customer_email": customer.get("email"),
                "customer_phone": customer.get("phone"),
                "customer_ref": customer.get("ref"),
                "customer_language": customer.get("language"),
            }
        )
        order, ok = fields.order(out, where, values, lines)
        key = (order.channel, order.external_id)
        if ok and key in seen:
            out.add(where, f"duplicate of {seen[key]} (same channel and external id)")
            continue
        seen.setdefault(key, where)
        orders.append(order)
    if not items:
        out.add("orders", "no orders in the file")
    return OrderFile(name, "json", orders, out.problems)
