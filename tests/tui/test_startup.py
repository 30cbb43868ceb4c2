"""Start-up: the sign-in screen comes before the database layer; the database opens behind it.

The figures are in bench/bench_startup.py; here the behaviour that makes them possible.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from tests.tui.conftest import BADGE, PIN
from tests.tui.helpers import shown, type_slowly, wait_for
from textual import events

from wms_terminal.core.db import Database
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.failure import EXIT_UNEXPECTED
from wms_terminal.tui.widgets.scan_input import ScanInput

# What the terminal must not load before its sign-in screen is drawn.
DATABASE_LAYER = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "argon2", "biip", "pydantic")
NOT_FOR_A_TERMINAL = ("cv2", "numpy", "reportlab", "zxingcpp", "pyzbar")
NOT_FOR_A_TERMINAL += ("statsmodels", "pandas", "scipy", "plotext", "textual_plotext")


def _loaded_by(code: str) -> set[str]:
    probe = (
        f"import sys\n{code}\n"
        "import json\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_app_and_its_sign_in_screen_load_no_database_layer() -> None:
    loaded = _loaded_by(
        "import wms_terminal.cli.run_cmd, wms_terminal.tui.app, wms_terminal.tui.screens.login"
    )
    assert "textual" in loaded
    assert loaded & {*DATABASE_LAYER, *NOT_FOR_A_TERMINAL} == set()


async def test_the_sign_in_screen_works_while_the_database_opens(sqlite_db: Database) -> None:
    opened = threading.Event()
    release = threading.Event()

    def connect() -> Database:
        release.wait(30)
        opened.set()
        return sqlite_db

    app = WmsApp(connect, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        assert app.screen.id == "sign-in" and "Scan your badge" in shown(app, "#prompt")
        assert not app.connection.connected
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)  # keyed before the database is there: waits for it
        await pilot.pause(0.2)
        assert app.screen.id == "sign-in" and not opened.is_set()
        release.set()
        await wait_for(pilot, lambda: app.screen.id == "mode-picker")
        assert app.screen.id == "mode-picker" and app.connection.connected


async def test_a_burst_handled_late_is_still_one_whole_scan(sqlite_db: Database) -> None:
    # A badge scanned the moment the terminal starts: its keys arrive in a burst, but the app is
    # busy (the database opening) and handles them with a pause. Judged by when they arrived,
    # it is one scan; judged by when handled, the first key looked stray and was dropped.
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        field = app.screen.query_one(ScanInput)
        keys = [events.Key(ch, ch) for ch in BADGE] + [events.Key("enter", "\r")]
        arrived = time.monotonic()
        for n, key in enumerate(keys):
            key.time = arrived + n * 0.002  # 2 ms apart, as a scanner types
        field.post_message(keys[0])
        await pilot.pause(0.3)  # handled late
        for key in keys[1:]:
            field.post_message(key)
        await wait_for(pilot, lambda: "PIN" in shown(app, "#prompt"))
        assert "PIN" in shown(app, "#prompt")


async def test_a_database_that_cannot_be_opened_ends_the_app_with_its_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def connect() -> Database:
        raise ConfigurationError("no database at /nowhere/wms.sqlite3 (no such file)")

    app = WmsApp(connect, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == ConfigurationError.exit_code
    assert "wms-terminal: no database at /nowhere/wms.sqlite3" in capsys.readouterr().err


async def test_an_unexpected_error_while_opening_exits_non_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def connect() -> Database:
        raise RuntimeError("driver exploded at postgresql://wms:hunter2@db/wms")

    app = WmsApp(connect, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_UNEXPECTED
    told = capsys.readouterr().err
    assert "unexpected error (RuntimeError)" in told and "hunter2" not in told


# Besides those: the order desk's and the documents' libraries, which other commands load.
NOT_FOR_A_PICKER = (*NOT_FOR_A_TERMINAL, "fastapi", "starlette", "uvicorn", "jinja2", "xmlschema")
NOT_FOR_A_PICKER += ("httpx", "PIL", "babel", "pycountry", "biip", "alembic", "textual_serve")

_PICKER_SESSION = """
import asyncio, json, sys
from wms_terminal.core.db import Database, make_engine
from wms_terminal.tui.app import WmsApp

async def main():
    app = WmsApp(Database(make_engine(sys.argv[1])), terminal="t1", idle_logout_s=0)
    async with app.run_test(size=(40, 16)) as pilot:
        for text in (sys.argv[2], sys.argv[3]):
            await pilot.press(*text, "enter")
            for _ in range(200):
                await pilot.pause(0.05)
                if app.screen.id == "mode-picker" or text == sys.argv[2]:
                    break
        assert app.screen.id == "mode-picker", app.screen
        await pilot.press("enter")  # asks for a list (there is none)
        for _ in range(100):
            await pilot.pause(0.05)
            if "No pick list" in str(app.screen.query_one("#message").render()):
                break
        else:
            raise SystemExit("no answer to the claim")
    print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))

asyncio.run(main())
"""


def test_a_picker_session_loads_none_of_the_heavy_libraries(sqlite_db: Database) -> None:
    """Signed in as a picker and asking for a list, in a fresh interpreter: no camera, PDF,
    forecast, API, template or e-invoice library (bench/bench_picker_screen.py: the memory)."""
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    out = subprocess.run(
        [sys.executable, "-c", _PICKER_SESSION, url, BADGE, PIN],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"sqlalchemy", "argon2", "textual"} <= loaded  # it did sign in and ask
    assert loaded & set(NOT_FOR_A_PICKER) == set()
