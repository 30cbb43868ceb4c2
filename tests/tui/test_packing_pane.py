"""The desk's Packing tab (ctrl+o): a supervisor sees the orders a packer set aside with a box open
(hidden from every other station's queue) and the orders on hold, and frees a set-aside one so
another station finishes it. SQLite, driven by keys through Pilot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import scalar
from tests.tui.helpers import type_slowly, wait_for
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database, make_engine
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.work import waiting
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.supervisor.packing_pane import PackingPane


@pytest.fixture
def station(sqlite_path: Path) -> Iterator[Station]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_station(db)
    db.dispose()


def _queue(station: Station, who: Actor) -> list[str]:
    with station.db.reading() as s:
        return [w.number for w in waiting(s, station.floor.warehouse_id, who.user_id or 0)]


async def test_a_supervisor_frees_an_order_a_packer_set_aside_with_its_box_open(
    station: Station,
) -> None:
    fl = station.floor
    aside = fl.order([(1, 2)])
    held = fl.order([(2, 1)])
    tote_aside, tote_held = station.pick_all()
    with station.db.transaction() as s:
        u = create_user(s, username="paul", name="Paul", role="packer", pin=f.CLI_PIN)
        assert u.id is not None
        paul = Actor(u.id, "paul", "packer", terminal="PACK-2")
    penny = PackFlow(station.db, station.packer)
    penny.scan(tote_aside)
    penny.scan(fl.gtin(1))
    assert "set aside" in penny.command(Command.CANCEL).message  # Penny goes home
    penny.scan(tote_held)
    penny.command(Command.SKIP)  # the unit is missing: on hold
    assert _queue(station, paul) == []  # Penny's bench and a held order: nothing for Paul

    app = WmsApp(station.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await type_slowly(pilot, station.sup_badge)
        await type_slowly(pilot, f.CLI_PIN)
        assert await wait_for(pilot, lambda: app.screen.id == "mode-supervisor")
        await pilot.press("ctrl+o")
        pane = app.screen.query_one(PackingPane)
        assert await wait_for(pilot, lambda: len(pane.rows) == 2)
        table = pane.query_one(DataTable)
        cells = [[str(c) for c in table.get_row_at(i)] for i in range(2)]
        assert cells[0][:4] == [aside, "MAIN", "set aside", "Penny's bench"] and cells[0][5] == "1"
        assert cells[1][0] == held and cells[1][2] == "on hold (MISSING)"
        table.move_cursor(row=1)
        await pilot.press("f")  # a held order waits for its unit: not freed here
        say = pane.query_one("#pk-say", Static)
        assert await wait_for(pilot, lambda: "on hold" in str(say.render()))
        table.move_cursor(row=0)
        await pilot.press("f")
        await pilot.press("y")
        assert await wait_for(pilot, lambda: "freed" in str(say.render()))
        assert f"{aside} freed (was set aside by Penny)" in str(say.render())
        assert await wait_for(pilot, lambda: [r.order for r in pane.rows] == [held])

    assert _queue(station, paul) == [aside]  # back in every station's queue
    flow = PackFlow(station.db, paul)
    v = flow.scan(tote_aside)
    assert v.expect == "product" and [x.verified for x in v.lines] == [1]  # Penny's unit counts
    flow.scan(fl.gtin(1))
    flow.scan("BOX-M")
    v = flow.key_weight(round((flow.view().expected_kg or 0) * 1000))
    assert v.expect == "label", v.error
    assert scalar(station.db, "SELECT packed_by FROM package WHERE status = 'closed'") == (
        paul.user_id
    )
