"""Column helpers shared by the table modules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Numeric, String
from sqlmodel import Field

MONEY = Numeric(14, 2)
COST = Numeric(14, 4)


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at() -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def timestamp(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable, index=index)


def money(default: Decimal | None = Decimal("0.00")) -> Any:
    return Field(default=default, sa_type=MONEY, nullable=default is not None)


def code(length: int = 40, *, unique: bool = False, index: bool = False) -> Any:
    return Field(sa_type=String(length), unique=unique, index=index)


def json_field() -> Any:
    return Field(default_factory=dict, sa_type=JSON, nullable=False)


def warehouse_fk(*, nullable: bool = False) -> Any:
    """Every floor table carries its warehouse: the shard key if a chain outgrows one server."""
    return Field(
        default=None if nullable else ..., foreign_key="warehouse.id", index=True, nullable=nullable
    )
