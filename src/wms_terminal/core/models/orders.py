"""Sales orders, order lines and special-order flags."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import MONEY, created_at, timestamp


class Channel:
    WEB = "web"
    MARKETPLACE = "marketplace"
    STORE = "store"
    PHONE = "phone"
    ALL = (WEB, MARKETPLACE, STORE, PHONE)


class OrderFlag(SQLModel, table=True):
    """A special-order flag (gift, VIP, replacement ...), each with a unique code."""

    __tablename__ = "order_flag"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(80))
    # Higher goes first in a wave (VIP before everything else).
    wave_priority: int = 0


class SalesOrderFlag(SQLModel, table=True):
    __tablename__ = "sales_order_flag"
    order_id: int = Field(foreign_key="sales_order.id", primary_key=True)
    flag_id: int = Field(foreign_key="order_flag.id", primary_key=True, index=True)


class SalesOrder(SQLModel, table=True):
    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(
            "channel IN ('web', 'marketplace', 'store', 'phone')", name="order_channel"
        ),
        CheckConstraint("total >= 0", name="order_total"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_type=String(20), unique=True)
    channel: str = Field(sa_type=String(12))
    external_id: str = Field(sa_type=String(80))
    # Set when stock is reserved: the warehouse that ships the order.
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    ship_address_id: int = Field(foreign_key="address.id")
    currency: str = Field(sa_type=String(3))
    subtotal: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    # Off the subtotal for the whole order (a quote's total discount): total = subtotal -
    # discount + shipping + tax.
    discount: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    shipping: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    tax: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    total: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    status: str = Field(default="new", sa_type=String(20), index=True)
    priority: int = Field(default=0, index=True)
    gift_message: str = Field(default="", sa_type=String(500))
    carrier_service_id: int | None = Field(default=None, foreign_key="carrier_service.id")
    ship_by: datetime | None = timestamp(index=True)
    ordered_at: datetime = created_at()
    updated_at: datetime | None = timestamp()
    # The pack station that has the order open (`packing.claim`): one station at a time.
    pack_claim_user_id: int | None = None
    pack_claim_terminal: str = Field(default="", sa_type=String(40))
    pack_claimed_at: datetime | None = timestamp()
    # Why the order may not be released yet ('' when it may): `core.release_rule`.
    release_hold: str = Field(default="", sa_type=String(20))
    # A back-order follow-up (`packing.remainder`): the order whose units this one ships later.
    backorder_of_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("qty > 0", name="order_line_qty"),
        CheckConstraint(
            "qty_reserved >= 0 AND qty_backordered >= 0 AND qty_picked >= 0 "
            "AND qty_picked <= qty AND qty_packed <= qty_picked AND qty_shipped <= qty_packed",
            name="order_line_progress",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    qty: int
    unit_price: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    qty_reserved: int = 0
    qty_backordered: int = 0
    qty_picked: int = 0
    qty_packed: int = 0
    qty_shipped: int = 0
    # Picked units found missing or damaged at the packing station (shipped short).
    qty_pack_short: int = 0
