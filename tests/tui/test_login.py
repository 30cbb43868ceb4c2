"""The login screen, driven with Textual's Pilot on a real database (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests import factories as f
from textual import events
from textual.widgets import Static

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.home import HomeScreen
from wms_terminal.tui.screens.login import LoginScreen
from wms_terminal.tui.widgets.scan_input import ScanInput

BADGE = "B-7Q4K9X2M"
PIN = "4321"


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path):
    import shutil

    path = tmp_path / "tui.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    with db.transaction() as s:
        f.warehouse(s, "MAIN", 52.0, 4.5)
        create_user(
            s, username="sanne", name="Sanne [b]de Vries[/b]", role="picker", pin=PIN, badge=BADGE
        )
    yield db
    db.dispose()


async def _type(pilot, text: str) -> None:
    # Hand typing: slow keys, ended with Enter.
    for ch in text:
        await pilot.press(ch)
        await pilot.pause(0.06)
    await pilot.press("enter")
    await pilot.pause()


def _message(app: WmsApp) -> str:
    return str(app.screen.query_one("#message", Static).render())


async def _wait_for(pilot, predicate, tries: int = 50) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)


async def test_badge_then_pin_signs_in_and_shows_the_floor(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await _type(pilot, BADGE)
        await _type(pilot, PIN)
        await _wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.role == "picker"
        who = str(app.screen.query_one("#who", Static).render())
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
        await _wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert isinstance(app.screen, HomeScreen)


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
