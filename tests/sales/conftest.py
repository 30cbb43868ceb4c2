"""A packing floor (tests/packing/conftest.py) with a business customer, ACME-1 (net 30 days,
invoiced per order), and its sales supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.packing.conftest import Station, build_station
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models._base import utcnow
from wms_terminal.sales.customers import save_business_customer
from wms_terminal.sales.quotes import LineSpec, accept_quote, create_quote, send_quote

ACME = "ACME-1"


@dataclass
class Desk:
    station: Station
    boss: Actor  # a supervisor: quotes and invoices

    @property
    def db(self) -> Database:
        return self.station.db

    def quote(
        self,
        lines: list[tuple[int, int]],
        *,
        customer: str = ACME,
        price: str = "10.00",
        valid_days: int = 30,
        today: date | None = None,
    ) -> str:
        fl = self.station.floor
        return create_quote(
            self.db,
            self.boss,
            customer=customer,
            currency="EUR",
            valid_until=(today or utcnow().date()) + timedelta(days=valid_days),
            lines=[LineSpec(fl.sku(n), q, Decimal(price)) for n, q in lines],
            today=today,
        ).number

    def order(self, lines: list[tuple[int, int]], *, customer: str = ACME) -> str:
        """A quote sent and accepted: its order number."""
        number = self.quote(lines, customer=customer)
        send_quote(self.db, self.boss, number)
        v = accept_quote(self.db, self.boss, number)
        assert v.order
        return v.order


def add_customer(db: Database, boss: Actor, ref: str = ACME, *, per: str = "order") -> None:
    save_business_customer(
        db,
        boss,
        ref=ref,
        name=f"{ref} <b>Trading</b> & Co",
        email=f"{ref.lower()}@example.com",
        vat_id="NL123456789B01",
        net_days=30,
        invoice_per=per,
        street="Dock 4",
        city="Rotterdam",
        postcode="3011",
        country="NL",
    )


@pytest.fixture
def desk(db: Database) -> Desk:
    station = build_station(db)
    boss = station.floor.actors["boss"]
    add_customer(db, boss)
    return Desk(station, boss)


def ship_all(desk: Desk) -> None:
    """Pick, pack and hand over every reserved order (the packing floor's own services)."""
    from tests.packing.conftest import pack_tote
    from wms_terminal.packing.shipments import manifest

    st = desk.station
    closed = [pack_tote(st, t) for t in st.pick_all()]
    for carrier in sorted({str(c["carrier"]) for c in closed}):
        manifest(st.db, st.packer, carrier=carrier)
