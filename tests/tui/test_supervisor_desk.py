"""The supervisor's desk driven by keyboard with Pilot on a real floor (SQLite): filters change the
preview, the map is shaded where the previewed wave picks, the release creates pick lists, and a
released list is reassigned, given back and cancelled."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.tui.helpers import type_slowly, wait_for
from textual.widgets import DataTable, Input, Select, Sparkline, Static, TabbedContent

from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.invariants import check
from wms_terminal.core.models import Zone
from wms_terminal.picking import floor_map as fm
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.layout import PickPoint
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.supervisor.pool import PoolPane
from wms_terminal.tui.supervisor.progress_pane import PickerRow, ProgressPane
from wms_terminal.tui.supervisor.waves_pane import WavesPane


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    yield build_floor(db)
    db.dispose()


async def _signed_in(app: WmsApp, pilot, badge: str) -> None:  # type: ignore[no-untyped-def]
    """Badge and PIN typed at the sign-in screen, as the supervisor would."""
    await type_slowly(pilot, badge)
    await type_slowly(pilot, f.CLI_PIN)
    assert await wait_for(pilot, lambda: app.screen.id == "mode-supervisor")


def _desk(floor: Floor) -> WmsApp:
    return WmsApp(floor.db, terminal="desk-1")


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
        await _signed_in(app, pilot, floor.badges["boss"])
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        assert pool.preview is not None and pool.preview.plan.orders == 3
        assert app.screen.query_one("#pool-orders", DataTable).row_count == 3

        # A cut-off that is no date: said plainly, the preview shown stays as it was.
        app.screen.query_one("#f-cutoff", Input).focus()
        await _type(pilot, "friday")
        await pilot.press("enter")
        await pilot.pause()
        assert "is not an ISO date" in str(app.screen.query_one("#summary").render())
        assert pool.preview.plan.orders == 3
        for _ in "friday":
            await pilot.press("backspace")

        app.screen.query_one("#f-flags", Input).focus()
        await _type(pilot, "vip")
        await pilot.press("enter")  # Enter in a field previews again
        assert await wait_for(pilot, lambda: pool.preview and pool.preview.plan.orders == 1)
        assert pool.preview is not None
        assert pool.preview.plan.order_numbers == (vip,)

        await pilot.press("f3")
        await pilot.pause()
        fmap = app.screen.query_one(FloorMap)
        assert await wait_for(pilot, lambda: fmap.grid is not None)
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
        await _signed_in(app, pilot, floor.badges["boss"])
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("ctrl+r")  # nothing previewed yet: refused, nothing written
        await pilot.pause()
        assert _scalar(floor, "SELECT COUNT(*) FROM pick_list") == 0
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("n")  # asked first; no keeps everything as it was
        await pilot.pause(0.2)
        assert _scalar(floor, "SELECT COUNT(*) FROM pick_list") == 0
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(pilot, lambda: _scalar(floor, "SELECT COUNT(*) FROM wave") == 1)
        assert await wait_for(pilot, lambda: pool.preview is None)
    assert _scalar(floor, "SELECT COUNT(*) FROM pick_list WHERE status = 'open'") == 2
    assert _scalar(floor, "SELECT COUNT(*) FROM sales_order WHERE status = 'released'") == 2


async def test_a_list_is_reassigned_given_back_and_cancelled_from_the_keyboard(floor: Floor):
    floor.order([(1, 1)])
    floor.order([(3, 2)])
    wave = floor.release()
    first, second = wave.pick_list_ids
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        await pilot.press("f6")
        pane = app.screen.query_one(WavesPane)
        assert await wait_for(pilot, lambda: pane.detail is not None)
        app.screen.query_one("#wave-lists", DataTable).focus()
        assert pane.selected_list() == first

        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")  # asked, then left: nothing changes
        await pilot.pause()
        assert app.screen.id == "mode-supervisor"
        await pilot.press("r")
        await pilot.pause()
        await _type(pilot, "quinn")
        await pilot.press("enter")
        quinn = floor.actors["quinn"].user_id
        claimed = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND claimed_by = {quinn}"
        assert await wait_for(pilot, lambda: _scalar(floor, claimed) == 1)

        await pilot.press("g")
        await pilot.pause()
        await pilot.press("y")
        is_open = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND status = 'open'"
        assert await wait_for(pilot, lambda: _scalar(floor, is_open) == 1)

        await pilot.press("x")
        await pilot.pause()
        await _type(pilot, "wrong filter")
        await pilot.press("enter")
        gone = f"SELECT COUNT(*) FROM pick_list WHERE id = {first} AND status = 'cancelled'"
        assert await wait_for(pilot, lambda: _scalar(floor, gone) == 1)
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
        assert await wait_for(
            pilot,
            lambda: _scalar(floor, "SELECT COUNT(*) FROM wave WHERE status = 'cancelled'") == 1,
        )
    assert _scalar(floor, "SELECT COUNT(*) FROM sales_order WHERE status = 'reserved'") == 2
    assert check(floor.db) == []


async def test_progress_shows_a_pick_made_elsewhere_within_two_seconds(floor: Floor):
    floor.order([(3, 2), (5, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        await pilot.press("f4")
        pane = app.screen.query_one(ProgressPane)
        assert await wait_for(pilot, lambda: pane.progress is not None)
        assert pane.progress is not None and pane.progress.pickers == ()
        assert pane.progress.lists == {"claimed": 1}

        task = get_list(floor.db, lid).tasks[0]  # a picker's terminal confirms a pick
        done = service.confirm_pick(floor.db, pat, scan_id="x1", task_id=task.task_id, qty=2)
        assert done.accepted
        started = time.monotonic()
        assert await wait_for(pilot, lambda: bool(app.screen.query(Sparkline)), tries=60)
        assert time.monotonic() - started <= 2.5
        [row] = app.screen.query(PickerRow)
        assert (row.rate.username, row.rate.last_hour) == ("pat", 1)
        assert row.query_one(Sparkline).data == [0.0] * 7 + [1.0]
        assert "pat" in str(row.query_one(Static).render())


async def test_a_released_wave_shows_its_open_picks_on_the_map(floor: Floor):
    floor.order([(1, 1), (6, 1)])
    floor.order([(3, 2)])
    wave = floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    picked = get_list(floor.db, lid).tasks[0]
    done = service.confirm_pick(floor.db, pat, scan_id="m1", task_id=picked.task_id, qty=1)
    assert done.accepted
    with floor.db.reading() as s:
        open_points = {
            PickPoint(int(a), int(b))
            for a, b in s.execute(
                text(
                    "SELECT l.aisle, l.bay FROM pick_task pt JOIN location l "
                    "ON l.id = pt.location_id WHERE pt.status = 'open'"
                )
            )
        }
    assert len(open_points) == 2
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        await pilot.press("f6")
        pane = app.screen.query_one(WavesPane)
        assert await wait_for(pilot, lambda: pane.waves != [])
        app.screen.query_one("#waves-table", DataTable).focus()
        await pilot.press("m")
        fmap = app.screen.query_one(FloorMap)
        assert await wait_for(pilot, lambda: fmap.grid is not None and bool(fmap.picks))
        assert app.screen.query_one(TabbedContent).active == "map"
        grid = fmap.grid
        assert grid is not None
        shaded = {
            PickPoint(a, b)
            for a in range(1, grid.layout.aisles + 1)
            for b in range(1, grid.layout.bays + 1)
            if grid.shade_at(a, b) in fm.SHADES
        }
        assert shaded == open_points
        assert wave.number in str(app.screen.query_one("#map-title").render())


async def test_a_lost_database_says_so_on_the_desk_and_the_progress_resumes(
    floor: Floor, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        await pilot.press("f4")
        pane = app.screen.query_one(ProgressPane)
        assert await wait_for(pilot, lambda: pane.progress is not None)
        away = path.with_suffix(".away")
        path.rename(away)  # the database goes away while the desk polls
        status = app.screen.query_one("#status", Static)
        assert await wait_for(pilot, lambda: "connection lost" in str(status.render()), tries=80)
        assert app.is_running and app.screen.id == "mode-supervisor"
        seen = pane.progress
        away.rename(path)  # and comes back: the polling goes on
        assert await wait_for(pilot, lambda: pane.progress is not seen, tries=120)
        assert await wait_for(pilot, lambda: str(status.render()).strip() == "", tries=80)


async def test_with_two_warehouses_the_preview_starts_with_the_first(floor: Floor):
    with floor.db.transaction() as s:
        f.warehouse(s, "ZED", 51.0, 4.0)
    floor.order([(1, 1)])
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        assert pool.preview is not None
        assert (pool.preview.plan.warehouse_code, pool.preview.plan.orders) == ("MAIN", 1)


async def test_with_two_warehouses_zones_and_progress_are_of_the_chosen_one(floor: Floor):
    """Zone codes repeat across warehouses: the zone list is the chosen warehouse's. The
    progress tab shows one warehouse's figures (the user's home, else the first), another by
    its selector."""
    with floor.db.transaction() as s:
        zed = f.warehouse(s, "ZED", 51.0, 4.0)
        s.add(Zone(warehouse_id=zed.id, code="Z9", name="Zone Z9"))
    floor.order([(3, 2)])
    floor.release()
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        zone = app.screen.query_one("#f-zone", Select)
        assert [v for _label, v in zone._options if isinstance(v, str)] == ["A", "B"]
        app.screen.query_one("#f-warehouse", Select).value = "ZED"
        assert await wait_for(
            pilot, lambda: [v for _l, v in zone._options if isinstance(v, str)] == ["A", "Z9"]
        )

        await pilot.press("f4")
        pane = app.screen.query_one(ProgressPane)
        assert await wait_for(pilot, lambda: pane.progress is not None)
        where = app.screen.query_one("#live-warehouse", Select)
        assert where.value == "MAIN"
        assert pane.progress is not None and pane.progress.lists == {"open": 1}
        assert "Pick lists: open 1" in str(app.screen.query_one("#live-counts").render())
        where.value = "ZED"
        assert await wait_for(pilot, lambda: pane.progress is not None and not pane.progress.lists)
        assert "Pick lists: none" in str(app.screen.query_one("#live-counts").render())
        where.value = "MAIN"
        assert await wait_for(pilot, lambda: pane.progress is not None and pane.progress.lists)


async def test_progress_starts_with_the_users_home_warehouse(floor: Floor):
    with floor.db.transaction() as s:
        zed = f.warehouse(s, "ZED", 51.0, 4.0)
        s.execute(
            text("UPDATE app_user SET warehouse_id = :w WHERE username = 'boss'"), {"w": zed.id}
        )
    floor.order([(3, 2)])
    floor.release()
    app = _desk(floor)
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot, floor.badges["boss"])
        await pilot.press("f4")
        pane = app.screen.query_one(ProgressPane)
        assert await wait_for(pilot, lambda: pane.progress is not None)
        assert app.screen.query_one("#live-warehouse", Select).value == "ZED"
        assert pane.progress is not None and pane.progress.lists == {}
