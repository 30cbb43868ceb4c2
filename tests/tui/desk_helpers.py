"""The manager's desk in Pilot tests: a real floor (a copy of the SQLite template) with Mia, a
manager, and her sign-in at the desk as she would type it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.tui.helpers import in_mode, type_slowly, wait_for

from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.tui.app import WmsApp


def manager_floor(sqlite_template: Path, path: Path) -> Floor:
    """A floor in a copy of the template at `path`, with the manager "mia" (her badge in
    `floor.badges`, her actor at desk-1 in `floor.actors`); the caller disposes of `floor.db`."""
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    floor = build_floor(db)
    with db.transaction() as s:
        mia = create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN)
        assert mia.id is not None
        floor.badges["mia"] = mia.badge_code
        floor.actors["mia"] = Actor(mia.id, "mia", "manager", terminal="desk-1")
    return floor


async def sign_in_manager(pilot: Any, app: WmsApp, badge: str) -> None:
    """Badge and PIN typed at the sign-in screen; the manager's desk is up."""
    await type_slowly(pilot, badge)
    await type_slowly(pilot, f.CLI_PIN)
    assert await wait_for(pilot, lambda: in_mode(app, "mode-manager"))
