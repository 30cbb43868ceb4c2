"""`run --demo`: the demo is built once, and its printed users can sign in to the app."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from tests.tui.helpers import shown
from tests.tui.test_login import _type, _wait_for
from textual.widgets import Static

from wms_terminal import bootstrap
from wms_terminal.cli.run_cmd import _ensure_demo
from wms_terminal.core import migrate
from wms_terminal.core.models import SalesOrder
from wms_terminal.tui.app import WmsApp


async def test_demo_is_built_once_and_its_picker_signs_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    app_ctx = bootstrap.connect(url, require_schema=False, create=True)
    migrate.upgrade(app_ctx.db.engine)
    users = _ensure_demo(app_ctx)
    again = _ensure_demo(app_ctx)  # second start: nothing rebuilt, same credentials
    with app_ctx.db.reading() as s:
        orders = s.exec(select(func.count()).select_from(SalesOrder)).one()
    assert orders == 1000
    assert users == again and {u[0] for u in users} == {"picker", "packer", "supervisor", "manager"}

    _role, _username, name, badge, pin = next(u for u in users if u[0] == "picker")
    app = WmsApp(app_ctx.db, terminal="t1", demo_users=users)
    async with app.run_test(size=(40, 16)) as pilot:
        demo = str(app.screen.query_one("#demo", Static).render())
        assert badge in demo and pin in demo
        await _type(pilot, badge)
        await _type(pilot, pin)
        await _wait_for(pilot, lambda: name in shown(app, "#card-head"))
        assert app.screen.id == "mode-picker" and name in shown(app, "#card-head")
        assert "Enter for a list" in shown(app, "#prompt")
        # The demo released a wave: the first Enter gets a list, not "No pick list waiting".
        await pilot.press("enter")
        await _wait_for(pilot, lambda: "Go to" in shown(app, "#prompt"))
    app_ctx.close()
