"""The manager's desk with Pilot on a real floor (SQLite): a person added at the desk signs in
with the badge and PIN given there, the last manager cannot deactivate themselves, a purchase
order raised by a reorder point shows in the inbox and is received from the desk into stock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests import factories as f
from tests.picking.conftest import Floor
from tests.tui.desk_helpers import manager_floor
from tests.tui.helpers import in_mode, type_slowly, wait_for
from textual.widgets import DataTable, Input

from wms_terminal.core.auth import SYSTEM, authenticate
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.models import Notification, Product
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.manager.inbox_pane import InboxPane
from wms_terminal.tui.manager.receiving_pane import ReceivingPane
from wms_terminal.tui.manager.users_pane import NewUserDialog, UsersPane
from wms_terminal.tui.widgets.scan_input import ScanInput


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    floor = manager_floor(sqlite_template, tmp_path / "desk.sqlite3")
    yield floor
    floor.db.dispose()


def _scalar(db: Database, sql: str, **params: object) -> int:
    with db.reading() as s:
        return int(s.execute(text(sql), params).scalar_one())


async def _sign_in(app: WmsApp, pilot, badge: str, pin: str, mode: str) -> None:  # type: ignore[no-untyped-def]
    await type_slowly(pilot, badge)
    await type_slowly(pilot, pin)
    assert await wait_for(pilot, lambda: in_mode(app, mode)), app.screen


async def test_a_person_added_at_the_desk_signs_in_and_the_last_manager_stays(floor: Floor):
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, floor.badges["mia"], f.CLI_PIN, "mode-manager")
        await pilot.press("f7")
        pane = app.screen.query_one(UsersPane)
        assert await wait_for(pilot, lambda: len(pane.rows) == 4)
        app.screen.query_one("#users-table", DataTable).focus()

        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, NewUserDialog))
        await type_slowly(pilot, "Noor [b]Haddad[/b]")  # Enter: on to the next field
        app.screen.query_one("#nu-pin", Input).focus()
        await type_slowly(pilot, "97531")
        assert await wait_for(
            pilot, lambda: any(u.username == "noor.b.haddad.b" for u in pane.rows)
        )
        [noor] = [u for u in pane.rows if u.username == "noor.b.haddad.b"]
        assert noor.role == "picker" and noor.active

        # Mia is the only manager: deactivating herself is refused, she stays active.
        table = app.screen.query_one("#users-table", DataTable)
        table.move_cursor(row=[u.username for u in pane.rows].index("mia"))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(
            pilot, lambda: "last active manager" in str(app.screen.query_one("#users-say").render())
        )
        assert (
            _scalar(floor.db, "SELECT COUNT(*) FROM app_user WHERE username = 'mia' AND active")
            == 1
        )

        # Noor forgot the PIN: a new one set at the desk.
        table.move_cursor(row=[u.username for u in pane.rows].index(noor.username))
        await pilot.press("p")
        await pilot.pause()
        await type_slowly(pilot, "86420")
        assert await wait_for(
            pilot, lambda: "New PIN set" in str(app.screen.query_one("#users-say").render())
        )

        await pilot.press("f2")  # log out, then the new person signs in at the same terminal
        assert await wait_for(pilot, lambda: app.screen.id == "sign-in")
        await _sign_in(app, pilot, noor.badge, "86420", "mode-picker")
        assert app.actor is not None and app.actor.username == "noor.b.haddad.b"


async def test_a_purchase_order_shows_in_the_inbox_and_is_received_into_stock(floor: Floor):
    product = floor.products[5]
    with floor.db.transaction() as s:
        p = s.get(Product, product.id)
        assert p is not None
        p.reorder_point, p.reorder_qty = 60, 24
        s.add(p)
    [raised] = floor.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=floor.warehouse_id, product_ids=[product.id], actor=SYSTEM
        )
    )
    on_hand = "SELECT COALESCE(SUM(on_hand), 0) FROM stock WHERE product_id = :p"
    before = _scalar(floor.db, on_hand, p=product.id)
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, floor.badges["mia"], f.CLI_PIN, "mode-manager")
        await pilot.press("f8")
        inbox = app.screen.query_one(InboxPane)
        assert await wait_for(pilot, lambda: len(inbox.rows) == 1)
        assert inbox.rows[0].kind == "purchase_order" and raised.number in inbox.rows[0].subject

        await pilot.press("f9")
        pane = app.screen.query_one(ReceivingPane)
        assert await wait_for(pilot, lambda: [po.number for po in pane.orders] == [raised.number])
        app.screen.query_one("#po-table", DataTable).focus()
        await pilot.press("enter")  # receive it by scan: item, then quantity
        assert await wait_for(pilot, lambda: pane.flow.step == "item")
        await type_slowly(pilot, floor.gtin(5))
        assert await wait_for(pilot, lambda: pane.flow.step == "qty")
        await type_slowly(pilot, "10")
        assert await wait_for(
            pilot, lambda: _scalar(floor.db, on_hand, p=product.id) == before + 10
        )

        app.screen.query_one("#po-table", DataTable).focus()
        await pilot.press("a")  # the rest in one receipt, after y
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(
            pilot, lambda: _scalar(floor.db, on_hand, p=product.id) == before + 24
        )
        assert await wait_for(pilot, lambda: pane.orders == [])
    status = "SELECT COUNT(*) FROM purchase_order WHERE number = :n AND status = 'received'"
    assert _scalar(floor.db, status, n=raised.number) == 1


async def test_notice_text_is_shown_as_text_never_as_markup(floor: Floor):
    with floor.db.transaction() as s:
        s.add(
            Notification(
                kind="purchase_order",
                subject="[@click=app.quit]Widget [/",
                body="line one\x1b[31m red?\x07",
                status="failed",
                last_error="[bold]550[/bold] refused",
            )
        )
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, floor.badges["mia"], f.CLI_PIN, "mode-manager")
        await pilot.press("f8")
        inbox = app.screen.query_one(InboxPane)
        assert await wait_for(pilot, lambda: len(inbox.rows) == 1)
        table = app.screen.query_one("#inbox-table", DataTable)
        table.focus()
        await pilot.click("#inbox-table", offset=(60, 1))  # a click on the subject runs nothing
        await pilot.pause()
        assert app.is_running and app.screen.id == "mode-manager"
        subject = table.get_row_at(0)[-1]
        assert subject.plain == "[@click=app.quit]Widget [/"
        body = str(app.screen.query_one("#inbox-body").render())
        assert "[@click=app.quit]Widget [/" in body and "[bold]550[/bold] refused" in body
        assert "\x1b" not in body and "\x07" not in body
        await pilot.press("t")  # failed: sent again
        assert await wait_for(
            pilot,
            lambda: (
                _scalar(floor.db, "SELECT COUNT(*) FROM notification WHERE status = 'pending'") == 1
            ),
        )


async def test_a_locked_badge_is_unlocked_and_roles_are_set_at_the_desk(floor: Floor):
    for _ in range(5):  # five wrong PINs lock pat's badge
        with pytest.raises(WmsError):
            authenticate(floor.db, badge=floor.badges["pat"], pin="0000")
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, floor.badges["mia"], f.CLI_PIN, "mode-manager")
        await pilot.press("f7")
        pane = app.screen.query_one(UsersPane)
        assert await wait_for(pilot, lambda: len(pane.rows) == 4)
        [pat] = [u for u in pane.rows if u.username == "pat"]
        assert pat.locked
        table = app.screen.query_one("#users-table", DataTable)
        table.focus()
        table.move_cursor(row=pane.rows.index(pat))
        assert "LOCKED" in [str(c) for c in table.get_row_at(pane.rows.index(pat))]
        await pilot.press("u")
        assert await wait_for(
            pilot, lambda: not next(u for u in pane.rows if u.username == "pat").locked
        )

        await pilot.press("o")
        await pilot.pause()
        for _ in "picker":
            await pilot.press("backspace")
        await type_slowly(pilot, "picker,packer")
        assert await wait_for(
            pilot,
            lambda: next(u for u in pane.rows if u.username == "pat").roles == ("picker", "packer"),
        )
    actor = authenticate(floor.db, badge=floor.badges["pat"], pin=f.CLI_PIN)
    assert actor.username == "pat"


async def test_cmd_logout_scanned_at_the_desk_signs_out(floor: Floor):
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, floor.badges["mia"], f.CLI_PIN, "mode-manager")
        await pilot.press("f9")
        app.screen.query_one(ScanInput).focus()
        await type_slowly(pilot, "CMD-LOGOUT")
        assert await wait_for(pilot, lambda: app.screen.id == "sign-in")
        assert app.actor is None
