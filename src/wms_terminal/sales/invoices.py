"""Invoices to business customers: raised for what shipped, numbered without gaps, due after
the customer's payment terms, open until paid (statuses: `core.states.InvoiceStatus`).

Numbers: INV-0000001 from the `invoice` sequence (`core.sequences`, the one credit notes use),
moved in the transaction that writes the invoice; a transaction that fails gives its number
back with everything else, so numbers never skip, and the counter row's lock hands each number
out once. Raising locks the order's row: two clerks cannot invoice the same units.

Invoices are raised at the hand-over to the carrier, in its transaction
(`raise_at_hand_over`, called by `packing.shipments`); `raise_due` catches up what is left.

What an invoice bills: a customer invoiced per shipment gets one invoice per hand-over to the
carrier (the units in that shipment's packages); one invoiced per order gets one invoice once
the order has shipped (every unit shipped). Line prices are the order's (a quote's discounted
prices). The order's shipping goes on its first invoice; its discount and tax are shared out by
the goods invoiced, the last invoice of the order taking what is left, so an order's invoices
add up to its total (for what shipped).

Payments (`pay_invoice`) and credit notes linked to the invoice (refunds of returned units,
`link_credit_note`) reduce what is outstanding; at nothing outstanding the invoice is paid. An
open invoice past its due date is overdue (`list_invoices(overdue=True)`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.events import MAX_ID
from wms_terminal.core.models import (
    BusinessCustomer,
    CreditNote,
    CurrencyRate,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    OrderLine,
    Package,
    PackageLine,
    Product,
    ReturnLine,
    SalesOrder,
    Shipment,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.money import BASE_CURRENCY, fits, round_money
from wms_terminal.core.sequences import next_number
from wms_terminal.core.statements import for_update
from wms_terminal.core.states import INVOICE_TRANSITIONS, InvoiceStatus, OrderStatus, transition
from wms_terminal.sales.customers import BusinessTerms, business_customer_id, terms_of
from wms_terminal.sales.numbered import locked_by_number

PREFIX = "INV-"
SHIPPED = (OrderStatus.SHIPPED, OrderStatus.RETURNED)


@dataclass(frozen=True)
class InvoiceLineView:
    sku: str
    name: str
    qty: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceView:
    number: str
    status: str
    customer: BusinessTerms
    order: str
    shipment: int | None
    currency: str
    rate_to_eur: Decimal
    issued_on: date
    due_on: date
    lines: tuple[InvoiceLineView, ...]
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal
    credited: Decimal
    credit_notes: tuple[str, ...]
    paid_on: date | None
    overdue: bool

    @property
    def outstanding(self) -> Decimal:
        return max(self.total - self.paid - self.credited, Decimal(0))

    def as_json(self) -> dict[str, object]:
        return {
            "invoice": self.number,
            "status": self.status,
            "customer": self.customer.ref,
            "customer_name": self.customer.name,
            "order": self.order,
            "shipment": self.shipment,
            "currency": self.currency,
            "issued_on": self.issued_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "net_days": (self.due_on - self.issued_on).days,
            "lines": [
                {
                    "sku": ln.sku,
                    "name": ln.name,
                    "qty": ln.qty,
                    "unit_price": str(ln.unit_price),
                    "amount": str(ln.amount),
                }
                for ln in self.lines
            ],
            "subtotal": str(self.subtotal),
            "discount": str(self.discount),
            "shipping": str(self.shipping),
            "tax": str(self.tax),
            "total": str(self.total),
            "paid": str(self.paid),
            "credited": str(self.credited),
            "outstanding": str(self.outstanding),
            "credit_notes": list(self.credit_notes),
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "overdue": self.overdue,
        }


def _today() -> date:
    return utcnow().date()


# ---------------------------------------------------------------------------- raising


def raise_invoice(
    db: Database,
    actor: Actor,
    *,
    order: str | None = None,
    shipment: int | None = None,
    today: date | None = None,
) -> InvoiceView:
    """The invoice of a shipped order (customer invoiced per order) or of one shipment
    (customer invoiced per shipment)."""
    require(actor, "manage_invoices")
    if (order is None) == (shipment is None):
        raise ValidationError("invoice an order or a shipment")
    day = today or _today()

    def body(s: Session) -> str:
        if shipment is not None:
            # An id an INTEGER column cannot hold is no shipment (the driver would overflow).
            ship = s.get(Shipment, shipment) if 1 <= shipment <= MAX_ID else None
            if ship is None:
                raise NotFound(f"no shipment {shipment}")
            return raise_in(s, actor, ship.order_id, shipment, day)
        oid = s.exec(
            select(col(SalesOrder.id)).where(col(SalesOrder.number) == (order or "").strip())
        ).first()
        if oid is None:
            raise NotFound(f"no order {(order or '').strip()[:20]!r}")
        return raise_in(s, actor, int(oid), None, day)

    return show_invoice(db, db.run(body, what="invoice"), today=day)


def raise_due(db: Database, actor: Actor, *, today: date | None = None) -> list[InvoiceView]:
    """Every invoice due: each shipment of a customer invoiced per shipment, each shipped order
    of a customer invoiced per order, not invoiced yet; one transaction per invoice."""
    require(actor, "manage_invoices")
    day = today or _today()
    with db.reading() as s:
        per_shipment = s.execute(
            text(
                "SELECT sh.id FROM shipment sh JOIN sales_order o ON o.id = sh.order_id "
                "JOIN business_customer b ON b.customer_id = o.customer_id "
                "WHERE b.invoice_per = 'shipment' AND sh.status = 'shipped' "
                "AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.shipment_id = sh.id) "
                "ORDER BY sh.id"
            )
        ).all()
        per_order = s.execute(
            text(
                "SELECT o.number FROM sales_order o "
                "JOIN business_customer b ON b.customer_id = o.customer_id "
                "WHERE b.invoice_per = 'order' AND o.status IN ('shipped', 'returned') "
                "AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.order_id = o.id) "
                "ORDER BY o.id"
            )
        ).all()
    done = [raise_invoice(db, actor, shipment=int(sid), today=day) for (sid,) in per_shipment]
    done += [raise_invoice(db, actor, order=str(n), today=day) for (n,) in per_order]
    return done


def raise_at_hand_over(
    s: Session, actor: Actor, order_id: int, shipment_id: int, *, complete: bool, day: date
) -> str | None:
    """In the hand-over's transaction: the invoice a business customer's terms call for now
    (one for this shipment when invoiced per shipment; one for the order once it has wholly
    shipped when invoiced per order). Not a business customer, or nothing due yet: None. An
    invoice that cannot be raised (no exchange rate for the currency, say) does not stop the
    carrier: it is left for `invoices raise --due`, and the audit log says why."""
    got = s.execute(
        text(
            "SELECT b.invoice_per, o.number FROM business_customer b JOIN sales_order o "
            "ON o.customer_id = b.customer_id WHERE o.id = :o"
        ),
        {"o": order_id},
    ).first()
    per = None if got is None else str(got[0])
    if got is None or (per == "order" and not complete):
        return None
    try:
        with s.begin_nested():
            return raise_in(s, actor, order_id, shipment_id if per == "shipment" else None, day)
    except ValidationError as e:
        record(
            s,
            action="invoice_deferred",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="sales_order",
            entity_id=str(got[1]),
            shipment=shipment_id,
            reason=str(e)[:200],
        )
        return None


def _invoiced(s: Session, order_id: int) -> dict[int, int]:
    rows = s.execute(
        select(col(InvoiceLine.order_line_id), func.sum(col(InvoiceLine.qty)))
        .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
        .where(col(Invoice.order_id) == order_id)
        .group_by(col(InvoiceLine.order_line_id))
    ).all()
    return {int(lid): int(q) for lid, q in rows}


def raise_in(s: Session, actor: Actor, order_id: int, shipment: int | None, day: date) -> str:
    """`raise_invoice` in the caller's transaction (order locked, number taken, rows written)."""
    s.execute(text("SELECT id FROM sales_order WHERE id = :o" + for_update(s)), {"o": order_id})
    so = s.get(SalesOrder, order_id)
    assert so is not None and so.id is not None
    s.refresh(so)
    terms = s.get(BusinessCustomer, so.customer_id)
    if terms is None:
        raise ValidationError(f"{so.number}: the customer is not a business customer")
    if (shipment is not None) != (terms.invoice_per == "shipment"):
        raise ValidationError(
            f"{so.number}: the customer is invoiced per {terms.invoice_per}"
            + (f"; invoice --order {so.number}" if shipment is not None else "; by shipment")
        )
    lines = {ln.id: ln for ln in s.exec(select(OrderLine).where(col(OrderLine.order_id) == so.id))}
    before = _invoiced(s, so.id)
    if shipment is not None:
        if s.exec(select(Invoice.id).where(col(Invoice.shipment_id) == shipment)).first():
            raise ValidationError(f"shipment {shipment} of {so.number} is invoiced already")
        got = s.execute(
            select(col(PackageLine.order_line_id), func.sum(col(PackageLine.qty)))
            .join(Package, col(Package.id) == col(PackageLine.package_id))
            .where(col(Package.shipment_id) == shipment)
            .group_by(col(PackageLine.order_line_id))
        ).all()
        qty = {int(lid): int(q) for lid, q in got}
    else:
        if so.status not in SHIPPED:
            raise ValidationError(f"{so.number} is {so.status}: it is invoiced once shipped")
        qty = {
            lid: ln.qty_shipped - before.get(lid, 0)
            for lid, ln in lines.items()
            if lid is not None and ln.qty_shipped > before.get(lid, 0)
        }
    if not qty:
        raise ValidationError(f"{so.number}: nothing shipped is left to invoice")
    names = dict(
        s.execute(
            select(col(Product.id), col(Product.sku)).where(
                col(Product.id).in_({lines[lid].product_id for lid in qty})
            )
        ).all()
    )
    full_names = dict(
        s.execute(
            select(col(Product.id), col(Product.name)).where(col(Product.id).in_(names))
        ).all()
    )
    cur = so.currency
    goods = sum((lines[lid].unit_price * q for lid, q in qty.items()), Decimal(0))
    n_prior = len(s.exec(select(Invoice.id).where(col(Invoice.order_id) == so.id)).all())
    prior_discount, prior_tax = _sum(s, so.id, "discount"), _sum(s, so.id, "tax")
    after = {lid: before.get(lid, 0) + qty.get(lid, 0) for lid in lines if lid is not None}
    last = so.status in SHIPPED and all(
        after[lid] >= ln.qty_shipped for lid, ln in lines.items() if lid is not None
    )
    shipping = so.shipping if n_prior == 0 else Decimal(0)
    if last:
        discount = so.discount - prior_discount
        tax = so.tax - prior_tax
    else:
        share = goods / so.subtotal if so.subtotal else Decimal(0)
        discount = round_money(so.discount * share, cur)
        net_order = so.subtotal - so.discount + so.shipping
        net = goods - discount + shipping
        tax = round_money(so.tax * net / net_order, cur) if net_order else Decimal(0)
    total = goods - discount + shipping + tax
    rate = (
        Decimal(1)
        if cur == BASE_CURRENCY
        else s.exec(
            select(col(CurrencyRate.rate_to_eur)).where(col(CurrencyRate.currency) == cur)
        ).first()
    )
    if rate is None:
        raise ValidationError(f"no exchange rate for currency {cur}")
    number = f"{PREFIX}{next_number(s, 'invoice'):07d}"
    inv = Invoice(
        number=number,
        customer_id=so.customer_id,
        order_id=so.id,
        shipment_id=shipment,
        currency=cur,
        rate_to_eur=rate,
        subtotal=goods,
        discount=max(discount, Decimal(0)),
        shipping=shipping,
        tax=max(tax, Decimal(0)),
        total=max(total, Decimal(0)),
        issued_on=day,
        due_on=day + timedelta(days=terms.payment_terms_days),
        created_by=actor.user_id,
    )
    s.add(inv)
    s.flush()
    assert inv.id is not None
    for no, lid in enumerate(sorted(qty, key=lambda i: lines[i].line_no), start=1):
        ln = lines[lid]
        s.add(
            InvoiceLine(
                invoice_id=inv.id,
                line_no=no,
                order_line_id=lid,
                sku=str(names[ln.product_id]),
                name=str(full_names[ln.product_id]),
                qty=qty[lid],
                unit_price=ln.unit_price,
                amount=ln.unit_price * qty[lid],
            )
        )
    # Refunds made before the invoice (a return of these units already credited) count on it.
    for note in s.exec(
        select(CreditNote).where(
            col(CreditNote.order_id) == so.id, col(CreditNote.invoice_id).is_(None)
        )
    ):
        link_credit_note(s, note)
    record(
        s,
        action="invoice_raised",
        user_id=actor.user_id,
        terminal=actor.terminal,
        entity="invoice",
        entity_id=number,
        order=so.number,
        shipment=shipment,
        total=str(inv.total),
        currency=cur,
        due_on=inv.due_on.isoformat(),
    )
    return number


