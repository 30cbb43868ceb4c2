"""What each screen looks like, as text, at a handheld's 40x16 and a desktop's 100x30.

The screen is compared character for character with tests/tui/snapshots/<name>.txt (no colours;
the screens show no clock and no blinking cursor, the data is fixed). After a deliberate change
of layout, look at the new pictures and keep them: WMS_UPDATE_SNAPSHOTS=1 pytest tests/tui.
(pytest-textual-snapshot would compare SVGs, but its syrupy pin needs pytest < 9.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.picking.conftest import Floor
from tests.tui.conftest import PACKER_BADGE, PIN
from tests.tui.helpers import screen_text, type_slowly, wait_for
from tests.tui.picker_helpers import key, scan, settle, sign_in

from wms_terminal.core.db import Database
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.home import HomeScreen

pytestmark = pytest.mark.usefixtures("packer_at_home")

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check_snapshot(app: WmsApp, name: str) -> None:
    got = screen_text(app) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("WMS_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{name}: the screen changed (see {path})"


@pytest.mark.parametrize("size", [(40, 16), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_picker_screens(floor: Floor, size: tuple[int, int]) -> None:
    floor.order([(1, 2), (3, 1), (6, 1)])
    floor.release()
    tag = f"{size[0]}x{size[1]}"
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=size) as pilot:
        check_snapshot(app, f"sign_in_{tag}")
        screen = await sign_in(pilot, app, floor)
        check_snapshot(app, f"picker_idle_{tag}")
        await key(pilot, app, "")
        check_snapshot(app, f"picker_location_{tag}")
        assert screen.pick is not None and screen.pick.task is not None
        await scan(pilot, app, "L-MAIN-04-10-3L")
        await pilot.pause(0.5)  # the error's flash is over
        check_snapshot(app, f"picker_wrong_location_{tag}")
        await scan(pilot, app, "CMD-SHORT")
        check_snapshot(app, f"picker_short_{tag}")
        await scan(pilot, app, "CMD-CANCEL")
        while screen.pick.task is not None:
            task = screen.pick.task
            await scan(pilot, app, task.location_barcode)
            await scan(pilot, app, floor.gtin(task.product_id))
            if screen.pick.step.value == "qty":
                await key(pilot, app, str(task.remaining))
            if screen.pick.step.value == "tote":
                await scan(pilot, app, "T-MAIN-0007")
        await settle(pilot, app)
        check_snapshot(app, f"picker_done_{tag}")


async def test_home_screen(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, PACKER_BADGE)
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: "MAIN" in screen_text(app))
        check_snapshot(app, "home_40x16")
