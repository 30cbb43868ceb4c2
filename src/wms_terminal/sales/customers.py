"""Business customers: one record per customer (`business_customer`) holding its VAT id,
payment terms in net days, invoices per order or per shipment, a billing address and, when it
buys on account, its credit limit (`core.credit`). `save_business_customer` is the one way to
write it (`wms-terminal customers account`, and its older spellings `quotes customer` and
`customers credit-limit`)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.credit import find_customer, set_limit_in
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import BusinessCustomer, Customer

INVOICE_PER = ("order", "shipment")
MAX_TERMS = 365


class _Keep:
    """An option not given: the record keeps what it has."""


KEEP = _Keep()


@dataclass(frozen=True)
class BusinessTerms:
    customer_id: int
    ref: str
    name: str
    email: str
    vat_id: str
    payment_terms_days: int
    invoice_per: str
    address: tuple[str, ...]  # street, postcode + city, country
    country: str
    street: str = ""
    city: str = ""
    postcode: str = ""
    credit_limit_eur: Decimal | None = None  # None: not on account

    def as_json(self) -> dict[str, object]:
        return {
            "customer": self.ref,
            "name": self.name,
            "email": self.email,
            "vat_id": self.vat_id,
            "net_days": self.payment_terms_days,
            "invoice_per": self.invoice_per,
            "street": self.street,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
            "on_account": self.credit_limit_eur is not None,
            "credit_limit_eur": None
            if self.credit_limit_eur is None
            else f"{self.credit_limit_eur:.2f}",
        }


def save_business_customer(
    db: Database,
    actor: Actor,
    *,
    ref: str,
    name: str = "",
    email: str = "",
    vat_id: str = "",
    net_days: int | None = None,
    invoice_per: str | None = None,
    street: str = "",
    city: str = "",
    postcode: str = "",
    country: str = "",
    credit_limit: Decimal | _Keep | None = KEEP,
) -> BusinessTerms:
    """Create or update the business record of customer `ref` (its reference, or the e-mail of
    an existing customer; a new customer needs a reference and a name). Options left out keep
    what the record has (a new record: 30 net days, invoiced per order); `credit_limit` puts
    it on account (EUR), changes the limit or takes it off (None): a manager's right."""
    require(actor, "manage_quotes")
    if not isinstance(credit_limit, _Keep):
        require(actor, "manage_credit")
    ref, name, country = ref.strip(), " ".join(name.split()), country.strip().upper()
    problems = []
    if not ref or len(ref) > 80:
        problems.append("a customer reference of 1 to 80 characters")
    if net_days is not None and not 0 <= net_days <= MAX_TERMS:
        problems.append(f"payment terms of 0 to {MAX_TERMS} net days")
    if invoice_per is not None and invoice_per not in INVOICE_PER:
        problems.append(f"invoices per {' or '.join(INVOICE_PER)}")
    if country and not (len(country) == 2 and country.isalpha()):
        problems.append("a two-letter country code (ISO 3166)")
    if len(name) > 200 or len(vat_id) > 40 or len(street) > 200 or len(city) > 100:
        problems.append("a name, street and city of at most 200/200/100 characters")
    # The import's rule: control characters would reach UBL XML (which cannot hold them),
    # PDFs and e-mail headers.
    fields = {"ref": ref, "name": name, "email": email, "vat_id": vat_id, "street": street}
    fields |= {"city": city, "postcode": postcode}
    for field, value in fields.items():
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
            problems.append(f"no control characters ({field} contains control characters)")
    if problems:
        raise ValidationError("business customer needs " + "; ".join(problems))

    def body(s: Session) -> BusinessTerms:
        try:
            customer = find_customer(s, ref)
        except NotFound:
            if not name:
                raise ValidationError(f"no customer {ref!r} yet: give its --name") from None
            customer = Customer(external_ref=ref, name=name, email=email.strip().lower())
        else:
            customer.name = name or customer.name
            customer.email = email.strip().lower() or customer.email
        s.add(customer)
        s.flush()
        assert customer.id is not None
        terms = s.get(BusinessCustomer, customer.id) or BusinessCustomer(customer_id=customer.id)
        terms.vat_id = vat_id.strip() or terms.vat_id
        terms.payment_terms_days = (
            net_days if net_days is not None else terms.payment_terms_days or 30
        )
        terms.invoice_per = invoice_per or terms.invoice_per or "order"
        terms.street = street.strip() or terms.street
        terms.city = city.strip() or terms.city
        terms.postcode = postcode.strip() or terms.postcode
        terms.country = country or terms.country
        s.add(terms)
        s.flush()
        record(
            s,
            action="business_customer_saved",
            user_id=actor.user_id,
            terminal=actor.terminal,
            entity="customer",
            entity_id=customer.external_ref or customer.email,
            net_days=terms.payment_terms_days,
            invoice_per=terms.invoice_per,
        )
        if not isinstance(credit_limit, _Keep):
            set_limit_in(s, actor, customer, credit_limit)
        return terms_of(s, customer.id)

    return db.run(body, what="business customer")


def terms_of(s: Session, customer_id: int) -> BusinessTerms:
    customer = s.get(Customer, customer_id)
    terms = s.get(BusinessCustomer, customer_id)
    if customer is None or terms is None:
        raise NotFound(f"customer {customer_id} is not a business customer")
    return BusinessTerms(
        customer_id=customer_id,
        ref=customer.external_ref or "",
        name=customer.name,
        email=customer.email,
        vat_id=terms.vat_id,
        payment_terms_days=terms.payment_terms_days,
        invoice_per=terms.invoice_per,
        address=tuple(
            p for p in (terms.street, " ".join(filter(None, (terms.postcode, terms.city)))) if p
        )
        + ((terms.country,) if terms.country else ()),
        country=terms.country,
        street=terms.street,
        city=terms.city,
        postcode=terms.postcode,
        credit_limit_eur=terms.credit_limit_eur,
    )


def business_customer_id(s: Session, ref: str) -> int:
    """The customer id of business customer `ref`; NotFound otherwise."""
    row = s.exec(
        select(col(BusinessCustomer.customer_id))
        .join(Customer, col(Customer.id) == col(BusinessCustomer.customer_id))
        .where(col(Customer.external_ref) == ref.strip())
    ).first()
    if row is None:
        raise NotFound(
            f"no business customer {ref.strip()[:80]!r} "
            "(add one: customers account REF --name N ...)"
        )
    return int(row)
