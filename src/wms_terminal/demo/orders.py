"""The demo's open orders, as `OrderInput` for `core.intake.import_orders` (pure generation).

- Channels: web shop (about 55 %), marketplace (33 %) and phone (12 %); currency by destination
  (GBP to the UK, USD to the US, EUR elsewhere).
- Order size: 1 + a geometric-like number of extra lines (mean about 5 lines, at most 40); a line
  is usually 1 or 2 units (about 2 on average); business customers sometimes buy a full case.
- Products are drawn by their popularity weight (see `catalog`), so A-class products dominate.
- Flags: VIP for the few VIP customers (express, high priority), GIFT (about 6 %, with a message and
  often another recipient), REPLACEMENT (about 2 %, free of charge, express).
- Dates: `ordered_at` lies in the three days before `today` (00:00 UTC); `ship_by` is the carrier
  service's cut-off (read as UTC) today, tomorrow or the day after (express: today). `today` is the
  only input from the clock, so a build is reproducible for a given seed and day.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from wms_terminal.core.models import Channel
from wms_terminal.core.order_files import AddressInput, LineInput, OrderInput
from wms_terminal.demo.catalog import ProductSpec
from wms_terminal.demo.people import COUNTRIES, CustomerSpec, fill_pattern, street_address
from wms_terminal.demo.reference import CARRIERS, GIFT_MESSAGES, RATES, ServiceSpec

MAX_LINES = 40
ORDER_DAYS = 3  # the open orders were placed over the three days before `today`
_LINE_RATE = 1 / 4.5  # extra lines ~ floor(Exp(mean 4.5)): about 4 extra, 5 lines per order
_CENTS = Decimal("0.01")
_SERVICES: dict[str, ServiceSpec] = {s.code: s for c in CARRIERS for s in c.services}


@dataclass(frozen=True)
class OrderContext:
    products: list[ProductSpec]
    customers: list[CustomerSpec]
    today: date


def _qty(rng: random.Random, product: ProductSpec, business: bool) -> int:
    r = rng.random()
    if business and r < 0.35:
        return product.case_qty
    if r < 0.68:
        return 1
    if r < 0.88:
        return 2
    if r < 0.97:
        return rng.randint(3, 6)
    return rng.randint(6, 12)


def _convert(eur: Decimal, currency: str) -> Decimal:
    return (eur / RATES[currency]).quantize(_CENTS, rounding=ROUND_HALF_UP)


def _service(rng: random.Random, country: str, express: bool) -> ServiceSpec:
    if country == "US":
        return _SERVICES["UPS-SAVER" if express else "UPS-STD"]
    if rng.random() < 0.75:
        return _SERVICES["DHL-EXP" if express else "DHL-STD"]
    return _SERVICES["UPS-SAVER" if express else "UPS-STD"]


def generate(rng: random.Random, count: int, ctx: OrderContext) -> Iterator[OrderInput]:
    """`count` orders, lazily (a 100,000-order build never holds them all)."""
    cum = list(itertools.accumulate(p.popularity for p in ctx.products))
    total_w = cum[-1]
    midnight = datetime.combine(ctx.today, time(0, 0), tzinfo=UTC)
    ncust = len(ctx.customers)
    for i in range(1, count + 1):
        # Repeat customers: the low customer numbers order again and again.
        customer = ctx.customers[min(ncust - 1, int(ncust * rng.random() ** 1.6))]
        country = COUNTRIES[customer.country]
        business = bool(customer.contact)
        r = rng.random()
        channel = Channel.WEB if r < 0.55 else Channel.MARKETPLACE if r < 0.88 else Channel.PHONE
        if channel == Channel.WEB:
            external_id = f"WEB-{100_000 + i}"
        elif channel == Channel.MARKETPLACE:
            external_id = f"{rng.randint(100, 999)}-{i:07d}-{rng.randint(1_000_000, 9_999_999)}"
        else:
            external_id = f"TEL-{i:06d}"
        replacement = rng.random() < 0.02
        gift = not replacement and rng.random() < 0.06
        flags = []
        if customer.vip:
            flags.append("VIP")
        if gift:
            flags.append("GIFT")
        if replacement:
            flags.append("REPLACEMENT")
        express = replacement or (customer.vip and rng.random() < 0.7) or rng.random() < 0.15
        service = _service(rng, country.code, express)

        nlines = 1 + min(MAX_LINES - 1, int(rng.expovariate(_LINE_RATE)))
        if replacement:
            nlines = rng.randint(1, 2)
        picked: dict[int, None] = {}
        for _ in range(nlines):
            k = bisect.bisect_left(cum, rng.random() * total_w)
            picked[min(k, len(cum) - 1)] = None
        currency = country.currency
        lines = []
        subtotal_eur = Decimal("0")
        for k in picked:
            product = ctx.products[k]
            qty = _qty(rng, product, business)
            price = Decimal("0.00") if replacement else _convert(product.price, currency)
            subtotal_eur += product.price * qty
            lines.append(LineInput(sku=product.sku, qty=qty, unit_price=price))

        city = country.cities[customer.city]
        name, street, postcode = customer.name, customer.street, customer.postcode
        gift_message = ""
        if gift:
            sender = customer.name.split()[0]
            gift_message = rng.choice(GIFT_MESSAGES).format(sender=sender)
            if rng.random() < 0.7:  # sent to someone else
                name = f"{rng.choice(country.first_names)} {rng.choice(country.last_names)}"
                city = rng.choice(country.cities)
                street = street_address(rng, country)
                postcode = fill_pattern(rng, city.postcode)
        ship_to = AddressInput(
            name=name,
            street=street,
            city=city.name,
            postcode=postcode,
            country=country.code,
            latitude=round(city.latitude + rng.uniform(-0.05, 0.05), 5),
            longitude=round(city.longitude + rng.uniform(-0.07, 0.07), 5),
        )
        subtotal = sum((ln.unit_price * ln.qty for ln in lines), Decimal("0.00"))
        if replacement or subtotal_eur >= 50:
            shipping = Decimal("0.00")
        else:
            shipping = _convert(service.base_rate, currency)
        tax = ((subtotal + shipping) * country.vat).quantize(_CENTS, rounding=ROUND_HALF_UP)
        day = 0 if express else rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
        ship_by = datetime.combine(ctx.today + timedelta(days=day), service.cutoff, tzinfo=UTC)
        ordered_at = midnight - timedelta(minutes=rng.randint(5, ORDER_DAYS * 24 * 60))
        priority = 8 if customer.vip else 6 if replacement else 3 if express else 0
        yield OrderInput(
            channel=channel,
            external_id=external_id,
            currency=currency,
            customer_name=customer.name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_ref=customer.ref,
            ship_to=ship_to,
            lines=tuple(lines),
            shipping=shipping,
            tax=tax,
            flags=tuple(flags),
            gift_message=gift_message,
            carrier_service=service.code,
            ship_by=ship_by,
            priority=priority,
            ordered_at=ordered_at,
            source=f"demo order {i}",
        )
