"""The range of dates and numbers the system accepts from files, commands and screens.

A date outside these bounds is a typing error (9999-12-31, 0001-01-01), never a real order: at the
edge of what Python or the database can represent it broke waves for a whole warehouse.
"""

from __future__ import annotations

from datetime import UTC, datetime

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
PRIORITY_MIN, PRIORITY_MAX = -100, 100


def date_problem(name: str, value: datetime) -> str | None:
    """Why `value` is refused (naive means UTC), or None when it is within bounds."""
    when = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST <= when <= LATEST:
        return f"{name} {value.isoformat()} is outside {EARLIEST.date()} to {LATEST.date()} (UTC)"
    return None


def priority_problem(name: str, value: int) -> str | None:
    if not PRIORITY_MIN <= value <= PRIORITY_MAX:
        shown = str(value) if len(str(value)) <= 12 else f"{str(value)[:12]}..."
        return f"{name} must be {PRIORITY_MIN} to {PRIORITY_MAX}, not {shown}"
    return None
