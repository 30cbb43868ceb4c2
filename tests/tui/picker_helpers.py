"""Driving the picker's screen in tests: sign in, scanner bursts, typed keys, one whole pick."""

from __future__ import annotations

from tests import factories as f
from tests.picking.conftest import Floor
from tests.tui.helpers import burst_keys, in_mode, shown, type_slowly, wait_for

from wms_terminal.picking.flow import Step
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.picker import PickerScreen
from wms_terminal.tui.widgets.scan_input import ScanInput


async def settle(pilot, app: WmsApp) -> None:
    """Until the keys posted so far are taken and every database job is answered: quiet on two
    looks in a row (a scan's key events, its message and its job are separate hops)."""

    def quiet() -> bool:
        screen = app.screen
        runner = getattr(screen, "db_runner", None)
        fields = list(screen.query(ScanInput).results(ScanInput))
        typing = any(field.decoder.pending for field in fields)
        return (runner is None or runner.idle) and not typing

    for _ in range(200):
        await pilot.pause()
        if quiet():
            await pilot.pause(0.02)
            if quiet():
                return
        await pilot.pause(0.02)


async def sign_in(pilot, app: WmsApp, floor: Floor, who: str = "pat") -> PickerScreen:
    await type_slowly(pilot, floor.badges[who])
    await type_slowly(pilot, f.CLI_PIN)
    await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
    screen = app.screen
    assert isinstance(screen, PickerScreen)
    await settle(pilot, app)
    return screen


async def scan(pilot, app: WmsApp, *codes: str) -> None:
    burst_keys(app, *codes)
    await settle(pilot, app)


async def key(pilot, app: WmsApp, text: str) -> None:
    await pilot.pause(0.2)  # a person, not the tail of a scan
    await type_slowly(pilot, text)
    await settle(pilot, app)


def message(app: WmsApp) -> str:
    return shown(app, "#message").replace("\n", " ")


async def pick_current(pilot, app: WmsApp, floor: Floor, tote: str) -> None:
    """The current task, done right: location, item, quantity, tote."""
    screen = app.screen
    assert isinstance(screen, PickerScreen) and screen.pick is not None
    task = screen.pick.task
    assert task is not None
    await scan(pilot, app, task.location_barcode)
    await scan(pilot, app, floor.gtin(task.product_id))
    if screen.pick.step is Step.QTY:
        await key(pilot, app, str(task.remaining))
    if screen.pick.step is Step.TOTE:
        await scan(pilot, app, tote)
    assert "error" not in app.screen.query_one("#message").classes, message(app)