def _sum(s: Session, order_id: int, column: str) -> Decimal:
    values = s.exec(select(getattr(Invoice, column)).where(col(Invoice.order_id) == order_id))
    return sum(values, Decimal(0))


# ---------------------------------------------------------------------------- money in


def pay_invoice(
    db: Database,
    actor: Actor,
    number: str,
    *,
    amount: Decimal,
    paid_on: date | None = None,
    reference: str = "",
) -> InvoiceView:
    """A payment received: at most what is outstanding; the whole of it pays the invoice."""
    require(actor, "manage_invoices")
    if len(reference) > 80:
        raise ValidationError("a payment reference has at most 80 characters")
    day = paid_on or _today()

    def body(s: Session) -> str:
        inv = _locked(s, number)
        if inv.status != InvoiceStatus.OPEN:
            raise InvalidTransition(f"{inv.number} is {inv.status}: no payment is due")
        if not amount.is_finite() or amount <= 0 or not fits(amount, inv.currency):
            raise ValidationError(f"{amount} is not an amount in {inv.currency}")
        owed = inv.total - inv.paid - _credited(s, inv)
        if amount > owed:
            raise ValidationError(
                f"{inv.number}: {amount} {inv.currency} is more than the {owed} outstanding"
            )
        assert inv.id is not None
        s.add(
            InvoicePayment(
                invoice_id=inv.id,
                amount=amount,
                paid_on=day,
                reference=reference.strip(),
                recorded_by=actor.user_id,
            )
        )
        inv.paid += amount
        _settle(s, inv, day)
        record(
            s,
            action="invoice_payment",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="invoice",
            entity_id=inv.number,
            amount=str(amount),
            currency=inv.currency,
            reference=reference.strip(),
            status=inv.status,
        )
        return inv.number

    return show_invoice(db, db.run(body, what="invoice payment"))


