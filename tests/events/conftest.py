"""A packing floor whose orders the packing services ship (tests/packing/conftest.py)."""

from __future__ import annotations

import pytest

from tests.packing.conftest import Station, build_station
from wms_terminal.core.db import Database


@pytest.fixture
def station(db: Database) -> Station:
    return build_station(db)
