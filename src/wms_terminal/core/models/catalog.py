"""Suppliers, products and their barcodes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from ._base import COST, MONEY


class Supplier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(120))
    email: str = Field(default="", sa_type=String(200))
    lead_time_days: int = 7


class Product(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("reorder_point >= 0 AND reorder_qty >= 0", name="product_reorder"),
        CheckConstraint("weight_g >= 0", name="product_weight"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(sa_type=String(40), unique=True)
    name: str = Field(sa_type=String(200))
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    weight_g: int = 0
    reorder_point: int = 0
    reorder_qty: int = 0
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    cost: Decimal = Field(default=Decimal("0"), sa_type=COST)
    price: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    # Base currency of cost and price; order lines carry the order's currency.
    currency: str = Field(default="EUR", sa_type=String(3))
    active: bool = True

    @property
    def volume_cm3(self) -> float:
        return self.length_mm * self.width_mm * self.height_mm / 1000.0


class ProductBarcode(SQLModel, table=True):
    __tablename__ = "product_barcode"
    __table_args__ = (
        CheckConstraint("kind IN ('gtin8', 'gtin12', 'gtin13', 'gtin14')", name="barcode_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    # Stored as the 14-digit GTIN would be ambiguous for display; keep the scanned form.
    barcode: str = Field(sa_type=String(14), unique=True)
    kind: str = Field(sa_type=String(8))
    # Units in the pack this barcode identifies (a GTIN-14 case may hold 12).
    pack_qty: int = 1
