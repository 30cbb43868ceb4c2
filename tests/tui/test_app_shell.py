"""The app shell: modes per role, scans from any source, idle log-out, a lost database, a crash."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from tests.tui.conftest import BADGE, PACKER_BADGE, PIN
from tests.tui.helpers import in_mode, shown, type_slowly, wait_for

from wms_terminal.core.db import Database
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.tui import modes
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.failure import EXIT_UNEXPECTED, mask
from wms_terminal.tui.screens.home import HomeScreen
from wms_terminal.tui.screens.login import LoginScreen

pytestmark = pytest.mark.usefixtures("packer_at_home")


async def _sign_in(app: WmsApp, pilot, badge: str = PACKER_BADGE) -> None:
    await type_slowly(pilot, badge)
    await type_slowly(pilot, PIN)
    await wait_for(
        pilot,
        lambda: app.actor is not None and app.screen.id != "sign-in" and app.screen.is_mounted,
    )


async def test_each_role_gets_its_mode_screen_by_id(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot, BADGE)
        assert app.screen.id == "mode-picker"
        app.deliver_scan(Scan("CMD-LOGOUT", Source.WEDGE))
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await _sign_in(app, pilot, PACKER_BADGE)
        assert app.screen.id == "mode-packer"
    assert set(modes.MODES) == {"picker", "packer", "supervisor", "manager"}


async def test_a_camera_scan_arrives_like_a_wedge_scan(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        # From the camera's thread, as `serve` and `run --camera` do.
        scan = Scan(BADGE.lower(), Source.CAMERA)
        t = threading.Thread(target=app.call_from_thread, args=(app.deliver_scan, scan))
        t.start()
        await wait_for(pilot, lambda: not t.is_alive())
        await wait_for(pilot, lambda: "PIN" in shown(app, "#prompt"))
        assert "PIN" in shown(app, "#prompt")
        app.deliver_scan(Scan(PIN, Source.CAMERA))
        await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        assert app.screen.id == "mode-picker"


async def test_idle_terminal_signs_its_user_out(sqlite_db: Database) -> None:
    now = [1000.0]
    app = WmsApp(sqlite_db, terminal="t1", idle_logout_s=120, clock=lambda: now[0])
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot, BADGE)
        assert app.screen.id == "mode-picker"
        now[0] += 119
        await pilot.pause(1.2)
        assert app.screen.id == "mode-picker"  # not yet
        await pilot.press("f1")  # a key: the clock starts again
        now[0] += 119
        await pilot.pause(1.2)
        assert app.screen.id == "mode-picker"
        now[0] += 2
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert "Signed out after 2 min" in shown(app, "#message")
        assert len(app.screen_stack) == 2  # the base screen and the sign-in: nothing piled up


async def test_log_out_by_command_barcode(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot)
        app.deliver_scan(Scan("CMD-LOGOUT", Source.WEDGE))
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_a_lost_database_says_so_and_resumes(sqlite_db: Database, sqlite_path: Path) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot)
        await wait_for(pilot, lambda: "MAIN" in shown(app, "#floor"))
        away = sqlite_path.with_suffix(".away")
        sqlite_path.rename(away)  # the database goes away
        await pilot.press("f5")
        await wait_for(pilot, lambda: "connection lost, retrying" in shown(app, "#status"))
        assert "connection lost, retrying" in shown(app, "#status")
        assert isinstance(app.screen, HomeScreen) and app.is_running
        away.rename(sqlite_path)  # and comes back
        await wait_for(pilot, lambda: shown(app, "#status").strip() == "", tries=200)
        assert shown(app, "#status").strip() == ""
        assert "MAIN" in shown(app, "#floor")


async def test_an_unexpected_error_exits_non_zero_with_a_short_message(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import wms_terminal.tui.screens.home as home

    def broken(_db: Database, _user: int | None) -> None:
        url = "postgresql://wms:hunter2@db.example/wms"
        raise ValueError(f"boom at {url}")

    monkeypatch.setattr(home, "floor_summary", broken)
    caplog.set_level(logging.INFO)
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot)
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_UNEXPECTED
    logged = caplog.text
    assert "ValueError" in logged and "boom at" in logged
    assert "hunter2" not in logged and "wms:***@db.example" in logged


def test_mask_hides_url_passwords_and_given_secrets() -> None:
    text = "postgresql+psycopg://u:p%40ss@h:5432/d and sqlite:///x and pin 4321"
    assert mask(text, ["4321"]) == "postgresql+psycopg://u:***@h:5432/d and sqlite:///x and pin ***"


async def test_an_error_on_the_event_loop_prints_no_locals(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    with pytest.raises(RuntimeError, match="screen bug"):  # run_test hands it to the test
        async with app.run_test(size=(40, 16)) as pilot:
            await _sign_in(app, pilot)

            def broken(self: HomeScreen) -> None:
                secret = "hunter2"  # noqa: F841 - a local Textual's default traceback prints
                raise RuntimeError("screen bug")

            monkeypatch.setattr(HomeScreen, "action_refresh", broken)
            await pilot.press("f5")
            await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_UNEXPECTED
    assert "RuntimeError" in caplog.text and "hunter2" not in caplog.text


async def test_an_error_in_a_result_handler_stops_the_app_cleanly(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: HomeScreen, _view: object) -> None:
        raise KeyError("screen bug")

    monkeypatch.setattr(HomeScreen, "_show", broken)
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await _sign_in(app, pilot)
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_UNEXPECTED
    assert "KeyError" in caplog.text
