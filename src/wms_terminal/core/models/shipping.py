"""Box types, carriers, packages, shipments and returns (filled by the packing station)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Time, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import MONEY, RATE, created_at, json_field, timestamp, warehouse_fk


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
    # The carrier's return service (the customer sends a return with it): never chosen for
    # outbound packages; an RMA gets a return tracking number from the carrier's range.
    is_return: bool = False


class CarrierRate(SQLModel, table=True):
    """What a service charges for a package up to `max_weight_g` to a zone (`packing.rates`:
    domestic, eu, world), in `currency`. The cheapest bracket that holds the weight applies."""

    __tablename__ = "carrier_rate"
    __table_args__ = (
        UniqueConstraint("carrier_service_id", "zone", "max_weight_g"),
        CheckConstraint("max_weight_g > 0 AND price >= 0", name="carrier_rate_bracket"),
    )
    id: int | None = Field(default=None, primary_key=True)
    carrier_service_id: int = Field(foreign_key="carrier_service.id", index=True)
    zone: str = Field(sa_type=String(12))
    max_weight_g: int
    price: Decimal = Field(sa_type=MONEY)
    currency: str = Field(default="EUR", sa_type=String(3))


class Package(SQLModel, table=True):
    """One box of an order (`packing`): open while its units are verified into it, held (with
    a reason) when a unit is missing, closed with its SSCC, weight, carrier service, tracking
    number and cost, shipped when the carrier's manifest hands it over; cancelled (its lines
    gone) when packed again from scratch."""

    __table_args__ = (
        CheckConstraint("weight_g >= 0", name="package_weight"),
        CheckConstraint(
            "status IN ('open', 'held', 'closed', 'shipped', 'cancelled')", name="package_status"
        ),
    )
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
    # Package n of the order (1-based), for "package n of N" on the label.
    seq: int = 1
    # The N its label says, set at the close (`packing.package_count`): the packages closed so
    # far plus those the box plan still needs; fixed for all of them at the order's last close.
    package_count: int | None = None
    expected_weight_g: int = 0
    # The supervisor who accepted a weight beyond the tolerance.
    weight_approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    hold_reason: str = Field(default="", sa_type=String(20))
    carrier_service_id: int | None = Field(default=None, foreign_key="carrier_service.id")
    tracking_number: str = Field(default="", sa_type=String(40), index=True)
    shipping_cost: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    currency: str = Field(default="EUR", sa_type=String(3))
    ship_date: date | None = None
    expected_delivery: date | None = None
    shipped_at: datetime | None = timestamp()
    # Set from the carrier's delivered event (`packing.delivered`).
    delivered_at: datetime | None = timestamp()
    # When the order's follow-up e-mail was queued (`notices.followups`): at most once.
    followup_queued_at: datetime | None = timestamp()


class PackageLine(SQLModel, table=True):
    __tablename__ = "package_line"
    __table_args__ = (CheckConstraint("qty > 0", name="package_line_qty"),)
    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(foreign_key="package.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    qty: int


class PrintJobStatus:
    """queued -> printing (claimed by one printer worker, with a lease) -> printed | queued (a
    failed try, due again after a back-off) | failed (out of attempts, or a document that cannot
    be drawn); printing -> queued when the lease runs out (the worker stopped); failed -> queued
    by `print retry`. A reprint is a new queued row for the same package and kind (audited)."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


