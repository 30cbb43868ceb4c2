"""The small floor of the picking tests (`tests.picking.conftest.build_floor`), on each backend."""

from __future__ import annotations

import pytest

from tests.picking.conftest import Floor, build_floor
from wms_terminal.core.db import Database


@pytest.fixture
def floor(db: Database) -> Floor:
    return build_floor(db)
