"""What each screen of the handheld looks like at a handheld's 40x16 and a desktop's 100x30:
sign-in, the picker's screens through a whole list with its exceptions, the home screen. SVG
snapshots (tests/tui/snapshot.py says how they stay deterministic and how to update them)."""

from __future__ import annotations

import pytest
from tests.picking.conftest import Floor
from tests.tui.conftest import PACKER_BADGE, PIN
from tests.tui.helpers import screen_text, type_slowly, wait_for
from tests.tui.picker_helpers import key, scan, settle, sign_in
from tests.tui.snapshot import check_snapshot

from wms_terminal.core.db import Database
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.home import HomeScreen

pytestmark = pytest.mark.usefixtures("packer_at_home")


@pytest.mark.parametrize("size", [(40, 16), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_picker_screens(floor: Floor, size: tuple[int, int]) -> None:
    floor.order([(1, 2), (3, 1), (6, 1)])
    floor.release()
    tag = f"{size[0]}x{size[1]}"
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=size) as pilot:
        await check_snapshot(pilot, app, f"sign_in_{tag}")
        screen = await sign_in(pilot, app, floor)
        await check_snapshot(pilot, app, f"picker_idle_{tag}")
        await key(pilot, app, "")
        await check_snapshot(pilot, app, f"picker_location_{tag}")
        assert screen.pick is not None and screen.pick.task is not None
        await scan(pilot, app, "L-MAIN-04-10-3L")
        await pilot.pause(0.5)  # the error's flash is over
        await check_snapshot(pilot, app, f"picker_wrong_location_{tag}")
        await scan(pilot, app, "CMD-SHORT")
        await check_snapshot(pilot, app, f"picker_short_{tag}")
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
        await check_snapshot(pilot, app, f"picker_done_{tag}")


async def test_home_screen(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, PACKER_BADGE)
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: "MAIN" in screen_text(app))
        await check_snapshot(pilot, app, "home_40x16")
