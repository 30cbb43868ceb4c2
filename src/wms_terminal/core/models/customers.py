"""Customers with contacts and addresses; order history is their sales orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from ._base import MONEY, RATE, created_at


class Customer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The channel's own customer reference, when it has one.
    external_ref: str | None = Field(default=None, sa_type=String(80), unique=True)
    name: str = Field(sa_type=String(200))
    email: str = Field(default="", sa_type=String(200), index=True)
    phone: str = Field(default="", sa_type=String(40))
    # Sum of order totals converted to EUR, kept up to date by order intake.
    lifetime_value_eur: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    order_count: int = 0
    created_at: datetime = created_at()
    # No follow-up e-mails (review request, care instructions) after delivery.
    followup_opt_out: bool = False
    # The language of the customer's e-mails (ISO 639-1, e.g. "de"); "" = the warehouse's.
    language: str = Field(default="", sa_type=String(8))


class CustomerContact(SQLModel, table=True):
    __tablename__ = "customer_contact"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(sa_type=String(200))
    role: str = Field(default="", sa_type=String(40))
    email: str = Field(default="", sa_type=String(200))
    phone: str = Field(default="", sa_type=String(40))


class Address(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    name: str = Field(sa_type=String(200))
    street: str = Field(default="", sa_type=String(200))
    city: str = Field(default="", sa_type=String(100))
    postcode: str = Field(default="", sa_type=String(20))
    country: str = Field(default="", sa_type=String(2))
    latitude: float | None = None
    longitude: float | None = None


class CurrencyRate(SQLModel, table=True):
    """Rate to the base currency (EUR), used for lifetime value and reporting."""

    __tablename__ = "currency_rate"
    currency: str = Field(sa_type=String(3), primary_key=True)
    rate_to_eur: Decimal = Field(sa_type=RATE)
