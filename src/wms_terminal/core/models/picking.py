"""Waves, pick lists, pick tasks and totes (filled by the pick engine)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, column, desc
from sqlmodel import Field, SQLModel

from ._base import created_at, json_field, timestamp, warehouse_fk


class Wave(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    number: str = Field(sa_type=String(20), unique=True)
    status: str = Field(default="released", sa_type=String(12), index=True)
    strategy: str = Field(sa_type=String(20))
    routing_method: str = Field(default="optimal", sa_type=String(20))
    filters: dict[str, Any] = json_field()
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()
    released_at: datetime | None = timestamp()


class PickList(SQLModel, table=True):
    __tablename__ = "pick_list"
    # The claim reads the first open list of a warehouse by (priority DESC, id) from this index
    # (migration 0002 creates it with `priority DESC` on both backends; written as an expression
    # so that Alembic's comparison sees the same index in the model and the database).
    __table_args__ = (
        Index(
            "ix_pick_list_claim",
            "warehouse_id",
            "status",
            desc(column("priority")),
            "id",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    zone_id: int | None = Field(default=None, foreign_key="zone.id")
    strategy: str = Field(sa_type=String(20))
    status: str = Field(default="open", sa_type=String(12), index=True)
    priority: int = Field(default=0, index=True)
    claimed_by: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    claimed_at: datetime | None = timestamp()
    terminal: str = Field(default="", sa_type=String(64))
    routing_method: str = Field(default="optimal", sa_type=String(20))
    route_length_m: float = 0.0
    tote_count: int = 1
    created_at: datetime = created_at()
    finished_at: datetime | None = timestamp()


class PickTask(SQLModel, table=True):
    __tablename__ = "pick_task"
    __table_args__ = (
        CheckConstraint("qty > 0 AND qty_picked >= 0 AND qty_picked <= qty", name="pick_task_qty"),
        # Open picks at a pick face (replenishment urgency, `core.move_tasks.URGENT`).
        Index("ix_pick_task_location_product", "location_id", "product_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    pick_list_id: int = Field(foreign_key="pick_list.id", index=True)
    seq: int
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    reservation_id: int | None = Field(default=None, foreign_key="reservation.id")
    product_id: int = Field(foreign_key="product.id")
    location_id: int = Field(foreign_key="location.id")
    qty: int
    qty_picked: int = 0
    # Position on the cart for cluster picking (1-based); None when there is one tote.
    tote_slot: int | None = None
    tote_id: int | None = Field(default=None, foreign_key="tote.id")
    status: str = Field(default="open", sa_type=String(12), index=True)
    reason_code: str = Field(default="", sa_type=String(20))
    picked_by: int | None = Field(default=None, foreign_key="app_user.id")
    picked_at: datetime | None = timestamp(index=True)  # lines per hour (the desk)
    # Read from a GS1 product scan (AI 10, 17, 21) when the picker scanned one.
    lot: str | None = Field(default=None, sa_type=String(20))
    expiry: date | None = None
    serial: str | None = Field(default=None, sa_type=String(20))


class Tote(SQLModel, table=True):
    # The in-use totes of a list (`picking.tasks.tote_in_use_sql`, read with every pick); no
    # index on status alone, which PostgreSQL preferred on stale statistics (migration 0012).
    __table_args__ = (Index("ix_tote_list_status", "pick_list_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    code: str = Field(sa_type=String(20), unique=True)
    status: str = Field(default="free", sa_type=String(12))
    pick_list_id: int | None = Field(default=None, foreign_key="pick_list.id")