def _settle(s: Session, inv: Invoice, day: date) -> None:
    if inv.total - inv.paid - _credited(s, inv) <= 0:
        transition(inv, InvoiceStatus.PAID, INVOICE_TRANSITIONS)
        inv.paid_on = day
    s.add(inv)


def _credited(s: Session, inv: Invoice) -> Decimal:
    amounts = s.exec(select(col(CreditNote.amount)).where(col(CreditNote.invoice_id) == inv.id))
    return sum(amounts, Decimal(0))


def link_credit_note(s: Session, note: CreditNote) -> str | None:
    """In the refund's transaction: the credit note to the invoice that billed the returned
    units (the newest one, when several did); an open invoice is paid once nothing is left
    outstanding. The invoice's number, or None (nothing of it was invoiced)."""
    found = s.execute(
        select(col(Invoice.id))
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
        .join(ReturnLine, col(ReturnLine.order_line_id) == col(InvoiceLine.order_line_id))
        .where(col(ReturnLine.return_id) == note.return_id)
        .order_by(col(Invoice.id).desc())
        .limit(1)
    ).scalar()
    if found is None:
        return None
    s.execute(text("SELECT id FROM invoice WHERE id = :i" + for_update(s)), {"i": found})
    inv = s.get(Invoice, int(found))
    assert inv is not None
    s.refresh(inv)
    note.invoice_id = inv.id
    s.add(note)
    s.flush()
    if inv.status == InvoiceStatus.OPEN:
        _settle(s, inv, _today())
    return inv.number


