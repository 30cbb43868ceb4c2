"""`wms-terminal serve` in a real browser: headless Chromium (Debian's) driven by Playwright.

The page must show the sign-in screen, and a badge and PIN typed into it must reach the
supervisor's mode. What the page shows is read from the app's output as the browser receives it
(the terminal draws on a canvas), and the page must have put it on its terminal.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import IN_CI

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine

BADGE, PIN = "B-5PVR8K3D", "8642"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
_ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b.")


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        reason = "Chromium is not installed (apt-get install chromium; `make setup` does it)"
        if IN_CI:
            pytest.fail(f"{reason}: CI must run the browser test")
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(sqlite_path: Path, tmp_path: Path) -> Iterator[str]:
    """`wms-terminal serve` on a free port over a floor with a supervisor; yields the page URL."""
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    with db.transaction() as s:
        create_user(s, username="fatima", name="Fatima", role="supervisor", pin=PIN, badge=BADGE)
    db.dispose()
    port = _free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-m", "wms_terminal", "serve", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--database", f"sqlite:///{sqlite_path}"]
    server = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[0].decode()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not listen within 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow
def test_a_supervisor_signs_in_through_the_browser(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import WebSocket, sync_playwright

    chromium = _chromium()
    received: list[bytes] = []

    def screen_text() -> str:
        return _ESCAPES.sub(b"", b"".join(received)).decode("utf-8", "replace")

    def watch(ws: WebSocket) -> None:
        ws.on(
            "framereceived",
            lambda data: received.append(data if isinstance(data, bytes) else data.encode()),
        )

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh profile
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        try:
            page = browser.new_page()
            page.on("websocket", watch)
            page.goto(served, wait_until="domcontentloaded")

            def shows(text: str, seconds: float = 30) -> bool:
                deadline = time.monotonic() + seconds
                while text not in screen_text() and time.monotonic() < deadline:
                    page.wait_for_timeout(100)
                return text in screen_text()

            assert shows("wms-terminal · sign in") and shows("Scan your badge")
            # The page put the app's output on its terminal (it hides the terminal until then).
            page.wait_for_function("document.body.classList.contains('-first-byte')")
            page.click("#terminal")
            page.wait_for_function(
                "document.activeElement?.classList.contains('xterm-helper-textarea')"
            )
            page.keyboard.type(BADGE, delay=30)
            page.keyboard.press("Enter")
            assert shows("your PIN"), screen_text()[-1500:]
            page.keyboard.type(PIN, delay=30)
            page.keyboard.press("Enter")
            # The supervisor's desk: its keys are in the footer.
            assert shows("f1 Pool") and shows("^r Release"), screen_text()[-2000:]
        finally:
            browser.close()


def test_serve_refuses_a_database_it_cannot_use(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "wms.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "wms_terminal", "serve", "--database", f"sqlite:///{missing}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert f"no database at {missing}" in out.stderr


def test_serve_on_a_taken_port_says_so(sqlite_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = [sys.executable, "-m", "wms_terminal", "serve", "--host", "127.0.0.1"]
        argv += ["--port", str(port), "--database", f"sqlite:///{sqlite_path}"]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in out.stderr and "in use" in out.stderr


def test_serve_role_is_each_sessions_role() -> None:
    from wms_terminal.cli import build_parser
    from wms_terminal.cli.serve_cmd import session_command

    parser = build_parser("serve")
    packing = session_command(parser.parse_args(["serve", "--role", "packer"]))
    assert packing == shlex.join([sys.executable, "-m", "wms_terminal", "run", "--role", "packer"])
    plain = session_command(parser.parse_args(["serve"]))
    assert plain == shlex.join([sys.executable, "-m", "wms_terminal", "run"])
    # The session's own parser accepts what serve passes it.
    run = build_parser("run").parse_args(shlex.split(packing)[3:])
    assert run.role == "packer"


def test_serve_refuses_an_unknown_role() -> None:
    argv = [sys.executable, "-m", "wms_terminal", "serve", "--role", "boss"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "invalid choice: 'boss'" in out.stderr