class PrintJob(SQLModel, table=True):
    """Print outbox (see `packing.close`): rows written in the transaction that closes a
    package, printed later by `printing.outbox` (statuses: `PrintJobStatus`)."""

    __tablename__ = "print_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'printing', 'printed', 'failed')", name="print_job_status"
        ),
        Index("ix_print_job_due", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    # packing_slip | shipping_label | manifest
    kind: str = Field(sa_type=String(20))
    package_id: int | None = Field(default=None, foreign_key="package.id", index=True)
    station: str = Field(default="", sa_type=String(64))
    status: str = Field(default="queued", sa_type=String(8))
    attempts: int = 0
    last_error: str = Field(default="", sa_type=String(500))
    created_at: datetime = created_at()
    printed_at: datetime | None = timestamp()
    next_attempt_at: datetime | None = timestamp()
    claimed_by: str = Field(default="", sa_type=String(64))
    claimed_until: datetime | None = timestamp()
    # Where it went: a spool file, a CUPS job id, host:port of a thermal printer.
    printed_on: str = Field(default="", sa_type=String(200))


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
    """A return authorisation (RMA, `returns.rma`): which units of a shipped order come back,
    why (`reason_code`, one of `core.returns.REASONS`; the customer's own words in `reason`),
    and whether money (`refund`) or goods (`exchange`) go out. Statuses: `core.returns`."""

    __tablename__ = "return_order"
    __table_args__ = (
        CheckConstraint("resolution IN ('refund', 'exchange')", name="return_order_resolution"),
        CheckConstraint(
            "status IN ('open', 'received', 'completed', 'cancelled')", name="return_order_status"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    number: str = Field(sa_type=String(20), unique=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    reason: str = Field(default="", sa_type=String(200))
    status: str = Field(default="open", sa_type=String(12), index=True)
    created_at: datetime = created_at()
    received_at: datetime | None = timestamp()
    reason_code: str = Field(default="", sa_type=String(20))
    resolution: str = Field(default="refund", sa_type=String(8))
    opened_by: int | None = Field(default=None, foreign_key="app_user.id")
    # An exchange's replacement order (`returns.exchange`), once it is raised.
    replacement_order_id: int | None = Field(default=None, foreign_key="sales_order.id")
    # The carrier's return service and its tracking number for the parcel coming back ("" when
    # the carrier that shipped the order has no return service).
    return_carrier_service_id: int | None = Field(default=None, foreign_key="carrier_service.id")
    return_tracking: str = Field(default="", sa_type=String(40), index=True)


class ReturnLine(SQLModel, table=True):
    __tablename__ = "return_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="return_line_qty"),
        CheckConstraint("received >= 0", name="return_line_received"),
        UniqueConstraint("return_id", "order_line_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_order.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    qty: int
    condition: str = Field(default="resellable", sa_type=String(20))
    # Units scanned in at the returns station (may exceed `qty`: the customer sent more).
    received: int = 0


class ReturnUnit(SQLModel, table=True):
    """One unit opened at the returns station (`returns.station`), with its grade: on a line of
    the return (`return_line_id`), or unexpected (no line: another product, one more than the
    return names, a serial or lot that was not shipped, or a code no product has). `scan_id` is
    the grading scan's id: a scan sent again is applied once."""

    __tablename__ = "return_unit"
    __table_args__ = (
        CheckConstraint(
            "grade IN ('resell', 'refurbish', 'quarantine', 'scrap')", name="return_unit_grade"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_order.id", index=True)
    return_line_id: int | None = Field(default=None, foreign_key="return_line.id", index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id")
    code: str = Field(sa_type=String(64))
    grade: str = Field(sa_type=String(12))
    lot: str | None = Field(default=None, sa_type=String(20))
    serial: str | None = Field(default=None, sa_type=String(20))
    # Why the unit is unexpected ("" when it is on a line of the return).
    unexpected: str = Field(default="", sa_type=String(80))
    location_id: int | None = Field(default=None, foreign_key="location.id")
    scan_id: str = Field(sa_type=String(64), unique=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()


class CreditNote(SQLModel, table=True):
    """The money a return gives back (`returns.refund`): one per refunded return, numbered
    CN-0000001 without gaps (the `credit_note` sequence moves in the same transaction), in the
    order's currency: goods (the units received, at the price paid) + shipping (when the rule
    refunds it) - restocking fees (per grade) = amount. `lines` keeps the per-line figures."""

    __tablename__ = "credit_note"
    __table_args__ = (
        CheckConstraint(
            "amount >= 0 AND goods >= 0 AND shipping >= 0 AND fees >= 0", name="credit_note_amounts"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    number: str = Field(sa_type=String(20), unique=True)
    return_id: int = Field(foreign_key="return_order.id", unique=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    currency: str = Field(sa_type=String(3))
    goods: Decimal = Field(sa_type=MONEY)
    shipping: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    fees: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)
    lines: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()
    # The invoice the refunded units were billed on (a business customer's order), if any.
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    # The exchange rate to EUR at issue: the accounting export books with it.
    rate_to_eur: Decimal | None = Field(default=None, sa_type=RATE)


class PaymentEvent(SQLModel, table=True):
    """Outbox for the payment provider: written in the transaction that decides the money
    (a refund), taken by the integration that pays it through the API (`core.payment_events`):
    pending -> sent (paid) | failed (with the provider's reason); failed -> pending (retried)."""

    __tablename__ = "payment_event"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="payment_event_status"),
        CheckConstraint("amount >= 0", name="payment_event_amount"),
    )
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = warehouse_fk()
    kind: str = Field(sa_type=String(20))
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    credit_note_id: int | None = Field(default=None, foreign_key="credit_note.id")
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(sa_type=String(3))
    status: str = Field(default="pending", sa_type=String(8), index=True)
    payload: dict[str, Any] = json_field()
    created_at: datetime = created_at()
    sent_at: datetime | None = timestamp()
    # Why the provider could not pay it (failed), kept when it is queued again.
    last_error: str = Field(default="", sa_type=String(500))
