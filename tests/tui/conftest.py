"""A small SQLite database with one picker for the app's screens."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.scanning.conftest import real_photos  # noqa: F401  (for the camera test)

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models.people import Role
from wms_terminal.tui.screens.home import HomeScreen

BADGE = "B-7Q4K9X2M"  # sanne, a picker
PIN = "4321"
PACKER_BADGE = "B-PACK3R00"  # a packer (the home screen with `packer_at_home`)


@pytest.fixture
def sqlite_path(sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tui.sqlite3"
    shutil.copy(sqlite_template, path)
    return path


@pytest.fixture
def sqlite_db(sqlite_path: Path) -> Iterator[Database]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    with db.transaction() as s:
        f.warehouse(s, "MAIN", 52.0, 4.5)
        create_user(
            s, username="sanne", name="Sanne [b]de Vries[/b]", role="picker", pin=PIN, badge=BADGE
        )
        create_user(s, username="pia", name="Pia", role="packer", pin=PIN, badge=PACKER_BADGE)
    yield db
    db.dispose()


@pytest.fixture
def floor(sqlite_path: Path) -> Iterator[Floor]:
    """The picking tests' small warehouse (tests/picking/conftest.py), on SQLite."""
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_floor(db)
    db.dispose()


@pytest.fixture
def packer_at_home() -> Iterator[None]:
    """The packer's mode is the home screen (the screen of a role without its own) for tests
    of the app shell and the home screen, which sign in as the packer."""
    from wms_terminal.tui import modes

    saved = modes.MODES[Role.PACKER]
    modes.register(Role.PACKER, lambda db, actor: HomeScreen(db, actor))
    yield
    modes.register(Role.PACKER, saved)
