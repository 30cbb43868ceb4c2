"""The picker's mode beyond pick lists: replenishment and count tasks taken by command barcode,
and text from data shown as text (a product named like markup does nothing)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from tests.picking.conftest import Floor
from tests.picking.helpers import count_task, scalar, stock
from tests.tui.conftest import BADGE, PIN
from tests.tui.helpers import in_mode, screen_text, shown, type_slowly, wait_for
from tests.tui.picker_helpers import key, message, pick_current, scan, settle, sign_in

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.picking.flow import Step
from wms_terminal.tui.app import WmsApp


async def test_replenishment_and_count_tasks_by_command_barcode(floor: Floor) -> None:
    floor.order([(2, 6)])
    floor.release()
    count_id = count_task(floor, 4)
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        await key(pilot, app, "")
        assert screen.pick is not None and screen.pick.task is not None
        # Mid-list, another kind of task waits: finish or give back first.
        await scan(pilot, app, "CMD-REPLEN")
        assert "Finish or give back" in message(app)
        await pick_current(pilot, app, floor, "T-MAIN-0007")
        assert screen.pick.step is Step.DONE
        assert "Replenish" in message(app)  # the face fell below its minimum: a task was made

        # The replenishment: from the reserve, the item, how many, to the face.
        await scan(pilot, app, "CMD-REPLEN")
        assert "Replenish task" in shown(app, "#card-head")
        move = screen.move
        assert move is not None and move.task is not None
        qty = move.task.qty
        assert f"Go to {floor.reserve[2].code}" in shown(app, "#prompt")
        await scan(pilot, app, floor.face[2].barcode)  # the face first: refused
        assert "Wrong location" in message(app)
        await scan(pilot, app, floor.reserve[2].barcode)
        await scan(pilot, app, floor.gtin(2))
        assert "How many" in shown(app, "#prompt")
        await key(pilot, app, str(qty))
        assert floor.face[2].code in shown(app, "#prompt")
        await scan(pilot, app, floor.face[2].barcode)
        assert f"Moved {qty} x SKU-00002" in message(app)
        assert stock(floor.db, floor.face[2].id, floor.products[2].id)[0] == 44 + qty

        # The count: blind, location, item, the units keyed.
        await scan(pilot, app, "CMD-COUNT")
        assert f"Count {count_id}" in shown(app, "#card-head")
        assert "50" not in screen_text(app)  # never the system's quantity
        await scan(pilot, app, floor.face[4].barcode)
        await scan(pilot, app, floor.gtin(4))
        assert "Key units" in shown(app, "#prompt")
        await key(pilot, app, "50")
        assert "Count matches" in message(app)
        status = scalar(floor.db, "SELECT status FROM count_task WHERE id = :c", c=count_id)
        assert status == "done"
        # And back to picking.
        await scan(pilot, app, "CMD-PICK")
        assert "No pick list waiting" in message(app)


async def test_a_product_named_like_markup_shows_exactly_that_and_does_nothing(
    floor: Floor,
) -> None:
    name = "[@click=app.quit]Widget"
    with floor.db.transaction() as s:
        s.execute(text("UPDATE product SET name = :n WHERE sku = 'SKU-00003'"), {"n": name})
    floor.order([(3, 1)])
    floor.release()
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await sign_in(pilot, app, floor)
        await key(pilot, app, "")
        assert name in shown(app, "#product")
        assert name in screen_text(app)
        await pilot.click("#product")
        await pilot.click("#product", offset=(3, 0))
        await settle(pilot, app)
        assert app.is_running and app.screen.id == "mode-picker"


async def test_no_warehouse_yet_is_told_and_nothing_breaks(sqlite_path: Path) -> None:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    with db.transaction() as s:
        create_user(s, username="pat", name="Pat", role="picker", pin=PIN, badge=BADGE)
    app = WmsApp(db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        await settle(pilot, app)
        assert "no warehouse is set up" in message(app)
        await key(pilot, app, "")  # Enter, a scan, a command: told again, never a crash
        await scan(pilot, app, "L-MAIN-01-01-1L")
        await scan(pilot, app, "CMD-COUNT")
        assert "no warehouse is set up" in message(app) and app.is_running
    db.dispose()


async def test_scanning_a_list_sheet_takes_that_list(floor: Floor) -> None:
    floor.order([(1, 1)])
    floor.order([(3, 1)])
    lists = sorted(floor.release().pick_list_ids)
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await sign_in(pilot, app, floor)
        await scan(pilot, app, f"PL-{lists[1]}")
        assert f"List {lists[1]}" in shown(app, "#card-head")
        assert screen.pick is not None and screen.pick.step is Step.LOCATION
        await scan(pilot, app, f"PL-{lists[0]}")  # another sheet mid-list: refused
        assert f"Finish or give back list {lists[1]} first" in message(app)