def _locked(s: Session, number: str) -> Invoice:
    return locked_by_number(s, Invoice, "invoice", number, "invoice")


# ---------------------------------------------------------------------------- reading


def show_invoice(db: Database, number: str, *, today: date | None = None) -> InvoiceView:
    with db.reading() as s:
        inv = s.exec(select(Invoice).where(col(Invoice.number) == number.strip().upper())).first()
        if inv is None:
            raise NotFound(f"no invoice {number.strip()[:20]!r}")
        return _views(s, [inv], today or _today())[0]


def list_invoices(
    db: Database,
    *,
    status: str | None = None,
    overdue: bool = False,
    customer: str | None = None,
    today: date | None = None,
) -> list[InvoiceView]:
    """Invoices by number; `overdue`: open ones past their due date, the oldest due first."""
    day = today or _today()
    with db.reading() as s:
        stmt = select(Invoice).order_by(col(Invoice.id))
        if status:
            stmt = stmt.where(col(Invoice.status) == status)
        if overdue:
            stmt = (
                select(Invoice)
                .where(col(Invoice.status) == InvoiceStatus.OPEN, col(Invoice.due_on) < day)
                .order_by(col(Invoice.due_on), col(Invoice.id))
            )
        if customer:
            stmt = stmt.where(col(Invoice.customer_id) == business_customer_id(s, customer))
        return _views(s, list(s.exec(stmt)), day)


