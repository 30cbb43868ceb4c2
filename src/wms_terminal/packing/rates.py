"""Carrier and service for a package, by rules: weight limit, rate table, cut-off, promise.

1. Zone: `domestic` (the warehouse's country), `eu` (both in the EU), else `world`.
2. Eligible services: the package's weight within the service's limit and a rate bracket
   (`carrier_rate`) for the zone that holds the weight (the smallest such bracket is the price).
3. Ship date: today when the service's cut-off (warehouse time, WMS_WAREHOUSE_TZ) is not past,
   else the next working day; expected delivery = ship date + the service's transit days in
   working days (Monday to Friday).
4. Choice: the service the order names, when eligible; VIP and replacement orders the fastest
   (then the cheapest); an order with a ship-by date the cheapest that delivers within
   PROMISE_DAYS working days of it (the fastest when none does); any other order the cheapest
   (then the fastest).
5. Cost: the bracket's price converted to the order's currency (`currency_rate`, rates to EUR),
   rounded to that currency's minor unit (`core.money`).

A tracking number is the carrier's code, 11 digits from the `counter` table (per carrier) and a
Luhn check digit: never reused, across stations. A carrier's return service (`is_return`) is
never chosen here: returns take their tracking number from the same range (`returns.rma`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from stdnum import luhn

from wms_terminal.config import warehouse_timezone
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Carrier, CarrierRate, CarrierService, CurrencyRate
from wms_terminal.core.money import round_money
from wms_terminal.core.sequences import next_number

EU = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)
PROMISE_DAYS = 2


@dataclass(frozen=True)
class Choice:
    service_id: int
    service: str  # code
    carrier: str  # code
    cost: Decimal  # in `currency`
    currency: str
    ship_date: date
    expected_delivery: date
    zone: str


def zone(origin: str, destination: str) -> str:
    if origin and origin == destination:
        return "domestic"
    if origin in EU and destination in EU:
        return "eu"
    return "world"


def add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _next_working(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def ship_date(now: datetime, cutoff_local: time) -> date:
    local = now.astimezone(ZoneInfo(warehouse_timezone()))
    today = local.date()
    if local.weekday() >= 5 or local.time() > cutoff_local:
        return _next_working(today + timedelta(days=1))
    return today


def _to_currency(
    session: Session, amount: Decimal, have: str, want: str, rates: dict[str, Decimal]
) -> Decimal:
    if have == want:
        return round_money(amount, want)
    if have not in rates or want not in rates:
        rates.update(
            (r.currency, r.rate_to_eur)
            for r in session.exec(
                select(CurrencyRate).where(col(CurrencyRate.currency).in_([have, want]))
            )
        )
    if have not in rates or want not in rates:
        missing = want if want not in rates else have
        raise ValidationError(f"no exchange rate for {missing}: add it before packing")
    return round_money(amount * rates[have] / rates[want], want)


def choose(
    session: Session,
    *,
    origin: str,
    destination: str,
    weight_g: int,
    currency: str,
    now: datetime,
    wanted_service_id: int | None = None,
    urgent: bool = False,
    ship_by: datetime | None = None,
) -> Choice:
    """The service for a package (see the module docstring), or ValidationError."""
    z = zone(origin, destination)
    # Each service that carries the weight, with the smallest bracket of the zone that holds it.
    rows = session.exec(
        select(CarrierService, Carrier, CarrierRate)
        .join(Carrier, col(Carrier.id) == col(CarrierService.carrier_id))
        .join(CarrierRate, col(CarrierRate.carrier_service_id) == col(CarrierService.id))
        .where(
            col(CarrierService.max_weight_g) >= weight_g,
            col(CarrierService.is_return).is_(False),  # the customer's way back, not ours
            col(CarrierRate.zone) == z,
            col(CarrierRate.max_weight_g) >= weight_g,
        )
        .order_by(col(CarrierService.id), col(CarrierRate.max_weight_g))
    ).all()
    options: list[Choice] = []
    seen: set[int] = set()
    known: dict[str, Decimal] = {}
    for svc, carrier, rate in rows:
        assert svc.id is not None
        if svc.id in seen:
            continue
        seen.add(svc.id)
        shipped = ship_date(now, svc.cutoff)
        options.append(
            Choice(
                svc.id,
                svc.code,
                carrier.code,
                _to_currency(session, rate.price, rate.currency, currency, known),
                currency,
                shipped,
                add_working_days(shipped, svc.transit_days),
                z,
            )
        )
    if not options:
        raise ValidationError(
            f"no carrier service takes {weight_g} g to {destination or '?'} ({z}): "
            "add a rate for it"
        )
    wanted = [o for o in options if o.service_id == wanted_service_id]
    if wanted:
        return wanted[0]
    fastest = min(options, key=lambda o: (o.expected_delivery, o.cost, o.service))
    if urgent:
        return fastest
    if ship_by is not None:
        promise = add_working_days(ship_by.date(), PROMISE_DAYS)
        in_time = [o for o in options if o.expected_delivery <= promise]
        if not in_time:
            return fastest
        options = in_time
    return min(options, key=lambda o: (o.cost, o.expected_delivery, o.service))


def tracking_number(session: Session, carrier: str) -> str:
    body = f"{next_number(session, f'tracking:{carrier}'):011d}"
    return f"{carrier}{body}{luhn.calc_check_digit(body)}"
