"""Carrier and service by rules: zone, weight bracket, cut-off, working days, promise, VIP, the
order's own choice, the cost in the order's currency; tracking numbers with a check digit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select
from stdnum import luhn

from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import CarrierService
from wms_terminal.packing import rates

from .conftest import Station

# Tuesday 1 December 2026, 10:00 and 17:10 in Amsterdam (UTC+1).
MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EVENING = datetime(2026, 12, 1, 16, 10, tzinfo=UTC)


def _choose(db: Database, **kw: object) -> rates.Choice:
    args: dict[str, object] = {
        "origin": "NL",
        "destination": "NL",
        "weight_g": 1500,
        "currency": "EUR",
        "now": MORNING,
    }
    args.update(kw)
    with db.reading() as s:
        return rates.choose(s, **args)  # type: ignore[arg-type]


def test_zones_and_working_days():
    assert rates.zone("NL", "NL") == "domestic"
    assert rates.zone("NL", "DE") == "eu"
    assert rates.zone("NL", "US") == "world" and rates.zone("NL", "GB") == "world"
    assert rates.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert rates.add_working_days(date(2026, 12, 1), 2) == date(2026, 12, 3)


def test_the_cheapest_service_before_its_cut_off(station: Station):
    got = _choose(station.db)
    assert (got.service, got.cost, got.zone) == ("DHL-STD", Decimal("4.95"), "domestic")
    assert got.ship_date == date(2026, 12, 1) and got.expected_delivery == date(2026, 12, 3)
    # After DHL's 17:00 cut-off UPS Standard (17:30) still ships today, but arrives no
    # sooner (3 days) and costs more: DHL ships tomorrow.
    late = _choose(station.db, now=EVENING)
    assert late.service == "DHL-STD" and late.ship_date == date(2026, 12, 2)


def test_heavier_packages_and_other_zones_cost_more(station: Station):
    assert _choose(station.db, weight_g=5000).cost == Decimal("6.93")  # 4.95 x 1.4
    eu = _choose(station.db, destination="DE")
    assert eu.zone == "eu" and eu.cost == Decimal("8.91")  # 4.95 x 1.8


def test_vip_gets_the_fastest_and_a_named_service_is_kept(station: Station):
    vip = _choose(station.db, urgent=True)
    assert vip.service == "DHL-EXP" and vip.expected_delivery == date(2026, 12, 2)
    with station.db.reading() as s:
        ups = _service_id(s, "UPS-STD")
    assert _choose(station.db, wanted_service_id=ups).service == "UPS-STD"


def test_a_ship_by_date_takes_the_cheapest_service_that_keeps_the_promise(station: Station):
    # Ship by 1 December: delivery promised by 3 December; DHL Standard (2 days) makes it.
    assert _choose(station.db, ship_by=MORNING).service == "DHL-STD"
    # In the evening, after every cut-off, only the express services still make it: the
    # cheaper of them.
    late = _choose(station.db, ship_by=MORNING, now=datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    assert late.service == "DHL-EXP"


def test_cost_in_the_orders_currency(station: Station):
    usd = _choose(station.db, currency="USD")
    assert usd.currency == "USD" and usd.cost == Decimal("5.38")  # 4.95 EUR / 0.92
    with pytest.raises(ValidationError, match="no exchange rate for JPY"):
        _choose(station.db, currency="JPY")


def test_too_heavy_for_every_service_is_a_clear_refusal(station: Station):
    with pytest.raises(ValidationError, match="no carrier service takes 31000 g"):
        _choose(station.db, weight_g=31_000)


def test_tracking_numbers_are_never_reused_and_carry_a_check_digit(station: Station):
    with station.db.transaction() as s:
        got = [rates.tracking_number(s, "DHL") for _ in range(3)]
    assert len(set(got)) == 3 and all(t.startswith("DHL") for t in got)
    assert all(luhn.is_valid(t[3:]) for t in got)


def _service_id(s: Session, code: str) -> int:
    svc = s.exec(select(CarrierService).where(CarrierService.code == code)).one()
    assert svc.id is not None
    return svc.id
