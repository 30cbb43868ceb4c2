"""An invoice on paper (PDF, `documents.business`) and as UBL 2.1 XML (`documents.ubl`, checked
against the official schema before it is handed out). The seller printed on them is set by
WMS_SELLER_NAME, WMS_SELLER_VAT_ID, WMS_SELLER_STREET, WMS_SELLER_POSTCODE, WMS_SELLER_CITY and
WMS_SELLER_COUNTRY (docs/b2b.md)."""

from __future__ import annotations

from wms_terminal.core.db import Database
from wms_terminal.documents.business import BusinessDoc, DocLine
from wms_terminal.documents.ubl import UblCreditNote, UblInvoice, UblLine, UblParty
from wms_terminal.sales.invoices import InvoiceView, show_invoice
from wms_terminal.sales.seller import seller


def invoice_document(v: InvoiceView) -> BusinessDoc:
    totals = [("Goods", str(v.subtotal))]
    if v.discount:
        totals.append(("Discount", f"-{v.discount}"))
    if v.shipping:
        totals.append(("Shipping", str(v.shipping)))
    if v.tax:
        totals.append(("VAT", str(v.tax)))
    totals.append((f"Total ({v.currency})", str(v.total)))
    if v.paid or v.credited:
        totals += [("Paid", f"-{v.paid}"), ("Credited", f"-{v.credited}")]
        totals.append((f"Outstanding ({v.currency})", str(v.outstanding)))
    s = seller()
    return BusinessDoc(
        kind="Invoice",
        number=v.number,
        issued=v.issued_on.isoformat(),
        customer=v.customer.name,
        address=v.customer.address,
        vat_id=v.customer.vat_id,
        currency=v.currency,
        lines=tuple(
            DocLine(ln.sku, ln.name, ln.qty, str(ln.unit_price), str(ln.amount)) for ln in v.lines
        ),
        totals=tuple(totals),
        facts=(
            ("due", v.due_on.isoformat()),
            ("order", v.order),
            ("terms", f"net {(v.due_on - v.issued_on).days} days"),
        ),
        note=" ".join(filter(None, (s.name, s.vat_id and f"VAT {s.vat_id}"))),
    )


def ubl_invoice(v: InvoiceView) -> UblInvoice:
    c = v.customer
    return UblInvoice(
        number=v.number,
        issued_on=v.issued_on.isoformat(),
        due_on=v.due_on.isoformat(),
        currency=v.currency,
        order=v.order,
        seller=seller(),
        buyer=UblParty(
            name=c.name,
            vat_id=c.vat_id,
            street=c.street,
            city=c.city,
            postcode=c.postcode,
            country=c.country,
        ),
        lines=tuple(UblLine(ln.sku, ln.name, ln.qty, ln.unit_price, ln.amount) for ln in v.lines),
        subtotal=v.subtotal,
        discount=v.discount,
        shipping=v.shipping,
        tax=v.tax,
        total=v.total,
        paid=v.paid,
        payment_terms=f"Net {(v.due_on - v.issued_on).days} days",
    )


def render_invoice_pdf(db: Database, number: str) -> bytes:
    from wms_terminal.documents.business import business_pdf

    return business_pdf(invoice_document(show_invoice(db, number)))


def render_invoice_ubl(db: Database, number: str) -> bytes:
    """The UBL XML, refused (ValidationError) if it does not pass the UBL 2.1 schema."""
    from wms_terminal.documents.ubl import invoice_xml
    from wms_terminal.documents.ubl_schema import validate_invoice

    xml = invoice_xml(ubl_invoice(show_invoice(db, number)))
    validate_invoice(xml)
    return xml


def ubl_credit_note(db: Database, number: str) -> UblCreditNote:
    """Credit note `number` (CN-..., or the RMA it refunds) for UBL: the buyer is the business
    record when the customer has one (billing address, VAT id), else the delivery address."""
    from decimal import Decimal

    from sqlmodel import col, or_, select

    from wms_terminal.core.errors import NotFound
    from wms_terminal.core.models import (
        Address,
        BusinessCustomer,
        CreditNote,
        Customer,
        Invoice,
        Product,
        ReturnOrder,
        SalesOrder,
    )
    from wms_terminal.sales.customers import terms_of

    with db.reading() as s:
        got = s.exec(
            select(CreditNote, ReturnOrder)
            .join(ReturnOrder, col(ReturnOrder.id) == col(CreditNote.return_id))
            .where(
                or_(
                    col(CreditNote.number) == number.strip().upper(),
                    col(ReturnOrder.number) == number.strip().upper(),
                )
            )
        ).first()
        if got is None:
            raise NotFound(f"no credit note {number.strip()[:40]!r}")
        note, ret = got
        order = s.get(SalesOrder, note.order_id)
        assert order is not None
        if s.get(BusinessCustomer, order.customer_id) is not None:
            t = terms_of(s, order.customer_id)
            buyer = UblParty(t.name, t.vat_id, t.street, t.city, t.postcode, t.country)
        else:
            customer, address = (
                s.get(Customer, order.customer_id),
                s.get(Address, order.ship_address_id),
            )
            assert customer is not None and address is not None
            buyer = UblParty(
                customer.name, "", address.street, address.city, address.postcode, address.country
            )
        invoice = (
            s.exec(select(col(Invoice.number)).where(col(Invoice.id) == note.invoice_id)).first()
            if note.invoice_id
            else None
        )
        skus = [str(x["sku"]) for x in note.lines]
        names = {
            str(sku): str(name)
            for sku, name in s.execute(
                select(col(Product.sku), col(Product.name)).where(col(Product.sku).in_(skus))
            ).all()
        }
    return UblCreditNote(
        number=note.number,
        issued_on=note.created_at.date().isoformat(),
        currency=note.currency,
        order=order.number,
        invoice=invoice,
        rma=ret.number,
        seller=seller(),
        buyer=buyer,
        lines=tuple(
            UblLine(
                str(x["sku"]),
                str(names.get(str(x["sku"]), "")),
                int(x["units"]),
                Decimal(str(x["unit_price"])),
                Decimal(str(x["goods"])),
            )
            for x in note.lines
        ),
        goods=note.goods,
        shipping=note.shipping,
        fees=note.fees,
        amount=note.amount,
    )


def render_credit_note_ubl(db: Database, number: str) -> bytes:
    """Credit note `number` (or the RMA it refunds) as UBL 2.1 XML, refused (ValidationError)
    if it does not pass the UBL 2.1 CreditNote schema."""
    from wms_terminal.documents.ubl import credit_note_xml
    from wms_terminal.documents.ubl_schema import validate_credit_note

    xml = credit_note_xml(ubl_credit_note(db, number))
    validate_credit_note(xml)
    return xml
