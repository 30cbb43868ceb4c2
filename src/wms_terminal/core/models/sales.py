"""Business customers, quotes and invoices (`wms_terminal.sales`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import MONEY, RATE, created_at, timestamp


class BusinessCustomer(SQLModel, table=True):
    """A business customer's one record (`sales.customers`, `wms-terminal customers account`):
    quoted, invoiced with payment terms (net days), on one invoice per order or one per
    shipment, billed to this address; on account when it has a credit limit (`core.credit`)."""

    __tablename__ = "business_customer"
    __table_args__ = (
        CheckConstraint("payment_terms_days >= 0", name="business_customer_terms"),
        CheckConstraint("invoice_per IN ('order', 'shipment')", name="business_customer_per"),
    )
    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    vat_id: str = Field(default="", sa_type=String(40))
    payment_terms_days: int = 30
    invoice_per: str = Field(default="order", sa_type=String(8))
    street: str = Field(default="", sa_type=String(200))
    city: str = Field(default="", sa_type=String(100))
    postcode: str = Field(default="", sa_type=String(20))
    country: str = Field(default="", sa_type=String(2))
    # On account: open exposure in EUR above which an order waits for a manager
    # (`core.credit`). None: not on account (pays as the channel says, like anyone).
    credit_limit_eur: Decimal | None = Field(default=None, sa_type=MONEY)


class Quote(SQLModel, table=True):
    """A priced offer to a business customer (statuses: `sales.quotes.QuoteStatus`); accepted,
    it becomes a sales order through the order intake (`order_id`)."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'sent', 'accepted', 'declined', 'expired')", name="quote_status"
        ),
        CheckConstraint("discount_percent >= 0", name="quote_discount_percent"),
        CheckConstraint(
            "subtotal >= 0 AND discount >= 0 AND tax >= 0 AND total >= 0", name="quote_amounts"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_type=String(20), unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    status: str = Field(default="draft", sa_type=String(10), index=True)
    currency: str = Field(sa_type=String(3))
    valid_until: date = Field(sa_type=Date())
    discount_percent: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    subtotal: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    discount: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    shipping: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    # VAT on (subtotal - discount + shipping), rounded to the currency.
    tax_percent: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    tax: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    total: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    note: str = Field(default="", sa_type=String(500))
    order_id: int | None = Field(default=None, foreign_key="sales_order.id")
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()
    sent_at: datetime | None = timestamp()
    decided_at: datetime | None = timestamp()


class QuoteLine(SQLModel, table=True):
    __tablename__ = "quote_line"
    __table_args__ = (
        UniqueConstraint("quote_id", "line_no"),
        CheckConstraint("qty > 0", name="quote_line_qty"),
        CheckConstraint("discount_percent >= 0", name="quote_line_discount"),
    )
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id")
    qty: int
    list_price: Decimal = Field(sa_type=MONEY)
    discount_percent: Decimal = Field(default=Decimal("0"), sa_type=MONEY)
    # The price after the line discount, rounded to the currency: what the order line charges.
    unit_price: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)


class Invoice(SQLModel, table=True):
    """What a business customer owes for an order or one shipment of it: numbered INV-0000001
    without gaps (the `invoice` sequence moves in the transaction that writes it), due
    `payment_terms_days` after issue; open until paid in full (`sales.invoices`).
    `rate_to_eur` is the exchange rate at issue, the one the accounting export books with."""

    __table_args__ = (
        CheckConstraint("status IN ('open', 'paid')", name="invoice_status"),
        CheckConstraint(
            "subtotal >= 0 AND shipping >= 0 AND tax >= 0 AND total >= 0 AND paid >= 0",
            name="invoice_amounts",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_type=String(20), unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    # Set when the customer is invoiced per shipment: at most one invoice per shipment.
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", unique=True)
    status: str = Field(default="open", sa_type=String(8), index=True)
    currency: str = Field(sa_type=String(3))
    rate_to_eur: Decimal = Field(sa_type=RATE)
    subtotal: Decimal = Field(sa_type=MONEY)
    discount: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    shipping: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    tax: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    total: Decimal = Field(sa_type=MONEY)
    paid: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    issued_on: date = Field(sa_type=Date(), index=True)
    due_on: date = Field(sa_type=Date(), index=True)
    paid_on: date | None = Field(default=None, sa_type=Date())
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (
        UniqueConstraint("invoice_id", "line_no"),
        CheckConstraint("qty > 0", name="invoice_line_qty"),
    )
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    line_no: int
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    sku: str = Field(sa_type=String(40))
    name: str = Field(default="", sa_type=String(200))
    qty: int
    unit_price: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)


class InvoicePayment(SQLModel, table=True):
    """A payment received against an invoice (`invoices pay`)."""

    __tablename__ = "invoice_payment"
    __table_args__ = (CheckConstraint("amount > 0", name="invoice_payment_amount"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount: Decimal = Field(sa_type=MONEY)
    paid_on: date = Field(sa_type=Date())
    reference: str = Field(default="", sa_type=String(80))
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = created_at()


class JournalDay(SQLModel, table=True):
    """A closed day's accounting journal as first exported (`sales.accounting`): exporting
    the day again gives these entries, byte for byte, whatever changed since (a cost, a
    rate). Entries are dicts of strings in `sales.accounting.FIELDS`."""

    __tablename__ = "journal_day"
    day: date = Field(sa_type=Date(), primary_key=True)
    entries: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    posted_by: int | None = Field(default=None, foreign_key="app_user.id")
    posted_at: datetime = created_at()
