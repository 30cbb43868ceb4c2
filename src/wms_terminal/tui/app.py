"""The Textual app: wiring only. Sign-in, then the mode screen of the user's role (tui/modes.py).

Global rules live here: no ctrl+q / ctrl+c quit (a scanner's control bytes arrive as those keys),
idle log-out, scans from any source delivered like wedge scans, and unexpected errors ending in a
short message, a log entry (passwords masked) and a non-zero exit, never a traceback with locals.

Start-up is kept light (bench/bench_startup.py): this module and the sign-in screen load no
database layer. Given a `connect` function instead of a Database, the app opens the database in
a thread once the sign-in screen is drawn (tui/connecting.py); the mode screens are imported
when a role is entered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding

from wms_terminal.core.errors import WmsError
from wms_terminal.resources import ASSETS
from wms_terminal.scanning.text import safe_text
from wms_terminal.tui.camera_feed import CameraFeed
from wms_terminal.tui.connecting import Connecting
from wms_terminal.tui.failure import EXIT_UNEXPECTED, log, log_unexpected, short_message
from wms_terminal.tui.screens.login import DemoUser, LoginScreen
from wms_terminal.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from datetime import datetime

    from wms_terminal.core.auth import Actor
    from wms_terminal.core.db import Database
    from wms_terminal.scanning.scan import Scan

# Events that show someone is at the terminal.
_ACTIVITY = (events.Key, events.Paste, events.MouseDown)


class WmsApp(App[None], inherit_bindings=False):
    """F10 twice within a few seconds quits: a single stray F10 (an escape sequence inside a
    label) never closes a picker's session. Not a priority binding, so the scan field can swallow
    it while a scan is under way."""

    TITLE = "wms-terminal"
    CSS_PATH = str(ASSETS / "styles" / "app.tcss")
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("f10", "request_quit", "Quit", id="app-quit")]
    QUIT_CONFIRM_S = 3.0

    def __init__(
        self,
        db: Database | Callable[[], Database],
        *,
        terminal: str = "",
        demo_users: Sequence[DemoUser] = (),
        idle_logout_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        camera: str | None = None,
        role: str | None = None,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.role = role  # `run --role R`: sign in to R's mode only (refused without R)
        # The time of day screens show (UTC); None: the real one. Snapshot tests fix it.
        self.wall_clock = wall_clock
        self.connection = Connecting(db) if callable(db) else Connecting.ready(db)
        self.terminal = terminal
        self.demo_users = list(demo_users)
        self.idle_logout_s = idle_logout_s
        self.clock = clock
        self.actor: Actor | None = None
        self._quit_asked_at = -1e9
        self._last_activity = clock()
        self.camera = camera  # device index, video file or stream URL: a second scanner
        self.camera_feed: CameraFeed | None = None

    @property
    def db(self) -> Database:
        """The database. Right after start it may still be opening: this then waits for it, so
        call it from a worker thread, not on the event loop, until someone has signed in."""
        return self.connection.get()

    def on_mount(self) -> None:
        self._show_sign_in()
        if self.idle_logout_s > 0:
            self.set_interval(min(1.0, self.idle_logout_s / 4), self._check_idle)

    def on_ready(self) -> None:
        # The first frame is on the terminal: now open the database.
        self.connection.start(lambda exc: self.call_from_thread(self._not_connected, exc))
        if self.camera is not None:
            self.camera_feed = CameraFeed(
                self.camera,
                deliver=lambda scan: self.call_from_thread(self.camera_scanned, scan),
                problem=lambda text: self.call_from_thread(self._camera_problem, text),
            ).start()

    def on_unmount(self) -> None:
        if self.camera_feed is not None:
            self.camera_feed.stop()

    def _not_connected(self, exc: BaseException) -> None:
        if isinstance(exc, WmsError):  # no such file, schema out of date, server unreachable
            log.error("cannot open the database: %s", exc.message)
            self.exit(return_code=exc.exit_code, message=f"wms-terminal: {exc.message}")
        else:
            self.fatal(exc)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _ACTIVITY):
            self._last_activity = self.clock()
        await super().on_event(event)

    # -- scans from any source ------------------------------------------------------------

    def deliver_scan(self, scan: Scan) -> None:
        """A scan from a camera or a browser, delivered to the active screen exactly as a wedge
        scan arrives: a `ScanInput.Scanned` from its (focused) scan field. Call it on the event
        loop, or from another thread with `app.call_from_thread(app.deliver_scan, scan)`."""
        self._last_activity = self.clock()
        screen = self.screen
        focused = screen.focused
        field = focused if isinstance(focused, ScanInput) else None
        if field is None:
            fields = screen.query(ScanInput).results(ScanInput)
            field = next(iter(fields), None)
        if field is None:
            screen.post_message(ScanInput.Scanned(None, scan))
        else:
            field.post_message(ScanInput.Scanned(field, scan))

    def camera_scanned(self, scan: Scan) -> None:
        """A code the camera read: a short beep and the code shown (the camera gives no feel of
        a trigger), then the same way as a wedge scan."""
        self.bell()
        self.notify(safe_text(scan.text, limit=40), title="Camera", timeout=2, markup=False)
        self.deliver_scan(scan)

    def _camera_problem(self, text: str) -> None:
        self.bell()
        self.notify(text, severity="error", timeout=10, markup=False)

    # -- signing in and out ---------------------------------------------------------------

    def _show_sign_in(self, message: str = "") -> None:
        self.actor = None
        screen = LoginScreen(terminal=self.terminal, demo_users=self.demo_users, message=message)
        self.push_screen(screen, self._signed_in)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is None:
            self._show_sign_in()
            return
        self.actor = actor
        self._last_activity = self.clock()
        log.info("%s signed in as %s on %s", actor.username, actor.role, self.terminal or "-")
        from wms_terminal.tui import modes

        self.push_screen(modes.screen_for(self.db, actor))

    def log_out(self, message: str = "") -> None:
        """Back to the sign-in screen, whatever is open above it."""
        if self.actor is not None:
            log.info("%s signed out (%s)", self.actor.username, message or "by request")
        self.actor = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        # From the app's own queue: a screen's result callback belongs to whoever pushed it,
        # and the screen asking to log out is gone by now.
        self.call_later(self._show_sign_in, message)

    def _check_idle(self) -> None:
        if self.actor is None or self.idle_logout_s <= 0:
            return
        if self.clock() - self._last_activity >= self.idle_logout_s:
            minutes = max(1, round(self.idle_logout_s / 60))
            self.log_out(f"Signed out after {minutes} min without a scan")

    # -- quitting and failing -------------------------------------------------------------

    def action_request_quit(self) -> None:
        now = time.monotonic()
        if now - self._quit_asked_at <= self.QUIT_CONFIRM_S:
            self.exit()
            return
        self._quit_asked_at = now
        self.notify("Press F10 again to quit", timeout=self.QUIT_CONFIRM_S)

    def fatal(self, exc: BaseException) -> None:
        """An error nobody expected: logged without locals, passwords masked; a short message;
        a non-zero exit."""
        log_unexpected(exc, [self.connection.password()])
        self.exit(return_code=EXIT_UNEXPECTED, message=short_message(exc))

    def _handle_exception(self, error: Exception) -> None:
        # Textual's default prints a traceback with every frame's locals (the database URL with
        # its password among them). Kept: the first error is re-raised by run_test for tests.
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.fatal(error)
