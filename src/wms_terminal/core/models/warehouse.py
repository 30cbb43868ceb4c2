"""Warehouses, zones and locations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import json_field, warehouse_fk


class Warehouse(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(20), unique=True)
    name: str = Field(sa_type=String(120))
    street: str = Field(default="", sa_type=String(200))
    city: str = Field(default="", sa_type=String(100))
    postcode: str = Field(default="", sa_type=String(20))
    country: str = Field(default="", sa_type=String(2))
    latitude: float
    longitude: float
    # Geometry for routing: aisles, bays, aisle_pitch_m, bay_width_m, cross_aisles, depot_aisle.
    layout: dict[str, Any] = json_field()
    # The language of e-mails to customers who have none set (ISO 639-1).
    language: str = Field(default="en", sa_type=String(8))


class Zone(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    code: str = Field(sa_type=String(20))
    name: str = Field(sa_type=String(80))
    # Lower rank = closer to the depot; the demo puts fast movers there.
    travel_rank: int = 0


class LocationKind:
    PICK_FACE = "pick_face"
    RESERVE = "reserve"
    # Where deliveries are received; put-away tasks take the stock on to reserve or a pick face.
    RECEIVING = "receiving"
    # Where damaged units wait for a supervisor: written off, or put away again.
    DAMAGED = "damaged"


class Location(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("warehouse_id", "code"),
        CheckConstraint(
            "kind IN ('pick_face', 'reserve', 'receiving', 'damaged')", name="location_kind"
        ),
        CheckConstraint("side IN ('L', 'R')", name="location_side"),
        CheckConstraint("capacity >= 0", name="location_capacity"),
        # The receiving location and the damaged cage, looked up with every return graded.
        Index("ix_location_warehouse_kind", "warehouse_id", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    zone_id: int = Field(foreign_key="zone.id", index=True)
    code: str = Field(sa_type=String(40))
    barcode: str = Field(sa_type=String(40), unique=True)
    aisle: int
    bay: int
    level: int
    side: str = Field(sa_type=String(1))
    kind: str = Field(sa_type=String(12), default=LocationKind.PICK_FACE)
    capacity: int = 0
    # Pick faces are topped up from reserve when they fall below min_qty.
    min_qty: int = 0
    max_qty: int = 0
    active: bool = True
    # Blocked while a count is open on it (`blocked_reason` says why, e.g. "count" or "empty"):
    # allocation does not reserve from it and picks there are refused until the count ends.
    blocked: bool = False
    blocked_reason: str = Field(default="", sa_type=String(40))
