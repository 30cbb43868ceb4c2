"""A quote on paper: the A4 PDF of `documents.business` (the packing slip's fonts, data text
escaped)."""

from __future__ import annotations

from wms_terminal.core.db import Database
from wms_terminal.documents.business import BusinessDoc, DocLine
from wms_terminal.sales.quotes import QuoteView, show_quote


def quote_document(v: QuoteView) -> BusinessDoc:
    """The quote as printed (`documents.business`)."""
    totals = [("Subtotal", str(v.subtotal))]
    if v.discount:
        totals.append((f"Discount {v.discount_percent.normalize():f}%", f"-{v.discount}"))
    if v.shipping:
        totals.append(("Shipping", str(v.shipping)))
    if v.tax_percent:
        totals.append((f"VAT {v.tax_percent.normalize():f}%", str(v.tax)))
    totals.append((f"Total ({v.currency})", str(v.total)))
    return BusinessDoc(
        kind="Quote",
        number=v.number,
        issued=v.created_at.date().isoformat(),
        customer=v.customer.name,
        address=v.customer.address,
        vat_id=v.customer.vat_id,
        currency=v.currency,
        lines=tuple(
            DocLine(
                sku=ln.sku,
                name=ln.name,
                qty=ln.qty,
                unit_price=str(ln.unit_price),
                amount=str(ln.amount),
                list_price=str(ln.list_price),
                discount=f"{ln.discount_percent.normalize():f}%" if ln.discount_percent else "",
            )
            for ln in v.lines
        ),
        totals=tuple(totals),
        facts=(("valid until", v.valid_until.isoformat()), ("customer", v.customer.ref)),
        note=v.note,
    )


def render_quote(db: Database, number: str) -> bytes:
    from wms_terminal.documents.business import business_pdf

    return business_pdf(quote_document(show_quote(db, number)))
