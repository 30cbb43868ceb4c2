"""Payment authorisations of orders and cart holds (soft reservations of a shop's cart)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import MONEY, created_at, timestamp, warehouse_fk


class PaymentAuthorisation(SQLModel, table=True):
    """The payment provider's answer for an order, once per (order, reference): a repeat of the
    same reference is recognised, never applied twice."""

    __tablename__ = "payment_authorisation"
    __table_args__ = (
        UniqueConstraint("order_id", "reference"),
        CheckConstraint("outcome IN ('authorised', 'declined')", name="payment_outcome"),
        CheckConstraint("amount >= 0", name="payment_amount"),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    reference: str = Field(sa_type=String(80))
    outcome: str = Field(sa_type=String(10))
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(sa_type=String(3))
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()


class CartHoldStatus:
    ACTIVE = "active"  # its units are reserved until `expires_at`
    CHECKED_OUT = "checked_out"  # its units became the order's reservation
    EXPIRED = "expired"  # released by the sweeper (or by an allocation that needed the units)
    RELEASED = "released"  # the channel gave the cart up
    ALL = (ACTIVE, CHECKED_OUT, EXPIRED, RELEASED)


class CartHold(SQLModel, table=True):
    """A channel's cart holding stock for a while (`core.cart_holds`). One row per cart: holding
    it again replaces its lines."""

    __tablename__ = "cart_hold"
    __table_args__ = (
        UniqueConstraint("channel", "cart"),
        CheckConstraint(
            "status IN ('active', 'checked_out', 'expired', 'released')", name="cart_hold_status"
        ),
        Index("ix_cart_hold_expiry", "status", "expires_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(12))
    cart: str = Field(sa_type=String(80))
    warehouse_id: int = warehouse_fk()
    status: str = Field(default=CartHoldStatus.ACTIVE, sa_type=String(12))
    expires_at: datetime = timestamp(nullable=False)
    order_id: int | None = Field(default=None, foreign_key="sales_order.id")
    created_at: datetime = created_at()
    closed_at: datetime | None = timestamp()


class CartHoldLine(SQLModel, table=True):
    """Units a live hold reserves on one stock row (`stock.reserved` counts them); the lines go
    when the hold ends."""

    __tablename__ = "cart_hold_line"
    __table_args__ = (CheckConstraint("qty > 0", name="cart_hold_line_qty"),)
    id: int | None = Field(default=None, primary_key=True)
    hold_id: int = Field(foreign_key="cart_hold.id", index=True)
    warehouse_id: int = warehouse_fk()
    stock_id: int = Field(foreign_key="stock.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    location_id: int = Field(foreign_key="location.id")
    qty: int
