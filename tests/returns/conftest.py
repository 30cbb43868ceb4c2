"""Shipped orders for the returns station: the packing floor (tests/packing/conftest.py), orders
picked, packed and handed to the carrier by the packing services."""

from __future__ import annotations

import pytest

from tests.packing.conftest import Station, build_station, pack_tote
from wms_terminal.core.db import Database
from wms_terminal.packing.shipments import manifest


def ship(station: Station, *orders: list[tuple[int, int]]) -> list[str]:
    """Import `orders` ((product n, qty) lines each), pick, pack and ship them all; their
    numbers."""
    numbers = [station.floor.order(lines) for lines in orders]
    closed = [pack_tote(station, t) for t in station.pick_all()]
    for carrier in sorted({str(c["carrier"]) for c in closed}):
        manifest(station.db, station.packer, carrier=carrier)
    return numbers


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)
