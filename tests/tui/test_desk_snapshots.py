"""The supervisor's and manager's desks at 100x30 and 80x24, every tab (SVG snapshots, see
tests/tui/snapshot.py): a wave preview, its floor map with the first list's route, live progress,
the waves tab after the release, users, the inbox, receiving a purchase order, returns. Fixed
data (badges and notice times set, a fixed clock for the progress tab's read time)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text, update
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.tui.helpers import in_mode, screen_text, type_slowly, wait_for
from tests.tui.snapshot import check_snapshot
from textual.widgets import DataTable, TabbedContent
from textual.widgets._tabbed_content import ContentTab

from wms_terminal.core.auth import SYSTEM, create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import Product
from wms_terminal.core.models.people import Notification
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.inbox_pane import InboxPane
from wms_terminal.tui.manager.receiving_pane import ReceivingPane
from wms_terminal.tui.manager.users_pane import UsersPane
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.supervisor.pool import PoolPane
from wms_terminal.tui.supervisor.progress_pane import ProgressPane
from wms_terminal.tui.supervisor.waves_pane import WavesPane

MIA = "B-M1A7K9X2"
BADGES = {"pat": "B-PAT00001", "quinn": "B-QU1NN002", "boss": "B-B0SS0003"}
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOON


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    floor = build_floor(db)
    with db.transaction() as s:
        create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN, badge=MIA)
        for username, badge in BADGES.items():  # made at random: fixed for the pictures
            s.execute(
                text("UPDATE app_user SET badge_code = :b WHERE username = :u"),
                {"b": badge, "u": username},
            )
        p = s.get(Product, floor.products[5].id)
        assert p is not None
        p.reorder_point, p.reorder_qty = 60, 24
        s.add(p)
    floor.badges.update(BADGES)
    db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=floor.warehouse_id, product_ids=[floor.products[5].id], actor=SYSTEM
        )
    )
    with db.transaction() as s:
        s.execute(update(Notification).values(created_at=NOON))
    floor.order([(1, 2), (3, 1)], flags=("VIP",))
    floor.order([(4, 1), (6, 2)])
    floor.order([(7, 1), (8, 3), (2, 1)])
    yield floor
    db.dispose()


async def _tab(pilot, app: WmsApp, key: str, tab: str) -> None:  # type: ignore[no-untyped-def]
    """Switch tabs by key, as a user does; wait until the tab's first field has the focus (the
    footer shows that field's keys)."""
    await pilot.press(key)
    tabs = app.screen.query_one(TabbedContent)

    def settled() -> bool:
        focused = app.screen.focused
        return (
            tabs.active == tab
            and focused is not None
            and any(node.id == tab for node in focused.ancestors_with_self)
        )

    assert await wait_for(pilot, settled), (tabs.active, app.screen.focused)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_desk_screens(floor: Floor, size: tuple[int, int]) -> None:
    tag = f"{size[0]}x{size[1]}"
    app = WmsApp(floor.db, terminal="desk-1", wall_clock=clock)
    async with app.run_test(size=size) as pilot:
        await type_slowly(pilot, MIA)
        await type_slowly(pilot, f.CLI_PIN)
        assert await wait_for(pilot, lambda: in_mode(app, "mode-manager"))
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        await pilot.pause(0.2)
        await check_snapshot(pilot, app, f"desk_pool_{tag}")

        await _tab(pilot, app, "f3", "map")
        fmap = app.screen.query_one(FloorMap)
        assert await wait_for(pilot, lambda: fmap.grid is not None)
        await pilot.pause(0.2)
        await check_snapshot(pilot, app, f"desk_map_{tag}")

        await _tab(pilot, app, "f4", "live")
        live = app.screen.query_one(ProgressPane)
        assert await wait_for(pilot, lambda: live.progress is not None)
        await check_snapshot(pilot, app, f"desk_progress_{tag}")

        await pilot.press("f1")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(pilot, lambda: pool.preview is None)
        await _tab(pilot, app, "f6", "waves")
        waves = app.screen.query_one(WavesPane)
        assert await wait_for(pilot, lambda: waves.detail is not None)
        app.screen.query_one("#waves-table", DataTable).focus()
        await pilot.pause(0.2)
        await check_snapshot(pilot, app, f"desk_waves_{tag}")

        await _tab(pilot, app, "f7", "users")
        people = app.screen.query_one(UsersPane)
        assert await wait_for(pilot, lambda: bool(people.rows))
        await check_snapshot(pilot, app, f"desk_users_{tag}")

        await _tab(pilot, app, "f8", "inbox")
        inbox = app.screen.query_one(InboxPane)
        assert await wait_for(pilot, lambda: bool(inbox.rows))
        await check_snapshot(pilot, app, f"desk_inbox_{tag}")

        await _tab(pilot, app, "f9", "receiving")
        receiving = app.screen.query_one(ReceivingPane)
        assert await wait_for(pilot, lambda: receiving.orders != [])
        app.screen.query_one("#po-table", DataTable).focus()
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: receiving.flow.step == "item")
        await pilot.pause(0.2)
        await check_snapshot(pilot, app, f"desk_receiving_{tag}")

        await _tab(pilot, app, "f11", "returns")
        await check_snapshot(pilot, app, f"desk_returns_{tag}")
        # Every tab's name is whole on the screen, at 80 columns too (the keys when they fit).
        bar = screen_text(app).splitlines()[1]
        names = [str(tab.label) for tab in app.screen.query(ContentTab)]
        assert len(names) >= 8 and all(name in bar for name in names), (names, bar)
        assert len(bar) <= size[0]


async def test_supervisor_desk_at_80x24(floor: Floor) -> None:
    app = WmsApp(floor.db, terminal="desk-2", wall_clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_slowly(pilot, BADGES["boss"])
        await type_slowly(pilot, f.CLI_PIN)
        assert await wait_for(pilot, lambda: in_mode(app, "mode-supervisor"))
        pool = app.screen.query_one(PoolPane)
        assert await wait_for(pilot, lambda: pool.options is not None)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: pool.preview is not None)
        await check_snapshot(pilot, app, "desk_supervisor_pool_80x24")
