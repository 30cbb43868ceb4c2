"""The picker's screen, driven like a handheld: scanner bursts, typed keys, F-keys, command
barcodes. Whole pick lists with every exception, at 40x16 and at 100x30, on SQLite."""

from __future__ import annotations

import pytest
from tests.picking.conftest import Floor
from tests.picking.helpers import rows, scalar
from tests.tui.helpers import burst_keys, screen_text, shown
from tests.tui.picker_helpers import key, message, pick_current, scan, settle, sign_in

from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import Step
from wms_terminal.tui.app import WmsApp

SIZES = [(40, 16), (100, 30)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_whole_list_with_every_exception(floor: Floor, size: tuple[int, int]) -> None:
    floor.order([(1, 3), (2, 2), (3, 1), (4, 2), (5, 2), (6, 1), (7, 2)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=size) as pilot:
        screen = await sign_in(pilot, app, floor)
        assert "Enter for a list" in shown(app, "#prompt")
        await key(pilot, app, "")  # Enter: claim the next list
        flow = screen.pick
        assert flow is not None and flow.pick_list is not None
        list_id = flow.pick_list.pick_list_id
        assert f"List {list_id}" in shown(app, "#card-head")
        assert "line 1 of 7" in shown(app, "#card-head") and " m" in shown(app, "#card-head")
        first = flow.task
        assert first is not None

        # A wrong location: refused plainly, with the bell; nothing accepted for it.
        bells = []
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        flashes: list[tuple[str, ...]] = []
        real_add_class = screen.add_class

        def add_class(*names: str, update: bool = True) -> object:
            flashes.append(names)
            return real_add_class(*names, update=update)

        screen.add_class = add_class  # type: ignore[method-assign]
        await scan(pilot, app, "L-MAIN-04-10-3L")
        assert "Wrong location" in message(app) and bells
        assert "error" in app.screen.query_one("#message").classes
        assert flow.step is Step.LOCATION
        assert ("flash",) in flashes  # a brief flash ...
        await pilot.pause(0.6)
        assert "flash" not in app.screen.classes  # ... that goes by itself

        # Enter alone never stands for the expected barcode.
        await key(pilot, app, "")
        assert flow.step is Step.LOCATION and flow.task is not None
        assert flow.task.task_id == first.task_id

        # The product's barcode at the location prompt is not taken as the location.
        await scan(pilot, app, floor.gtin(first.product_id))
        assert flow.step is Step.LOCATION and message(app)

        # SKIP by key: the line goes to the end of the route.
        await key(pilot, app, "k")
        assert M.SKIPPED in message(app)
        assert flow.task is not None and flow.task.task_id != first.task_id

        await pick_current(pilot, app, floor, "T-MAIN-0007")
        assert "Picked" in message(app) or "OK" in message(app)
        assert "line 2 of 7" in shown(app, "#card-head")

        # HELP by key: the keys, word-wrapped, nothing changes.
        await key(pilot, app, "h")
        assert "s=short" in message(app)

        # FULL TOTE by command barcode: the next pick asks for a new tote.
        await scan(pilot, app, "CMD-FULLTOTE")
        assert "full" in message(app)
        await pick_current(pilot, app, floor, "T-MAIN-0008")

        # SHORT by command barcode: asks how many were found, then says what follows.
        short_task = flow.task
        assert short_task is not None
        await scan(pilot, app, short_task.location_barcode)
        await scan(pilot, app, "CMD-SHORT")
        assert "Short" in shown(app, "#prompt")
        await key(pilot, app, "0")
        assert "count task made" in message(app)

        # Sign out mid-list and in again: the list goes on where it stood.
        before = flow.task
        await key(pilot, app, "o")
        assert app.screen.id == "sign-in"
        screen = await sign_in(pilot, app, floor)
        flow = screen.pick
        assert flow is not None and flow.pick_list is not None
        assert flow.pick_list.pick_list_id == list_id
        assert before is not None and flow.task is not None
        assert flow.task.task_id == before.task_id
        assert f"Go to {before.location_code}" in screen_text(app)

        # DAMAGED by F-key: the count asked, written off, replaced or back-ordered.
        await pilot.press("f3")
        await settle(pilot, app)
        assert "Damaged" in shown(app, "#prompt")
        await key(pilot, app, "1")
        assert "damaged" in message(app)
        if flow.task is not None and flow.step is Step.LOCATION:
            await pick_current(pilot, app, floor, "T-MAIN-0008")

        # EMPTY by typed name: location blocked, count made, reservations moved.
        assert flow.task is not None
        await key(pilot, app, "empty")
        assert M.EMPTY_DONE in message(app)

        # Give the list back, and take it again with Enter.
        await key(pilot, app, "g")
        assert "given back" in message(app)
        assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :l", l=list_id) == "open"
        await key(pilot, app, "")
        assert flow.pick_list is not None and flow.pick_list.pick_list_id == list_id

        # The rest of the list, the skipped line last.
        while flow.step is not Step.DONE:
            await pick_current(pilot, app, floor, "T-MAIN-0008")
        assert M.PROMPT_DONE in shown(app, "#prompt")
        assert "Take T-MAIN-0007 to packing" in message(app)
        assert "Take T-MAIN-0008 to packing" in message(app)
        status = scalar(floor.db, "SELECT status FROM pick_list WHERE id = :l", l=list_id)
        assert status in ("done", "picked", "short")
        # Nothing more: Enter says so.
        await key(pilot, app, "")
        assert M.PROMPT_NO_WORK in message(app)
        assert app.is_running


async def test_two_scans_in_one_burst_are_two_scans_and_0x11_does_not_quit(floor: Floor) -> None:
    floor.order([(1, 1), (3, 1)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        await key(pilot, app, "")
        flow = screen.pick
        assert flow is not None and flow.task is not None
        task = flow.task
        # Location and item in one burst, a stray 0x11 (ctrl+q) inside it, AIM prefixes.
        burst_keys(app, "]A0" + task.location_barcode + "\x11", "]E0" + floor.gtin(task.product_id))
        await settle(pilot, app)
        assert app.is_running
        assert flow.step is Step.TOTE, message(app)
        await scan(pilot, app, "T-MAIN-0007")
        assert flow.task is not None and flow.task.task_id != task.task_id


async def test_a_gs1_scan_with_the_gs_stand_in_keeps_its_fields_apart(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_SCANNER_GS_SUBSTITUTE", "~")  # this station's scanners send ~ for GS
    floor.order([(6, 1)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        await key(pilot, app, "")
        assert screen.pick is not None and screen.pick.task is not None
        task = screen.pick.task
        await scan(pilot, app, task.location_barcode)
        # GS1-128 with its AIM id; the lot is variable-length, so a GS ends it.
        await scan(pilot, app, f"]C101{'0' + floor.gtin(6)}10B2~17360101")
        assert screen.pick.step is Step.TOTE, message(app)
        await scan(pilot, app, "T-MAIN-0007")
        got = rows(
            floor.db,
            "SELECT lot, CAST(expiry AS VARCHAR(10)) FROM pick_task WHERE id = :t",
            t=task.task_id,
        )
        assert got == [("B2", "2036-01-01")]


async def test_a_picker_of_no_warehouse_is_asked_which_when_there_are_several(
    floor: Floor,
) -> None:
    from tests import factories as f

    with floor.db.transaction() as s:
        f.warehouse(s, "EAST", 52.0, 5.0)
    floor.order([(1, 1)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        assert "Which warehouse?" in shown(app, "#prompt")
        assert "EAST, MAIN" in message(app) and screen.pick is None
        await scan(pilot, app, "WEST")
        assert "no warehouse WEST" in message(app) and screen.pick is None
        await scan(pilot, app, "main")
        await key(pilot, app, "")
        flow = screen.pick
        assert flow is not None and flow.task is not None, message(app)
        assert flow.pick_list is not None and flow.pick_list.warehouse_id == floor.warehouse_id
