"""Validated orders as the import hands them to intake, and the problems found on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from wms_terminal.core.errors import ValidationError

SHOWN_PROBLEMS = 200


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
    # The language of the customer's e-mails (ISO 639-1, e.g. "de"; "" = the warehouse's).
    customer_language: str = ""
    shipping: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    # Off the lines' subtotal (an accepted quote's total discount; the import files have none).
    discount: Decimal = Decimal("0.00")
    flags: tuple[str, ...] = ()
    gift_message: str = ""
    carrier_service: str | None = None
    ship_by: datetime | None = None
    priority: int = 0
    ordered_at: datetime | None = None
    source: str = ""  # where it came from in the file, for messages


_PARTS = re.compile(r"\d+|\D+")


@dataclass(frozen=True)
class Problem:
    where: str  # "line 7", "orders[3].lines[1]", "file"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    @property
    def sort_key(self) -> tuple[tuple[int, int, str], ...]:
        """In file order: line 9 before line 10, orders[2] before orders[10]."""
        return tuple(
            (1, int(p), "") if p.isdigit() else (0, 0, p) for p in _PARTS.findall(self.where)
        )


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Sorted by position; problems at one position keep the order they were found in."""
    return sorted(problems, key=lambda p: p.sort_key)


class ImportFileError(ValidationError):
    """A file with problems: nothing was imported. Problems are listed in file order."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.problems = in_file_order(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:SHOWN_PROBLEMS])
        extra = len(self.problems) - SHOWN_PROBLEMS
        more = f"\n  ... and {extra} more" if extra > 0 else ""
        super().__init__(
            f"{path}: {len(self.problems)} problem(s), nothing imported:\n{shown}{more}"
        )


@dataclass
class Collector:
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))
