"""The supervisor's desk driven by keyboard with Pilot on a real floor (SQLite): filters change the
preview, the map is shaded where the previewed wave picks, the release creates pick lists, and a
released list is reassigned, given back and cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Input

from tests.picking.conftest import Floor, build_floor
from tests.tui.desk_app import DeskApp, sqlite_copy, wait_for
from wms_terminal.core.invariants import check
from wms_terminal.picking import floor_map as fm
from wms_terminal.picking.layout import PickPoint
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.supervisor.pool import PoolPane
from wms_terminal.tui.supervisor.screen import SupervisorScreen
from wms_terminal.tui.supervisor.waves_pane import WavesPane


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    with sqlite_copy(sqlite_template, tmp_path) as db:
        yield build_floor(db)


def _desk(floor: Floor) -> DeskApp:
    return DeskApp(lambda: SupervisorScreen(floor.db, floor.actors["boss"]))


def _scalar(floor: Floor, sql: str) -> int:
    with floor.db.reading() as s:
        return int(s.execute(text(sql)).scalar_one())


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press(ch)


async def test_filters_change_the_preview_and_the_map_is_shaded_where_it_picks(floor: Floor):
    vip = floor.order([(1, 2), (3, 1)], flags=("VIP",))
    floor.order([(4, 1)])
    floor.order([(6, 1), (7, 3)])
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        pool = app.screen.query_one(PoolPane)
        await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        await wait_for(pilot, lambda: pool.preview is not None)
        assert pool.preview is not None and pool.preview.plan.orders == 3
        assert app.screen.query_one("#pool-orders", DataTable).row_count == 3

        app.screen.query_one("#f-flags", Input).focus()
        await _type(pilot, "vip")
        await pilot.press("enter")  # Enter in a field previews again
        await wait_for(pilot, lambda: pool.preview and pool.preview.plan.orders == 1)
        assert pool.preview is not None
        assert pool.preview.plan.order_numbers == (vip,)

        await pilot.press("f3")
        await pilot.pause()
        fmap = app.screen.query_one(FloorMap)
        await wait_for(pilot, lambda: fmap.grid is not None)
        grid = fmap.grid
        assert grid is not None
        picked = {PickPoint(floor.face[n].aisle, floor.face[n].bay) for n in (1, 3)}
        for aisle in range(1, grid.layout.aisles + 1):
            for bay in range(1, grid.layout.bays + 1):
                shade = grid.shade_at(aisle, bay)
                if PickPoint(aisle, bay) in picked:
                    assert shade in fm.SHADES, (aisle, bay)
                else:
                    assert shade not in fm.SHADES, (aisle, bay)
        # The one list's route: a stop drawn at each of its picks, the depot on the front row.
        for p in picked:
            assert grid.at(grid.bay_row(p.bay), grid.walk_col(p.aisle)) == fm.STOP
        assert fm.DEPOT_MARK in grid.lines[grid.cross_row(0)]


async def test_release_from_the_keyboard_creates_the_pick_lists(floor: Floor):
    floor.order([(1, 1)])
    floor.order([(3, 2)])
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        pool = app.screen.query_one(PoolPane)
        await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("ctrl+r")  # nothing previewed yet: refused, nothing written
        await pilot.pause()
        assert _scalar(floor, "SELECT COUNT(*) FROM pick_list") == 0
        await pilot.press("f5")
        await wait_for(pilot, lambda: pool.preview is not None)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("n")  # asked first; no keeps everything as it was
        await pilot.pause(0.2)
        assert _scalar(floor, "SELECT COUNT(*) FROM pick_list") == 0
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: _scalar(floor, "SELECT COUNT(*) FROM wave") == 1)
        await wait_for(pilot, lambda: pool.preview is None)
    assert _scalar(floor, "SELECT COUNT(*) FROM pick_list WHERE status = 'open'") == 2
    assert _scalar(floor, "SELECT COUNT(*) FROM sales_order WHERE status = 'released'") == 2


async def test_a_list_is_reassigned_given_back_and_cancelled_from_the_keyboard(floor: Floor):
    floor.order([(1, 1)])
    floor.order([(3, 2)])
    wave = floor.release()
    first, second = wave.pick_list_ids
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f6")
        pane = app.screen.query_one(WavesPane)
        await wait_for(pilot, lambda: pane.detail is not None)
        app.screen.query_one("#wave-lists", DataTable).focus()
        assert pane.selected_list() == first

        await pilot.press("r")
        await pilot.pause()
        await _type(pilot, "quinn")
        await pilot.press("enter")
        quinn = floor.actors["quinn"].user_id
        claimed = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND claimed_by = {quinn}"
        await wait_for(pilot, lambda: _scalar(floor, claimed) == 1)

        await pilot.press("g")
        await pilot.pause()
        await pilot.press("y")
        is_open = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND status = 'open'"
        await wait_for(pilot, lambda: _scalar(floor, is_open) == 1)

        await pilot.press("x")
        await pilot.pause()
        await _type(pilot, "wrong filter")
        await pilot.press("enter")
        gone = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND status = 'cancelled'"
        await wait_for(pilot, lambda: _scalar(floor, gone) == 1)
        assert (
            _scalar(
                floor, f"SELECT COUNT(*) FROM pick_list WHERE id = {second} AND status = 'open'"
            )
            == 1
        )

        # The wave (its other list) cancelled: every order back to reserved.
        app.screen.query_one("#waves-table", DataTable).focus()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: _scalar(floor, "SELECT COUNT(*) FROM wave WHERE status = 'cancelled'") == 1,
        )
    assert _scalar(floor, "SELECT COUNT(*) FROM sales_order WHERE status = 'reserved'") == 2
    assert check(floor.db) == []
