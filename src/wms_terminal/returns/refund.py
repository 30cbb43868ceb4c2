"""Refunds: the money a received return gives back, as a credit note.

`issue_refund` is one transaction holding the order's row lock (two refunds of one order cannot
together pass what was paid): the amount (`core.returns.refund_for`: the units received on the
return's lines at the price paid, less each grade's restocking fee, plus the shipping when the
rule refunds it, once per order), a credit note numbered CN-0000001 without gaps, a payment
event in the provider's outbox (not for a customer on account: its credit note settles
against its invoice, `sales.invoices.link_credit_note`), the integrations' `order.refunded`
event, the return `received -> completed`, the audit entry and the customer's "refund issued"
e-mail in the notices outbox. Unexpected units give nothing back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_terminal.config import refund_shipping, restocking_fee_percent
from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.credit import credit_limit
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import (
    Address,
    CreditNote,
    CurrencyRate,
    Customer,
    PaymentEvent,
    ReturnOrder,
    SalesOrder,
)
from wms_terminal.core.models._base import MONEY
from wms_terminal.core.money import BASE_CURRENCY, round_money, to_base
from wms_terminal.core.returns import (
    SHOP_FAULT,
    RefundLine,
    Resolution,
    ReturnStatus,
    ShippingRule,
    refund_for,
)
from wms_terminal.core.sequences import next_number
from wms_terminal.core.statements import for_update
from wms_terminal.documents.credit_note import CreditLine, CreditNoteDoc
from wms_terminal.returns.notices import REFUND_ISSUED, queue_customer_notice
from wms_terminal.sales.invoices import link_credit_note

CREDIT_NOTE_PREFIX = "CN-"


@dataclass(frozen=True)
class Issued:
    rma: str
    credit_note: str
    amount: Decimal
    currency: str
    goods: Decimal
    shipping: Decimal
    fees: Decimal


_UNITS = text(
    "SELECT rl.id, p.sku, ol.unit_price, ru.grade, COUNT(*) FROM return_unit ru "
    "JOIN return_line rl ON rl.id = ru.return_line_id "
    "JOIN order_line ol ON ol.id = rl.order_line_id JOIN product p ON p.id = ol.product_id "
    "WHERE ru.return_id = :r GROUP BY rl.id, p.sku, ol.unit_price, ru.grade, ol.line_no "
    "ORDER BY ol.line_no, ru.grade"
).columns(unit_price=MONEY)


def issue_refund(db: Database, actor: Actor, rma: str) -> Issued:
    """Refund return `rma` (received, a refund); see the module docstring."""
    require(actor, "handle_returns")
    fees = restocking_fee_percent()
    rule = refund_shipping()

    def body(session: Session) -> Issued:
        ret = session.exec(
            select(ReturnOrder).where(col(ReturnOrder.number) == rma.strip().upper())
        ).first()
        if ret is None:
            raise NotFound(f"no return {rma.strip()[:40]!r}")
        order_row = session.execute(
            text("SELECT id FROM sales_order WHERE id = :o" + for_update(session)),
            {"o": ret.order_id},
        ).scalar_one()
        order = session.get(SalesOrder, int(order_row))
        assert order is not None and order.id is not None and ret.id is not None
        order_id = order.id
        session.refresh(ret)
        if ret.resolution != Resolution.REFUND:
            raise ValidationError(f"{ret.number} is an exchange: no refund")
        if ret.status != ReturnStatus.RECEIVED:
            raise ValidationError(
                f"{ret.number} is {ret.status}: a refund follows the parcel's receipt, once"
            )
        refunded = session.execute(
            select(col(CreditNote.amount), col(CreditNote.shipping)).where(
                col(CreditNote.order_id) == order_id
            )
        ).all()
        already = sum((a for a, _ in refunded), Decimal(0))
        shipping_refunded = any(s > 0 for _, s in refunded)
        grades: dict[tuple[int, str, Decimal], dict[str, int]] = defaultdict(dict)
        for line_id, sku, price, grade, n in session.execute(_UNITS, {"r": ret.id}).all():
            key = (int(line_id), str(sku), _money(price))
            grades[key][str(grade)] = int(n)
        lines = [RefundLine(sku, price, g) for (_, sku, price), g in grades.items()]
        ship = (
            order.shipping
            if not shipping_refunded
            and (
                rule == ShippingRule.ALWAYS
                or (rule == ShippingRule.FAULT and ret.reason_code in SHOP_FAULT)
            )
            else Decimal(0)
        )
        refund = refund_for(
            lines,
            currency=order.currency,
            fee_percent=fees,
            shipping=ship,
            already_refunded=already,
            paid=order.total,
        )
        number = f"{CREDIT_NOTE_PREFIX}{next_number(session, 'credit_note'):07d}"
        note = CreditNote(
            warehouse_id=ret.warehouse_id,
            number=number,
            return_id=ret.id,
            order_id=order_id,
            currency=order.currency,
            goods=refund.goods,
            shipping=refund.shipping,
            fees=refund.fees,
            amount=refund.amount,
            lines=list(refund.lines),
            created_by=actor.user_id,
            rate_to_eur=_rate(session, order),
        )
        session.add(note)
        session.flush()
        # A business customer's invoice that billed these units is credited (paid when nothing
        # is left outstanding). A customer on account paid nothing up front: the credit note
        # settles against the invoice instead of the payment provider paying money back.
        invoice = link_credit_note(session, note)
        on_account = credit_limit(session, order.customer_id) is not None
        if not on_account:
            session.add(
                PaymentEvent(
                    warehouse_id=ret.warehouse_id,
                    kind="refund",
                    order_id=order_id,
                    credit_note_id=note.id,
                    amount=refund.amount,
                    currency=order.currency,
                    payload={
                        "order": order.number,
                        "external_id": order.external_id,
                        "channel": order.channel,
                        "rma": ret.number,
                        "credit_note": number,
                        "amount": str(refund.amount),
                        "currency": order.currency,
                    },
                )
            )
        ret.status = ReturnStatus.COMPLETED
        session.add(ret)
        events.emit(
            session,
            events.ORDER_REFUNDED,
            warehouse_id=ret.warehouse_id,
            order=order.number,
            external_id=order.external_id,
            channel=order.channel,
            rma=ret.number,
            credit_note=number,
            amount=str(refund.amount),
            goods=str(refund.goods),
            shipping=str(refund.shipping),
            fees=str(refund.fees),
            currency=order.currency,
        )
        # The customer's lifetime value is net of refunds, in the base currency.
        customer = session.get(Customer, order.customer_id)
        assert customer is not None
        customer.lifetime_value_eur -= to_base(refund.amount, order.currency, _rate(session, order))
        session.add(customer)
        mails = queue_customer_notice(
            session,
            order_id=order_id,
            warehouse_id=ret.warehouse_id,
            kind=REFUND_ISSUED,
            subject=f"Your refund for order {order.number}",
            body=(
                f"we have refunded {refund.amount} {order.currency} for your return "
                f"{ret.number} of order {order.number} (credit note {number}).\n"
                f"Goods {refund.goods}, shipping {refund.shipping}, "
                f"restocking fees {refund.fees} {order.currency}.\n"
            ),
            data={
                "rma": ret.number,
                "order": order.number,
                "credit_note": number,
                "amount": str(refund.amount),
                "goods": str(refund.goods),
                "shipping": str(refund.shipping),
                "fees": str(refund.fees),
                "currency": order.currency,
            },
        )
        record(
            session,
            action="refund_issued",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=ret.warehouse_id,
            entity="return",
            entity_id=ret.number,
            credit_note=number,
            amount=str(refund.amount),
            currency=order.currency,
            shipping=str(refund.shipping),
            fees=str(refund.fees),
            notices=mails,
            invoice=invoice,
            settled_on_account=on_account,
        )
        return Issued(
            ret.number,
            number,
            refund.amount,
            order.currency,
            refund.goods,
            refund.shipping,
            refund.fees,
        )

    return db.run(body, what="issue a refund")


def _rate(session: Session, order: SalesOrder) -> Decimal:
    if order.currency == BASE_CURRENCY:
        return Decimal(1)
    rate = session.get(CurrencyRate, order.currency)
    if rate is None:
        raise ValidationError(f"no exchange rate for {order.currency}: set one before refunding")
    return rate.rate_to_eur


def _money(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def credit_note_document(db: Database, rma: str) -> CreditNoteDoc:
    """The credit note of return `rma` as the PDF draws it."""
    with db.reading() as s:
        got = s.exec(
            select(CreditNote, ReturnOrder)
            .join(ReturnOrder, col(ReturnOrder.id) == col(CreditNote.return_id))
            .where(col(ReturnOrder.number) == rma.strip().upper())
        ).first()
        if got is None:
            raise NotFound(f"no credit note for {rma.strip()[:40]!r}")
        note, ret = got
        order = s.get(SalesOrder, note.order_id)
        assert order is not None
        customer = s.get(Customer, order.customer_id)
        address = s.get(Address, order.ship_address_id)
        assert customer is not None and address is not None
    where = (address.street, f"{address.postcode} {address.city}".strip(), address.country)
    return CreditNoteDoc(
        number=note.number,
        rma=ret.number,
        order=order.number,
        issued=note.created_at,
        customer=customer.name,
        address=tuple(x for x in where if x),
        currency=note.currency,
        lines=tuple(
            CreditLine(
                str(x["sku"]),
                int(x["units"]),
                str(x["unit_price"]),
                str(x["goods"]),
                str(x["fees"]),
            )
            for x in note.lines
        ),
        goods=str(note.goods),
        shipping=str(note.shipping),
        fees=str(note.fees),
        amount=str(note.amount),
    )


def order_refunds(db: Database, order: str) -> dict[str, object]:
    """Order `order`'s credit notes, oldest first, each with its payment event's status, and
    the total refunded (GET /v1/orders/{order}/refunds)."""
    with db.reading() as s:
        so = s.exec(select(SalesOrder).where(col(SalesOrder.number) == order.strip())).first()
        if so is None:
            raise NotFound(f"no order {order.strip()[:40]!r}")
        got = s.exec(
            select(CreditNote, ReturnOrder, PaymentEvent)
            .join(ReturnOrder, col(ReturnOrder.id) == col(CreditNote.return_id))
            .outerjoin(PaymentEvent, col(PaymentEvent.credit_note_id) == col(CreditNote.id))
            .where(col(CreditNote.order_id) == so.id)
            .order_by(col(CreditNote.id))
        ).all()
    notes = [
        {
            "credit_note": note.number,
            "rma": ret.number,
            "amount": str(note.amount),
            "goods": str(note.goods),
            "shipping": str(note.shipping),
            "fees": str(note.fees),
            "currency": note.currency,
            "created_at": note.created_at.isoformat(),
            "lines": list(note.lines),
            "payment": {"id": pay.id, "status": pay.status, "last_error": pay.last_error}
            if pay is not None
            else None,
        }
        for note, ret, pay in got
    ]
    total = sum((note.amount for note, _, _ in got), Decimal(0))
    return {
        "order": so.number,
        "currency": so.currency,
        "refunded": str(round_money(total, so.currency)),
        "credit_notes": notes,
    }
