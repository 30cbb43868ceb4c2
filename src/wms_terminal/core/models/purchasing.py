"""Purchase orders raised at reorder points, received in full or in part (core.receiving)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from ._base import COST, created_at, timestamp, warehouse_fk


class PurchaseOrder(SQLModel, table=True):
    __tablename__ = "purchase_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_type=String(20), unique=True)
    warehouse_id: int = warehouse_fk()
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    # open -> partially_received -> received, or cancelled (core.states.PO_TRANSITIONS).
    status: str = Field(default="open", sa_type=String(20), index=True)
    reason: str = Field(default="", sa_type=String(200))
    created_at: datetime = created_at()
    closed_at: datetime | None = timestamp()


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_order_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="po_line_qty"),
        CheckConstraint("qty_received >= 0", name="po_line_received"),
    )
    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchase_order.id", index=True)
    warehouse_id: int = warehouse_fk()
    product_id: int = Field(foreign_key="product.id", index=True)
    qty: int
    unit_cost: Decimal = Field(default=Decimal("0"), sa_type=COST)
    # Never above qty: a receipt beyond what is still expected is refused whole
    # (core.receiving); the line closes (open_key cleared) when it reaches qty.
    qty_received: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # "<warehouse>:<product>" while the line is open, NULL after: at most one open reorder per
    # product and warehouse, even when two terminals cross the reorder point at once.
    open_key: str | None = Field(default=None, sa_type=String(40), unique=True)
