"""The login screen, driven with Textual's Pilot on a real database (SQLite)."""

from __future__ import annotations

from tests.tui.conftest import BADGE, PIN
from tests.tui.helpers import in_mode, shown, type_slowly, wait_for
from textual import events
from textual.widgets import Static

from wms_terminal.core.db import Database
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.login import LoginScreen
from wms_terminal.tui.widgets.scan_input import ScanInput

_type = type_slowly
_wait_for = wait_for


def _message(app: WmsApp) -> str:
    return str(app.screen.query_one("#message", Static).render())


async def test_badge_then_pin_signs_in_to_the_mode_of_the_role(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await _type(pilot, BADGE)
        await _type(pilot, PIN)
        await _wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        assert app.actor is not None and app.actor.role == "picker"
        await wait_for(pilot, lambda: "Vries" in shown(app, "#card-head"))
        who = shown(app, "#card-head")
        # The name is shown literally: its brackets are text, not markup.
        assert "Sanne [b]de Vries[/b]" in who


async def test_wrong_pin_is_refused_and_keeps_the_badge(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _type(pilot, BADGE)
        await _type(pilot, "0000")
        await _wait_for(pilot, lambda: "wrong PIN" in _message(app))
        assert "wrong PIN" in _message(app)
        assert isinstance(app.screen, LoginScreen)
        await _type(pilot, PIN)
        await _wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        assert app.screen.id == "mode-picker"


async def test_something_else_than_a_badge_is_explained(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _type(pilot, "L-MAIN-01-01-1L")
        assert "badge" in _message(app).lower()
        assert isinstance(app.screen, LoginScreen)


async def test_scanner_control_bytes_neither_quit_nor_clear(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        for ch in "B-7Q4":
            await pilot.press(ch)
            await pilot.pause(0.06)
        await pilot.press("ctrl+q")  # byte 0x11 from a scanner
        await pilot.press("ctrl+u")  # byte 0x15
        for ch in "K9X2M":
            await pilot.press(ch)
            await pilot.pause(0.06)
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        prompt = str(app.screen.query_one("#prompt", Static).render())
        assert "PIN" in prompt, _message(app)


async def test_f10_twice_quits_but_once_does_not(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert app.is_running
        await pilot.press("f10")
        await pilot.pause()
        assert not app.is_running


async def test_escape_and_f10_inside_a_scan_are_part_of_the_label(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        # A scanner burst (no pauses) with ESC and an escape sequence Textual reads as F10.
        await pilot.press(*"B-7Q4", "escape", "f10", "f10", *"K9X2M", "enter")
        await pilot.pause()
        assert app.is_running
        prompt = str(app.screen.query_one("#prompt", Static).render())
        assert "PIN" in prompt, _message(app)


async def test_a_double_read_is_told_not_swallowed_silently(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        # A scanner burst: keys arrive back to back (Pilot's press is hand-typing speed).
        field = app.screen.query_one(ScanInput)
        for _ in range(2):  # the same label read twice in quick succession
            for ch in "L-MAIN-01-01-1L":
                field.post_message(events.Key(ch, ch))
            field.post_message(events.Key("enter", "\r"))
        await pilot.pause(0.3)
        assert "read twice" in _message(app)


def test_bad_scanner_setting_stops_run_with_its_reason(monkeypatch, capsys) -> None:
    from wms_terminal.cli import main

    monkeypatch.setenv("WMS_SCANNER_GS_SUBSTITUTE", "-")
    assert main(["run", "--database", "sqlite:///:memory:"]) == 2
    assert "scanner settings" in capsys.readouterr().err
