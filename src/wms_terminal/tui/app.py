"""The Textual app: wiring only. Screens get the database handle and talk to services."""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual.app import App
from textual.binding import Binding

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import User
from wms_terminal.resources import ASSETS
from wms_terminal.tui.screens.home import HomeScreen
from wms_terminal.tui.screens.login import DemoUser, LoginScreen


class WmsApp(App[None], inherit_bindings=False):
    """No ctrl+q / ctrl+c quit: a scanner's control bytes arrive as those keys.

    F10 twice within a few seconds quits: a single stray F10 (an escape sequence inside a label)
    never closes a picker's session. Not a priority binding, so the scan field can swallow it
    while a scan is under way.
    """

    TITLE = "wms-terminal"
    CSS_PATH = str(ASSETS / "styles" / "app.tcss")
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("f10", "request_quit", "Quit", id="app-quit")]
    QUIT_CONFIRM_S = 3.0

    def __init__(
        self, db: Database, *, terminal: str = "", demo_users: Sequence[DemoUser] = ()
    ) -> None:
        super().__init__()
        self.db = db
        self.terminal = terminal
        self.demo_users = list(demo_users)
        self.actor: Actor | None = None
        self._quit_asked_at = -1e9

    def on_mount(self) -> None:
        self._sign_in()

    def action_request_quit(self) -> None:
        now = time.monotonic()
        if now - self._quit_asked_at <= self.QUIT_CONFIRM_S:
            self.exit()
            return
        self._quit_asked_at = now
        self.notify("Press F10 again to quit", timeout=self.QUIT_CONFIRM_S)

    def _sign_in(self) -> None:
        self.actor = None
        screen = LoginScreen(self.db, terminal=self.terminal, demo_users=self.demo_users)
        self.push_screen(screen, self._signed_in)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is None:
            self._sign_in()
            return
        self.actor = actor
        with self.db.reading() as session:
            user = session.get(User, actor.user_id)
            name = user.name if user else actor.username
        self.push_screen(HomeScreen(self.db, actor, name=name), lambda _: self._sign_in())
