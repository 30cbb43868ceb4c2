"""A picked floor for the packing station: the picking floor (tests/picking/conftest.py) with
the demo's box types, carriers, services and rate tables, a packer, and orders picked into totes
by the pick services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.models import BoxType, Carrier, CarrierRate, CarrierService
from wms_terminal.demo import reference
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list


def shipping_reference(s: Session) -> None:
    """The demo's carriers, services, rates and box types (demo/reference.py)."""
    for c in reference.CARRIERS:
        carrier = Carrier(code=c.code, name=c.name, gs1_prefix=c.gs1_prefix)
        s.add(carrier)
        s.flush()
        for spec in c.services:
            svc = CarrierService(
                carrier_id=carrier.id,
                code=spec.code,
                name=spec.name,
                cutoff=spec.cutoff,
                transit_days=spec.transit_days,
                base_rate=spec.base_rate,
                max_weight_g=spec.max_weight_g,
                is_return=spec.is_return,
            )
            s.add(svc)
            s.flush()
            for code, zone, grams, price in reference.carrier_rates():
                if code == spec.code:
                    s.add(
                        CarrierRate(
                            carrier_service_id=svc.id, zone=zone, max_weight_g=grams, price=price
                        )
                    )
    for code, name, length, width, height, max_g, tare, cost in reference.box_types():
        s.add(
            BoxType(
                code=code,
                name=name,
                inner_length_mm=length,
                inner_width_mm=width,
                inner_height_mm=height,
                max_weight_g=max_g,
                tare_weight_g=tare,
                cost=cost,
            )
        )


@dataclass
class Station:
    floor: Floor
    packer: Actor
    sup_badge: str  # a supervisor's badge (PIN: factories.CLI_PIN)
    picker_badge: str

    @property
    def db(self) -> Database:
        return self.floor.db

    def pick_all(self, strategy: str = "per-order", who: str = "pat") -> list[str]:
        """Release a wave and pick every list whole, each order slot into its own tote;
        returns the tote codes used."""
        self.floor.release(strategy)
        return self.pick(who=who)

    def pick(self, *, who: str = "pat", zone: str | None = None) -> list[str]:
        """Pick every open list (of one zone), whole; returns the tote codes used."""
        used: list[str] = []
        n = 1 + len(used_totes(self.db))
        while True:
            lid = service.claim_next(
                self.db,
                self.floor.actors[who],
                warehouse_id=self.floor.warehouse_id,
                zone_id=self.floor.zones[zone] if zone else None,
            )
            if lid is None:
                return used
            slots: dict[int, str] = {}
            for task in get_list(self.db, lid).open_tasks:
                if task.slot not in slots:
                    slots[task.slot] = f"T-MAIN-{n:04d}"
                    used.append(slots[task.slot])
                    n += 1
                r = service.confirm_pick(
                    self.db,
                    self.floor.actors[who],
                    scan_id=f"pick-{task.task_id}",
                    task_id=task.task_id,
                    qty=task.remaining,
                    tote=slots[task.slot],
                )
                assert r.accepted, r


def used_totes(db: Database) -> list[str]:
    with db.reading() as s:
        return [str(c) for (c,) in s.execute(text("SELECT code FROM tote")).all()]


def build_station(db: Database) -> Station:
    floor = build_floor(db)
    with db.transaction() as s:
        shipping_reference(s)
        u = create_user(s, username="penny", name="Penny", role="packer", pin=f.CLI_PIN)
        sup = create_user(s, username="sue", name="Sue", role="supervisor", pin=f.CLI_PIN)
        assert u.id is not None
        packer = Actor(u.id, "penny", "packer", terminal="PACK-1")
        return Station(floor, packer, sup.badge_code, floor.badges["pat"])


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)


def pack_tote(station: Station, tote: str, *, box: str = "BOX-M") -> dict[str, object]:
    """Pack the order in `tote` whole through the pack flow (box as given, weight as expected);
    returns the close's data (sscc, tracking, carrier ...)."""
    from wms_terminal.packing.flow import PackFlow

    flow = PackFlow(station.db, station.packer)
    v = flow.scan(tote)
    assert v.expect == "product", v.error
    gtin = {f"SKU-{n:05d}": f.gtin13(n) for n in station.floor.products}
    for line in v.lines:
        for _ in range(line.remaining):
            v = flow.scan(gtin[line.sku])
            assert not v.error, v.error
    assert v.expect == "box", v
    v = flow.scan(box)
    assert v.expect == "weight" and v.expected_kg is not None, v.error
    v = flow.key_weight(round(v.expected_kg * 1000))
    assert v.expect == "label", v.error
    data = dict(v.data)
    v = flow.scan(str(data["sscc"]))
    assert v.expect == "tote", v.error
    return data