def _views(s: Session, invoices: list[Invoice], day: date) -> list[InvoiceView]:
    ids = [i.id for i in invoices]
    lines: dict[int, list[InvoiceLineView]] = defaultdict(list)
    notes: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for ln in s.exec(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id).in_(ids))
        .order_by(col(InvoiceLine.invoice_id), col(InvoiceLine.line_no))
    ):
        lines[ln.invoice_id].append(
            InvoiceLineView(ln.sku, ln.name, ln.qty, ln.unit_price, ln.amount)
        )
    for iid, cn, amount in s.execute(
        select(col(CreditNote.invoice_id), col(CreditNote.number), col(CreditNote.amount))
        .where(col(CreditNote.invoice_id).in_(ids))
        .order_by(col(CreditNote.id))
    ).all():
        notes[int(iid)].append((str(cn), amount))
    orders = dict(
        s.execute(
            select(col(SalesOrder.id), col(SalesOrder.number)).where(
                col(SalesOrder.id).in_({i.order_id for i in invoices})
            )
        ).all()
    )
    terms: dict[int, BusinessTerms] = {}
    out = []
    for inv in invoices:
        assert inv.id is not None
        if inv.customer_id not in terms:
            terms[inv.customer_id] = terms_of(s, inv.customer_id)
        out.append(
            InvoiceView(
                number=inv.number,
                status=inv.status,
                customer=terms[inv.customer_id],
                order=str(orders[inv.order_id]),
                shipment=inv.shipment_id,
                currency=inv.currency,
                rate_to_eur=inv.rate_to_eur,
                issued_on=inv.issued_on,
                due_on=inv.due_on,
                lines=tuple(lines[inv.id]),
                subtotal=inv.subtotal,
                discount=inv.discount,
                shipping=inv.shipping,
                tax=inv.tax,
                total=inv.total,
                paid=inv.paid,
                credited=sum((a for _, a in notes[inv.id]), Decimal(0)),
                credit_notes=tuple(n for n, _ in notes[inv.id]),
                paid_on=inv.paid_on,
                overdue=inv.status == InvoiceStatus.OPEN and inv.due_on < day,
            )
        )
    return out
