"""An invoice on paper (PDF, `documents.business`) and as UBL 2.1 XML (`documents.ubl`, checked
against the official schema before it is handed out). The seller printed on them is set by
WMS_SELLER_NAME, WMS_SELLER_VAT_ID, WMS_SELLER_STREET, WMS_SELLER_POSTCODE, WMS_SELLER_CITY and
WMS_SELLER_COUNTRY (docs/b2b.md)."""

from __future__ import annotations

import os

from wms_terminal.core.db import Database
from wms_terminal.documents.business import BusinessDoc, DocLine
from wms_terminal.documents.ubl import UblInvoice, UblLine, UblParty
from wms_terminal.sales.invoices import InvoiceView, show_invoice


def seller() -> UblParty:
    env = os.environ.get
    return UblParty(
        name=env("WMS_SELLER_NAME", "").strip() or "wms-terminal",
        vat_id=env("WMS_SELLER_VAT_ID", "").strip(),
        street=env("WMS_SELLER_STREET", "").strip(),
        postcode=env("WMS_SELLER_POSTCODE", "").strip(),
        city=env("WMS_SELLER_CITY", "").strip(),
        country=env("WMS_SELLER_COUNTRY", "").strip().upper()[:2],
    )


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
