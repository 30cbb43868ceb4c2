"""Business customers: a customer (found or created by its reference) with a VAT id, payment
terms in net days, invoices per order or per shipment, and a billing address."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import BusinessCustomer, Customer

INVOICE_PER = ("order", "shipment")
MAX_TERMS = 365


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


def save_business_customer(
    db: Database,
    actor: Actor,
    *,
    ref: str,
    name: str = "",
    email: str = "",
    vat_id: str = "",
    net_days: int = 30,
    invoice_per: str = "order",
    street: str = "",
    city: str = "",
    postcode: str = "",
    country: str = "",
) -> BusinessTerms:
    """Create or update the business terms of customer `ref` (a new customer needs a name)."""
    require(actor, "manage_quotes")
    ref, name, country = ref.strip(), " ".join(name.split()), country.strip().upper()
    problems = []
    if not ref or len(ref) > 80:
        problems.append("a customer reference of 1 to 80 characters")
    if not 0 <= net_days <= MAX_TERMS:
        problems.append(f"payment terms of 0 to {MAX_TERMS} net days")
    if invoice_per not in INVOICE_PER:
        problems.append(f"invoices per {' or '.join(INVOICE_PER)}")
    if country and not (len(country) == 2 and country.isalpha()):
        problems.append("a two-letter country code (ISO 3166)")
    if len(name) > 200 or len(vat_id) > 40 or len(street) > 200 or len(city) > 100:
        problems.append("a name, street and city of at most 200/200/100 characters")
    if problems:
        raise ValidationError("business customer needs " + "; ".join(problems))

    def body(s: Session) -> BusinessTerms:
        customer = s.exec(select(Customer).where(col(Customer.external_ref) == ref)).first()
        if customer is None:
            if not name:
                raise ValidationError(f"no customer {ref!r} yet: give its --name")
            customer = Customer(external_ref=ref, name=name, email=email.strip().lower())
        else:
            customer.name = name or customer.name
            customer.email = email.strip().lower() or customer.email
        s.add(customer)
        s.flush()
        assert customer.id is not None
        terms = s.get(BusinessCustomer, customer.id) or BusinessCustomer(customer_id=customer.id)
        terms.vat_id = vat_id.strip() or terms.vat_id
        terms.payment_terms_days = net_days
        terms.invoice_per = invoice_per
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
            entity_id=ref,
            net_days=net_days,
            invoice_per=invoice_per,
        )
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
            f"no business customer {ref.strip()[:80]!r} (add one: quotes customer --ref REF ...)"
        )
    return int(row)
