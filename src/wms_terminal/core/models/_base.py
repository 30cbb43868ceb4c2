"""Column helpers and column types shared by the table modules.

Two column types keep values exact on both backends:

* `ExactDecimal` (money, costs, exchange rates): NUMERIC(p, s) on PostgreSQL. SQLite has no
  decimal type (its NUMERIC stores a binary float: 0.1 + 0.2 != 0.3), so there the column is an
  INTEGER count of 10**-s units (12.34 is 123400 at scale 4), exact, and still comparable and
  summable in SQL. Values with more decimals than the column holds are refused, never rounded:
  rounding to a currency's minor unit is done before, by `wms_terminal.core.money`. Raw SQL that
  writes such a column on SQLite must bind `ExactDecimal.to_db(value, dialect)`.
* `UtcDateTime` (every timestamp): stored in UTC on both backends (SQLite keeps no offset, so
  15:00+01:00 used to come back as 15:00); handed back as an aware UTC datetime. A datetime
  without a zone is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field

MONEY_SCALE = 4  # ISO 4217 minor units go up to 4 (CLF); 3 for KWD, BHD, ...
RATE_SCALE = 8


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal column: NUMERIC on PostgreSQL, scaled INTEGER on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def to_db(self, value: Decimal | int | str | None, dialect: Dialect | str) -> Any:
        """The value as the database stores it (for raw SQL)."""
        if value is None:
            return None
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        if not d.is_finite():
            raise ValueError(f"{d} is not an amount")
        exact = d.quantize(Decimal(1).scaleb(-self.scale))
        if exact != d:
            raise ValueError(f"{d} has more than {self.scale} decimals")
        name = dialect if isinstance(dialect, str) else dialect.name
        return int(exact.scaleb(self.scale)) if name == "sqlite" else exact

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return self.to_db(value, dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            d = Decimal(round(value) if isinstance(value, float) else int(value)).scaleb(
                -self.scale
            )
        else:
            d = value if isinstance(value, Decimal) else Decimal(str(value))
        return trim(d, self.scale)

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        return str(self.to_db(value, dialect))

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


def trim(d: Decimal, scale: int) -> Decimal:
    """At least 2 decimals, no trailing zeros beyond: 12.3000 -> 12.30, 1.2340 -> 1.234."""
    for places in range(2, scale + 1):
        q = d.quantize(Decimal(1).scaleb(-places))
        if q == d:
            return q
    return d.quantize(Decimal(1).scaleb(-scale))


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC on both backends and read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, not {type(value).__name__}")
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite's DATETIME drops any offset: hand it the UTC wall time.
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime


MONEY = ExactDecimal(18, MONEY_SCALE)
COST = ExactDecimal(18, MONEY_SCALE)
RATE = ExactDecimal(18, RATE_SCALE)
UTC_DATETIME = UtcDateTime()


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_or_none(at: datetime | None) -> str | None:
    """A timestamp for JSON: ISO 8601, or None when there is none."""
    return at.isoformat() if at else None


def created_at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTC_DATETIME, nullable=False)


def timestamp(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTC_DATETIME, nullable=nullable, index=index)


def json_field() -> Any:
    return Field(default_factory=dict, sa_type=JSON, nullable=False)


def warehouse_fk(*, nullable: bool = False) -> Any:
    """Every floor table carries its warehouse: the shard key if a chain outgrows one server."""
    return Field(
        default=None if nullable else ..., foreign_key="warehouse.id", index=True, nullable=nullable
    )
