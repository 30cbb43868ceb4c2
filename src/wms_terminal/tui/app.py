"""The Textual app: wiring only. Screens get the database handle and talk to services."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App
from textual.binding import Binding

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import User
from wms_terminal.tui.screens.home import HomeScreen
from wms_terminal.tui.screens.login import DemoUser, LoginScreen


class WmsApp(App[None], inherit_bindings=False):
    """No ctrl+q / ctrl+c quit: a scanner's control bytes arrive as those keys. F10 quits."""

    TITLE = "wms-terminal"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("f10", "quit", "Quit", id="app-quit", priority=True)]

    def __init__(
        self, db: Database, *, terminal: str = "", demo_users: Sequence[DemoUser] = ()
    ) -> None:
        super().__init__()
        self.db = db
        self.terminal = terminal
        self.demo_users = list(demo_users)
        self.actor: Actor | None = None

    def on_mount(self) -> None:
        self._sign_in()

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
