"""An invoice as UBL 2.1 XML (OASIS Universal Business Language, the e-invoicing format):
frozen data in, UTF-8 bytes out. The elements follow the order the UBL 2.1 schema prescribes;
`documents.ubl_schema.validate_invoice` checks a document against the official XSD files.

Amounts are written as the invoice states them (decimal strings, `currencyID` on each). One VAT
breakdown (category S, or Z when no tax) carries the invoice's tax; the order's shipping is a
document-level charge and its discount a document-level allowance, so that
LineExtensionAmount - AllowanceTotalAmount + ChargeTotalAmount = TaxExclusiveAmount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

from wms_terminal.scanning.text import is_unsafe_char

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CAC, _CBC = f"{{{NS['cac']}}}", f"{{{NS['cbc']}}}"


@dataclass(frozen=True)
class UblParty:
    name: str
    vat_id: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class UblLine:
    sku: str
    name: str
    qty: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class UblInvoice:
    number: str
    issued_on: str  # YYYY-MM-DD
    due_on: str
    currency: str
    order: str
    seller: UblParty
    buyer: UblParty
    lines: tuple[UblLine, ...]
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal
    payment_terms: str  # "Net 30 days"


def _text(value: str) -> str:
    # XML 1.0 cannot carry most control characters: data text never breaks the document.
    return "".join(" " if is_unsafe_char(c) else c for c in value)


def _el(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    ns = _CBC if value is not None else _CAC
    e = ET.SubElement(parent, ns + tag, attrs)
    if value is not None:
        e.text = _text(value)
    return e


def _amount(parent: ET.Element, tag: str, value: Decimal, currency: str) -> None:
    _el(parent, tag, str(value), currencyID=currency)


def _party(parent: ET.Element, role: str, p: UblParty) -> None:
    party = _el(_el(parent, role), "Party")
    _el(_el(party, "PartyName"), "Name", p.name)
    addr = _el(party, "PostalAddress")
    if p.street:
        _el(addr, "StreetName", p.street)
    if p.city:
        _el(addr, "CityName", p.city)
    if p.postcode:
        _el(addr, "PostalZone", p.postcode)
    if p.country:
        _el(_el(addr, "Country"), "IdentificationCode", p.country)
    if p.vat_id:
        scheme = _el(party, "PartyTaxScheme")
        _el(scheme, "CompanyID", p.vat_id)
        _el(_el(scheme, "TaxScheme"), "ID", "VAT")
    _el(_el(party, "PartyLegalEntity"), "RegistrationName", p.name)


def invoice_xml(inv: UblInvoice) -> bytes:
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    cur = inv.currency
    root = ET.Element(f"{{{NS['']}}}Invoice")
    _el(root, "UBLVersionID", "2.1")
    _el(root, "ID", inv.number)
    _el(root, "IssueDate", inv.issued_on)
    _el(root, "DueDate", inv.due_on)
    _el(root, "InvoiceTypeCode", "380")  # UNCL1001: commercial invoice
    _el(root, "DocumentCurrencyCode", cur)
    _el(_el(root, "OrderReference"), "ID", inv.order)
    _party(root, "AccountingSupplierParty", inv.seller)
    _party(root, "AccountingCustomerParty", inv.buyer)
    _el(_el(root, "PaymentTerms"), "Note", inv.payment_terms)
    net = inv.subtotal - inv.discount + inv.shipping
    category = "S" if inv.tax else "Z"
    percent = (
        (inv.tax * 100 / net).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if net
        else Decimal("0.00")
    )
    adjustments = ((False, "Discount", inv.discount), (True, "Shipping", inv.shipping))
    for charge, reason, amount in adjustments:
        if amount:
            ac = _el(root, "AllowanceCharge")
            _el(ac, "ChargeIndicator", "true" if charge else "false")
            _el(ac, "AllowanceChargeReason", reason)
            _amount(ac, "Amount", amount, cur)
            tc = _el(ac, "TaxCategory")
            _el(tc, "ID", category)
            _el(tc, "Percent", str(percent))
            _el(_el(tc, "TaxScheme"), "ID", "VAT")
    total = _el(root, "TaxTotal")
    _amount(total, "TaxAmount", inv.tax, cur)
    sub = _el(total, "TaxSubtotal")
    _amount(sub, "TaxableAmount", net, cur)
    _amount(sub, "TaxAmount", inv.tax, cur)
    tc = _el(sub, "TaxCategory")
    _el(tc, "ID", category)
    _el(tc, "Percent", str(percent))
    _el(_el(tc, "TaxScheme"), "ID", "VAT")
    money = _el(root, "LegalMonetaryTotal")
    _amount(money, "LineExtensionAmount", inv.subtotal, cur)
    _amount(money, "TaxExclusiveAmount", net, cur)
    _amount(money, "TaxInclusiveAmount", inv.total, cur)
    _amount(money, "AllowanceTotalAmount", inv.discount, cur)
    _amount(money, "ChargeTotalAmount", inv.shipping, cur)
    _amount(money, "PrepaidAmount", inv.paid, cur)
    _amount(money, "PayableAmount", inv.total - inv.paid, cur)
    for no, ln in enumerate(inv.lines, start=1):
        line = _el(root, "InvoiceLine")
        _el(line, "ID", str(no))
        _el(line, "InvoicedQuantity", str(ln.qty), unitCode="C62")  # UN/ECE rec 20: one
        _amount(line, "LineExtensionAmount", ln.amount, cur)
        item = _el(line, "Item")
        _el(item, "Name", ln.name or ln.sku)
        _el(_el(item, "SellersItemIdentification"), "ID", ln.sku)
        ctc = _el(item, "ClassifiedTaxCategory")
        _el(ctc, "ID", category)
        _el(ctc, "Percent", str(percent))
        _el(_el(ctc, "TaxScheme"), "ID", "VAT")
        _amount(_el(line, "Price"), "PriceAmount", ln.unit_price, cur)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"


@dataclass(frozen=True)
class UblCreditNote:
    """A refund's credit note (CN-...): the returned units at the price paid, the shipping
    refunded and the restocking fees kept, as the credit note states them (it carries no VAT of
    its own: category Z, 0 %). `invoice` is the invoice it credits, when it was invoiced."""

    number: str
    issued_on: str  # YYYY-MM-DD
    currency: str
    order: str
    invoice: str | None
    rma: str
    seller: UblParty
    buyer: UblParty
    lines: tuple[UblLine, ...]
    goods: Decimal
    shipping: Decimal
    fees: Decimal
    amount: Decimal


def credit_note_xml(cn: UblCreditNote) -> bytes:
    """An OASIS UBL 2.1 CreditNote (type code 381); fees are an allowance, shipping a charge,
    so LineExtensionAmount - AllowanceTotalAmount + ChargeTotalAmount = the amount credited."""
    ET.register_namespace("", CREDIT_NOTE_NS)
    for prefix in ("cac", "cbc"):
        ET.register_namespace(prefix, NS[prefix])
    cur = cn.currency
    root = ET.Element(f"{{{CREDIT_NOTE_NS}}}CreditNote")
    _el(root, "UBLVersionID", "2.1")
    _el(root, "ID", cn.number)
    _el(root, "IssueDate", cn.issued_on)
    _el(root, "CreditNoteTypeCode", "381")  # UNCL1001: credit note
    _el(root, "Note", f"Return {cn.rma}")
    _el(root, "DocumentCurrencyCode", cur)
    _el(_el(root, "OrderReference"), "ID", cn.order)
    if cn.invoice:
        _el(_el(_el(root, "BillingReference"), "InvoiceDocumentReference"), "ID", cn.invoice)
    _party(root, "AccountingSupplierParty", cn.seller)
    _party(root, "AccountingCustomerParty", cn.buyer)

    def category(parent: ET.Element, tag: str) -> None:
        tc = _el(parent, tag)
        _el(tc, "ID", "Z")
        _el(tc, "Percent", "0.00")
        _el(_el(tc, "TaxScheme"), "ID", "VAT")

    for charge, reason, amount in (
        (False, "Restocking fees", cn.fees),
        (True, "Shipping", cn.shipping),
    ):
        if amount:
            ac = _el(root, "AllowanceCharge")
            _el(ac, "ChargeIndicator", "true" if charge else "false")
            _el(ac, "AllowanceChargeReason", reason)
            _amount(ac, "Amount", amount, cur)
            category(ac, "TaxCategory")
    total = _el(root, "TaxTotal")
    _amount(total, "TaxAmount", Decimal("0.00"), cur)
    sub = _el(total, "TaxSubtotal")
    _amount(sub, "TaxableAmount", cn.amount, cur)
    _amount(sub, "TaxAmount", Decimal("0.00"), cur)
    category(sub, "TaxCategory")
    money = _el(root, "LegalMonetaryTotal")
    _amount(money, "LineExtensionAmount", cn.goods, cur)
    _amount(money, "TaxExclusiveAmount", cn.amount, cur)
    _amount(money, "TaxInclusiveAmount", cn.amount, cur)
    _amount(money, "AllowanceTotalAmount", cn.fees, cur)
    _amount(money, "ChargeTotalAmount", cn.shipping, cur)
    _amount(money, "PayableAmount", cn.amount, cur)
    for no, ln in enumerate(cn.lines, start=1):
        line = _el(root, "CreditNoteLine")
        _el(line, "ID", str(no))
        _el(line, "CreditedQuantity", str(ln.qty), unitCode="C62")
        _amount(line, "LineExtensionAmount", ln.amount, cur)
        item = _el(line, "Item")
        _el(item, "Name", ln.name or ln.sku)
        _el(_el(item, "SellersItemIdentification"), "ID", ln.sku)
        category(item, "ClassifiedTaxCategory")
        _amount(_el(line, "Price"), "PriceAmount", ln.unit_price, cur)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
