"""Box types, carriers, packages, shipments and returns (filled by the packing station)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import CheckConstraint, String, Time
from sqlmodel import Field, SQLModel

from ._base import MONEY, created_at, timestamp, warehouse_fk


class BoxType(SQLModel, table=True):
    __tablename__ = "box_type"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(80))
    inner_length_mm: int
    inner_width_mm: int
    inner_height_mm: int
    max_weight_g: int
    tare_weight_g: int
    cost: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)


class Carrier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(80))
    # GS1 company prefix used to build SSCCs for this carrier's labels.
    gs1_prefix: str = Field(default="", sa_type=String(12))


class CarrierService(SQLModel, table=True):
    __tablename__ = "carrier_service"
    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(80))
    cutoff: time = Field(sa_type=Time())
    max_weight_g: int = 30_000
    transit_days: int = 2
    base_rate: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)


class Package(SQLModel, table=True):
    __table_args__ = (CheckConstraint("weight_g >= 0", name="package_weight"),)
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", index=True)
    box_type_id: int | None = Field(default=None, foreign_key="box_type.id")
    sscc: str | None = Field(default=None, sa_type=String(18), unique=True)
    weight_g: int = 0
    status: str = Field(default="open", sa_type=String(12), index=True)
    packed_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()
    closed_at: datetime | None = timestamp()


class PackageLine(SQLModel, table=True):
    __tablename__ = "package_line"
    __table_args__ = (CheckConstraint("qty > 0", name="package_line_qty"),)
    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(foreign_key="package.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    qty: int


class Shipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    carrier_service_id: int | None = Field(default=None, foreign_key="carrier_service.id")
    tracking_number: str = Field(default="", sa_type=String(40), index=True)
    status: str = Field(default="open", sa_type=String(12), index=True)
    created_at: datetime = created_at()
    shipped_at: datetime | None = timestamp()


class ReturnOrder(SQLModel, table=True):
    __tablename__ = "return_order"
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    number: str = Field(sa_type=String(20), unique=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    reason: str = Field(default="", sa_type=String(200))
    status: str = Field(default="open", sa_type=String(12), index=True)
    created_at: datetime = created_at()
    received_at: datetime | None = timestamp()


class ReturnLine(SQLModel, table=True):
    __tablename__ = "return_line"
    __table_args__ = (CheckConstraint("qty > 0", name="return_line_qty"),)
    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_order.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id")
    qty: int
    condition: str = Field(default="resellable", sa_type=String(20))
