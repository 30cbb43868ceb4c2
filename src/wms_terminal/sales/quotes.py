"""Quotes to business customers: priced lines with line discounts, a discount on the total,
shipping and VAT, in one currency, valid through a date (statuses: `core.states.QuoteStatus`).

Amounts: a line's unit price is its list price less the line discount, rounded to the currency
(what the order line will charge); amount = unit price x qty; discount = subtotal x total
discount %, rounded; tax = (subtotal - discount + shipping) x VAT %, rounded; total = subtotal -
discount + shipping + tax.

Accepting a sent quote writes its sales order through the order intake (`core.intake.import_in`:
the import's reference checks, customer match, warehouse choice and reservations), in the
transaction that marks the quote accepted: an order is made once, or not at all. The order's
channel is `phone` (the sales desk) and its external id the quote number. A quote whose validity
date has passed is expired by the first action that finds it so, and cannot be accepted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from sqlalchemy import Date, bindparam, text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.bounds import date_problem
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.intake import import_in
from wms_terminal.core.models import (
    BusinessCustomer,
    Channel,
    CurrencyRate,
    Customer,
    NoticeStatus,
    Notification,
    Product,
    Quote,
    QuoteLine,
    SalesOrder,
)
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.money import fits, is_currency, round_money
from wms_terminal.core.notice_queue import NO_EMAIL
from wms_terminal.core.order_fields import MAX_AMOUNT, MAX_QTY
from wms_terminal.core.order_input import AddressInput, LineInput, OrderInput
from wms_terminal.core.sequences import next_number
from wms_terminal.core.states import QUOTE_TRANSITIONS, QuoteStatus, can_transition, transition
from wms_terminal.sales.customers import BusinessTerms, business_customer_id, terms_of
from wms_terminal.sales.numbered import locked_by_number
from wms_terminal.sales.seller import seller

MAX_LINES = 500
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineSpec:
    sku: str
    qty: int
    price: Decimal | None = None  # None: the product's list price (same currency only)
    discount_percent: Decimal = Decimal(0)


def parse_line(raw: str) -> LineSpec:
    """`SKU:QTY[:PRICE[:DISCOUNT%]]` as given on the command line."""
    parts = raw.split(":")
    if not 2 <= len(parts) <= 4 or not parts[0].strip():
        raise ValidationError(f"line {raw[:60]!r}: write SKU:QTY[:PRICE[:DISCOUNT%]]")
    try:
        qty = int(parts[1])
        price = Decimal(parts[2]) if len(parts) > 2 and parts[2] else None
        disc = Decimal(parts[3].rstrip("%")) if len(parts) > 3 and parts[3] else Decimal(0)
    except (ValueError, InvalidOperation):
        raise ValidationError(
            f"line {raw[:60]!r}: quantity, price or discount is no number"
        ) from None
    return LineSpec(parts[0].strip(), qty, price, disc)


@dataclass(frozen=True)
class QuoteLineView:
    sku: str
    name: str
    qty: int
    list_price: Decimal
    discount_percent: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class QuoteView:
    number: str
    status: str
    customer: BusinessTerms
    currency: str
    valid_until: date
    lines: tuple[QuoteLineView, ...]
    subtotal: Decimal
    discount_percent: Decimal
    discount: Decimal
    shipping: Decimal
    tax_percent: Decimal
    tax: Decimal
    total: Decimal
    note: str
    order: str | None
    created_at: datetime
    sent_at: datetime | None
    decided_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "quote": self.number,
            "status": self.status,
            "customer": self.customer.ref,
            "customer_name": self.customer.name,
            "currency": self.currency,
            "valid_until": self.valid_until.isoformat(),
            "lines": [
                {
                    "sku": ln.sku,
                    "name": ln.name,
                    "qty": ln.qty,
                    "list_price": str(ln.list_price),
                    "discount_percent": str(ln.discount_percent),
                    "unit_price": str(ln.unit_price),
                    "amount": str(ln.amount),
                }
                for ln in self.lines
            ],
            "subtotal": str(self.subtotal),
            "discount_percent": str(self.discount_percent),
            "discount": str(self.discount),
            "shipping": str(self.shipping),
            "tax_percent": str(self.tax_percent),
            "tax": str(self.tax),
            "total": str(self.total),
            "note": self.note,
            "order": self.order,
        }


def _percent(value: Decimal, what: str) -> Decimal:
    if not value.is_finite() or not Decimal(0) <= value <= HUNDRED or value != round(value, 4):
        raise ValidationError(f"{what} must be 0 to 100 % with at most 4 decimals")
    return value


def _today() -> date:
    return utcnow().date()


def _too_late(valid_until: date) -> str:
    """Why a validity date is refused (9999-12-31 is a typing error), or ""."""
    day = datetime.combine(valid_until, time(0), tzinfo=UTC)
    return date_problem("valid until", day) or ""


def create_quote(
    db: Database,
    actor: Actor,
    *,
    customer: str,
    currency: str,
    valid_until: date,
    lines: list[LineSpec],
    discount_percent: Decimal = Decimal(0),
    shipping: Decimal = Decimal(0),
    tax_percent: Decimal = Decimal(0),
    note: str = "",
    today: date | None = None,
) -> QuoteView:
    """A draft quote (every problem with the lines is reported at once)."""
    require(actor, "manage_quotes")
    currency = currency.strip().upper()
    problems: list[str] = []
    if not is_currency(currency):
        problems.append(f"unknown currency {currency[:8]!r}")
    if valid_until < (today or _today()):
        problems.append(f"valid until {valid_until} is in the past")
    elif _too_late(valid_until):
        problems.append(_too_late(valid_until))
    if not lines or len(lines) > MAX_LINES:
        problems.append(f"a quote has 1 to {MAX_LINES} lines")
    if shipping.is_finite() and shipping > MAX_AMOUNT:
        problems.append(f"shipping {shipping} is more than {MAX_AMOUNT}")
    elif (
        not shipping.is_finite()
        or shipping < 0
        or (is_currency(currency) and not fits(shipping, currency))
    ):
        problems.append(f"shipping {shipping} is not an amount in {currency}")
    if len(note) > 500:
        problems.append("the note is longer than 500 characters")
    if any(ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in note):
        problems.append("the note contains control characters")  # it is printed on the PDF
    disc = _percent(discount_percent, "the total discount")
    vat = _percent(tax_percent, "VAT")
    if problems:
        raise ValidationError("quote not made: " + "; ".join(problems))

    def body(s: Session) -> str:
        cid = business_customer_id(s, customer)
        if s.get(CurrencyRate, currency) is None and currency != "EUR":
            raise ValidationError(f"no exchange rate for currency {currency}")
        skus = {ln.sku for ln in lines}
        products = {
            p.sku: p
            for p in s.exec(select(Product).where(col(Product.sku).in_(skus), col(Product.active)))
        }
        rows: list[QuoteLine] = []
        bad: list[str] = []
        for no, ln in enumerate(lines, start=1):
            p = products.get(ln.sku)
            where = f"line {no} ({ln.sku[:40]})"
            if p is None or p.id is None:
                bad.append(f"{where}: unknown SKU")
                continue
            if not 1 <= ln.qty <= MAX_QTY:  # the order intake's bounds: it must become one
                bad.append(f"{where}: quantity must be 1 to {MAX_QTY}")
                continue
            price = ln.price
            if price is None:
                if p.currency != currency:
                    bad.append(f"{where}: list price is in {p.currency}; give a {currency} price")
                    continue
                price = p.price
            if price.is_finite() and price > MAX_AMOUNT:
                bad.append(f"{where}: price {price} is more than {MAX_AMOUNT}")
                continue
            if not price.is_finite() or price < 0 or not fits(price, currency):
                bad.append(f"{where}: price {price} is not an amount in {currency}")
                continue
            try:
                pct = _percent(ln.discount_percent, "a line discount")
            except ValidationError as exc:
                bad.append(f"{where}: {exc.message}")
                continue
            unit = round_money(price * (HUNDRED - pct) / HUNDRED, currency)
            rows.append(
                QuoteLine(
                    quote_id=0,
                    line_no=no,
                    product_id=p.id,
                    qty=ln.qty,
                    list_price=price,
                    discount_percent=pct,
                    unit_price=unit,
                    amount=unit * ln.qty,
                )
            )
        if bad:
            raise ValidationError(f"quote not made, {len(bad)} problem(s): " + "; ".join(bad))
        subtotal = sum((r.amount for r in rows), Decimal(0))
        discount = round_money(subtotal * disc / HUNDRED, currency)
        tax = round_money((subtotal - discount + shipping) * vat / HUNDRED, currency)
        number = f"Q-{next_number(s, 'quote'):07d}"
        quote = Quote(
            number=number,
            customer_id=cid,
            currency=currency,
            valid_until=valid_until,
            discount_percent=disc,
            subtotal=subtotal,
            discount=discount,
            shipping=shipping,
            tax_percent=vat,
            tax=tax,
            total=subtotal - discount + shipping + tax,
            note=note.strip(),
            created_by=actor.user_id,
        )
        s.add(quote)
        s.flush()
        assert quote.id is not None
        for r in rows:
            r.quote_id = quote.id
        s.add_all(rows)
        record(
            s,
            action="quote_created",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="quote",
            entity_id=number,
            customer=customer,
            total=str(quote.total),
            currency=currency,
        )
        return number

    number = db.run(body, what="quote")
    return show_quote(db, number)


_EXPIRE = text(
    "UPDATE quote SET status = 'expired', decided_at = :now "
    "WHERE status IN ('draft', 'sent') AND valid_until < :today RETURNING number"
).bindparams(bindparam("now", type_=UTC_DATETIME), bindparam("today", type_=Date()))


def expire_due(db: Database, today: date | None = None) -> int:
    """Draft and sent quotes past their validity date become expired (the count)."""

    def body(s: Session) -> int:
        rows = s.execute(_EXPIRE, {"today": today or _today(), "now": utcnow()}).all()
        for (number,) in rows:
            record(s, action="quote_expired", entity="quote", entity_id=str(number))
        return len(rows)

    return db.run(body, what="quote expiry")


def _locked(s: Session, number: str) -> Quote:
    return locked_by_number(s, Quote, "quote", number, "quote")


def _move(quote: Quote, new: str) -> None:
    # `transition` lets a status "change" to itself; a quote accepted twice must not be.
    if quote.status == new or not can_transition(QUOTE_TRANSITIONS, quote.status, new):
        until = f" (valid until {quote.valid_until})" if quote.status == QuoteStatus.EXPIRED else ""
        raise InvalidTransition(f"{quote.number} is {quote.status}: it cannot be {new}{until}")
    transition(quote, new, QUOTE_TRANSITIONS)


def _change(
    db: Database, actor: Actor, number: str, new: str, *, today: date | None = None
) -> QuoteView:
    require(actor, "manage_quotes")
    expire_due(db, today)

    def body(s: Session) -> str:
        quote = _locked(s, number)
        _move(quote, new)
        now = utcnow()
        if new == QuoteStatus.SENT:
            quote.sent_at = now
            _queue_quote_mail(s, quote)
        else:
            quote.decided_at = now
        s.add(quote)
        record(
            s,
            action=f"quote_{new}",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="quote",
            entity_id=quote.number,
        )
        return quote.number

    return show_quote(db, db.run(body, what="quote"))


def _queue_quote_mail(s: Session, quote: Quote) -> None:
    """The quote e-mailed to the customer with its PDF (`notices.attachments` renders it when
    the notices sender sends it), queued in the transaction that marks it sent. A customer
    without an e-mail address: recorded as no_address (`notices list` shows it)."""
    customer = s.get(Customer, quote.customer_id)
    assert customer is not None
    email = customer.email.strip()
    s.add(
        Notification(
            recipient_role="customer",
            recipient_email=email,
            kind="quote_sent",
            subject=f"Quote {quote.number}",
            body=(
                f"please find our quote {quote.number} attached: {quote.total} "
                f"{quote.currency}, valid until {quote.valid_until.isoformat()}.\n"
            )[:2000],
            language=customer.language,
            data={
                "name": customer.name,
                "quote": quote.number,
                "total": str(quote.total),
                "currency": quote.currency,
                "valid_until": quote.valid_until.isoformat(),
                "seller": seller().name,
                "attachments": [{"kind": "quote_pdf", "number": quote.number}],
            },
            status=NoticeStatus.PENDING if email else NoticeStatus.NO_ADDRESS,
            last_error="" if email else NO_EMAIL,
        )
    )


def send_quote(db: Database, actor: Actor, number: str, *, today: date | None = None) -> QuoteView:
    """Draft -> sent, and the quote e-mailed to the customer with its PDF (see above)."""
    return _change(db, actor, number, QuoteStatus.SENT, today=today)


def decline_quote(
    db: Database, actor: Actor, number: str, *, today: date | None = None
) -> QuoteView:
    return _change(db, actor, number, QuoteStatus.DECLINED, today=today)


def revise_quote(
    db: Database, actor: Actor, number: str, *, valid_until: date, today: date | None = None
) -> QuoteView:
    """A declined, expired (or sent) quote back to draft, valid through a new date."""
    require(actor, "manage_quotes")
    if valid_until < (today or _today()):
        raise ValidationError(f"valid until {valid_until} is in the past")
    if _too_late(valid_until):
        raise ValidationError(_too_late(valid_until))
    expire_due(db, today)

    def body(s: Session) -> str:
        quote = _locked(s, number)
        _move(quote, QuoteStatus.DRAFT)
        quote.valid_until = valid_until
        quote.sent_at = quote.decided_at = None
        s.add(quote)
        record(
            s,
            action="quote_revised",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="quote",
            entity_id=quote.number,
            valid_until=valid_until.isoformat(),
        )
        return quote.number

    return show_quote(db, db.run(body, what="quote"))


def accept_quote(
    db: Database, actor: Actor, number: str, *, today: date | None = None
) -> QuoteView:
    """The sent quote accepted: its sales order made by the order intake, in one transaction."""
    require(actor, "manage_quotes")
    expire_due(db, today)

    def body(s: Session) -> str:
        quote = _locked(s, number)
        _move(quote, QuoteStatus.ACCEPTED)
        assert quote.id is not None
        terms = terms_of(s, quote.customer_id)
        customer = s.get(Customer, quote.customer_id)
        bill = s.get(BusinessCustomer, quote.customer_id)
        assert customer is not None and bill is not None
        lines = s.execute(
            select(col(Product.sku), col(QuoteLine.qty), col(QuoteLine.unit_price))
            .join(Product, col(Product.id) == col(QuoteLine.product_id))
            .where(col(QuoteLine.quote_id) == quote.id)
            .order_by(col(QuoteLine.line_no))
        ).all()
        order = OrderInput(
            channel=Channel.PHONE,
            external_id=quote.number,
            currency=quote.currency,
            customer_name=customer.name,
            customer_email=customer.email,
            customer_ref=terms.ref,
            ship_to=AddressInput(
                name=customer.name,
                street=bill.street,
                city=bill.city,
                postcode=bill.postcode,
                country=bill.country,
            ),
            lines=tuple(
                LineInput(sku=str(sku), qty=int(qty), unit_price=price) for sku, qty, price in lines
            ),
            shipping=quote.shipping,
            tax=quote.tax,
            discount=quote.discount,
            source=quote.number,
        )
        order_number = import_in(s, order, actor=actor, name=quote.number)
        quote.order_id = s.exec(
            select(col(SalesOrder.id)).where(col(SalesOrder.number) == order_number)
        ).one()
        quote.decided_at = utcnow()
        s.add(quote)
        record(
            s,
            action="quote_accepted",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="quote",
            entity_id=quote.number,
            order=order_number,
        )
        return quote.number

    return show_quote(db, db.run(body, what="quote acceptance"))


def show_quote(db: Database, number: str) -> QuoteView:
    with db.reading() as s:
        quote = s.exec(select(Quote).where(col(Quote.number) == number.strip().upper())).first()
        if quote is None or quote.id is None:
            raise NotFound(f"no quote {number.strip()[:20]!r}")
        return _view(s, quote)


def _view(s: Session, quote: Quote) -> QuoteView:
    rows = s.execute(
        select(QuoteLine, col(Product.sku), col(Product.name))
        .join(Product, col(Product.id) == col(QuoteLine.product_id))
        .where(col(QuoteLine.quote_id) == quote.id)
        .order_by(col(QuoteLine.line_no))
    ).all()
    order = s.get(SalesOrder, quote.order_id) if quote.order_id else None
    return QuoteView(
        number=quote.number,
        status=_effective(quote),
        customer=terms_of(s, quote.customer_id),
        currency=quote.currency,
        valid_until=quote.valid_until,
        lines=tuple(
            QuoteLineView(
                str(sku),
                str(name),
                ln.qty,
                ln.list_price,
                ln.discount_percent,
                ln.unit_price,
                ln.amount,
            )
            for ln, sku, name in rows
        ),
        subtotal=quote.subtotal,
        discount_percent=quote.discount_percent,
        discount=quote.discount,
        shipping=quote.shipping,
        tax_percent=quote.tax_percent,
        tax=quote.tax,
        total=quote.total,
        note=quote.note,
        order=order.number if order else None,
        created_at=quote.created_at,
        sent_at=quote.sent_at,
        decided_at=quote.decided_at,
    )


def _effective(quote: Quote, today: date | None = None) -> str:
    """What a reader sees: a draft or sent quote past its date shows as expired."""
    open_ = quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT)
    return (
        QuoteStatus.EXPIRED if open_ and quote.valid_until < (today or _today()) else quote.status
    )


def list_quotes(
    db: Database, *, status: str | None = None, customer: str | None = None
) -> list[QuoteView]:
    with db.reading() as s:
        stmt = select(Quote).order_by(col(Quote.id))
        if customer:
            stmt = stmt.where(col(Quote.customer_id) == business_customer_id(s, customer))
        views = [_view(s, q) for q in s.exec(stmt)]
    return [v for v in views if status is None or v.status == status]
