"""Stock per location, the append-only ledger, reservations and floor tasks on stock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at, timestamp, warehouse_fk


class Stock(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("location_id", "product_id"),
        CheckConstraint("on_hand >= 0", name="stock_on_hand_nonnegative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="stock_reserved_within"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    location_id: int = Field(foreign_key="location.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    on_hand: int = 0
    reserved: int = 0


class MoveKind:
    RECEIPT = "receipt"
    RESERVATION = "reservation"
    UNRESERVE = "unreserve"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    RETURN = "return"
    TRANSFER = "transfer"
    # Picked units back into stock (their wave cancelled before they were packed): the order's
    # pick undone, so these lines carry the order like its pick lines.
    PUT_BACK = "put_back"
    ALL = (
        RECEIPT,
        RESERVATION,
        UNRESERVE,
        PICK,
        PACK,
        SHIP,
        ADJUSTMENT,
        COUNT,
        RETURN,
        TRANSFER,
        PUT_BACK,
    )


class StockMove(SQLModel, table=True):
    """One line per movement; never updated or deleted (triggers enforce it)."""

    __tablename__ = "stock_ledger"
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    product_id: int = Field(foreign_key="product.id", index=True)
    location_id: int | None = Field(default=None, foreign_key="location.id")
    kind: str = Field(sa_type=String(16))
    on_hand_delta: int = 0
    reserved_delta: int = 0
    order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    terminal: str = Field(default="", sa_type=String(64))
    scan_id: str | None = Field(default=None, sa_type=String(64), index=True)
    reason: str = Field(default="", sa_type=String(200))
    created_at: datetime = created_at()


class ReservationStatus:
    ACTIVE = "active"
    PICKED = "picked"
    RELEASED = "released"


class Reservation(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("qty >= 0", name="reservation_qty"),
        Index("ix_reservation_order_status", "order_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    stock_id: int = Field(foreign_key="stock.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    location_id: int = Field(foreign_key="location.id")
    qty: int
    status: str = Field(default=ReservationStatus.ACTIVE, sa_type=String(12), index=True)
    created_at: datetime = created_at()


class TaskStatus:
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class MoveTaskKind:
    REPLENISH = "replenish"  # reserve -> pick face, raised when the face falls below its minimum
    PUTAWAY = "putaway"  # receiving -> reserve or pick face, raised by a receipt
    ALL = (REPLENISH, PUTAWAY)


class MoveTask(SQLModel, table=True):
    """A floor task that moves stock from one location to another (core.move_tasks): one engine
    for replenishment and put-away. Open until done or cancelled; `claimed_by` marks the one
    worker doing it. The table keeps its first name: the PostgreSQL confirm-a-pick function
    (migration 0002) raises replenishment tasks into it."""

    __tablename__ = "replenishment_task"
    __table_args__ = (
        CheckConstraint("qty > 0 AND qty_moved >= 0", name="move_task_qty"),
        CheckConstraint("kind IN ('replenish', 'putaway')", name="move_task_kind"),
        Index("ix_move_task_claim", "warehouse_id", "status", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    kind: str = Field(
        default=MoveTaskKind.REPLENISH,
        sa_type=String(12),
        sa_column_kwargs={"server_default": MoveTaskKind.REPLENISH},
    )
    product_id: int = Field(foreign_key="product.id", index=True)
    from_location_id: int | None = Field(default=None, foreign_key="location.id")
    to_location_id: int = Field(foreign_key="location.id", index=True)
    qty: int
    qty_moved: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    status: str = Field(default=TaskStatus.OPEN, sa_type=String(12), index=True)
    claimed_by: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    claimed_at: datetime | None = timestamp()
    done_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()
    done_at: datetime | None = timestamp()


class CountTask(SQLModel, table=True):
    """Count one product at one location (statuses: `core.states.CountStatus`).

    `expected_qty` is the system quantity when the deciding count was taken, `counted_qty` that
    count; `first_qty`/`first_by` keep a first count that a second, blind count had to check."""

    __tablename__ = "count_task"
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    product_id: int = Field(foreign_key="product.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    reason: str = Field(default="", sa_type=String(40))
    expected_qty: int | None = None
    counted_qty: int | None = None
    status: str = Field(default=TaskStatus.OPEN, sa_type=String(12), index=True)
    created_at: datetime = created_at()
    claimed_by: int | None = Field(default=None, foreign_key="app_user.id")
    claimed_at: datetime | None = timestamp()
    first_qty: int | None = None
    first_by: int | None = Field(default=None, foreign_key="app_user.id")
    counted_by: int | None = Field(default=None, foreign_key="app_user.id")
    done_at: datetime | None = timestamp()
    note: str = Field(default="", sa_type=String(200))
