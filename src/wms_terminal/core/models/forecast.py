"""Demand history kept beyond the order tables, and the demand forecast with the reorder point
it gives each product in each warehouse (`wms_terminal.forecast`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, String
from sqlmodel import Field, SQLModel

from ._base import created_at


class DemandHistory(SQLModel, table=True):
    """Units ordered per product, warehouse and day before the orders now in the database (an
    earlier system's history, or the demo's weeks before its open orders). The forecast adds the
    order lines of each day to it (`forecast.history`)."""

    __tablename__ = "demand_history"
    __table_args__ = (CheckConstraint("qty >= 0", name="demand_history_qty"),)
    warehouse_id: int = Field(foreign_key="warehouse.id", primary_key=True)
    product_id: int = Field(foreign_key="product.id", primary_key=True, index=True)
    day: date = Field(primary_key=True)
    qty: int


class DemandForecast(SQLModel, table=True):
    """The latest forecast of one product in one warehouse (`wms-terminal forecast run`):
    expected units per day, the spread of a day's demand around it, the method, and the reorder
    point drawn from it (lead-time demand + safety stock at the service level), which the
    reorder rule (`core.reorder`) uses in place of the product's own."""

    __tablename__ = "demand_forecast"
    __table_args__ = (
        CheckConstraint("daily >= 0 AND sigma >= 0", name="demand_forecast_rates"),
        CheckConstraint("reorder_point >= 0 AND lead_time_days >= 0", name="demand_forecast_rop"),
    )
    warehouse_id: int = Field(foreign_key="warehouse.id", primary_key=True)
    product_id: int = Field(foreign_key="product.id", primary_key=True, index=True)
    daily: float = Field(sa_type=Float)
    sigma: float = Field(sa_type=Float)
    # ses (smooth demand), croston (intermittent), none (no demand in the history)
    method: str = Field(sa_type=String(12))
    lead_time_days: int
    service_level: float = Field(sa_type=Float)
    reorder_point: int
    computed_at: datetime = created_at()
