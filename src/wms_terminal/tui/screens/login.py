"""Log-in: scan (or key) the badge, then key the PIN. Works on a 40x16 terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from wms_terminal.scanning.symbology import Kind, classify
from wms_terminal.tui.db_worker import DbRunner
from wms_terminal.tui.text import message as wrapped
from wms_terminal.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:  # the database layer loads after the sign-in screen is drawn (tui/app.py)
    from wms_terminal.core.auth import Actor
    from wms_terminal.core.db import Database

DemoUser = tuple[str, str, str, str, str]  # role, username, name, badge, PIN


class LoginScreen(Screen["Actor"]):
    """Dismisses with the logged-in Actor."""

    BINDINGS = [Binding("escape", "restart", "Restart", id="login-restart")]

    def __init__(
        self,
        *,
        terminal: str,
        demo_users: Sequence[DemoUser] = (),
        message: str = "",
    ) -> None:
        super().__init__(id="sign-in")
        self.terminal = terminal
        self.demo_users = list(demo_users)
        self.badge: str | None = None
        self.first_message = message
        self.db_runner = DbRunner(self, self._status)

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(Text("wms-terminal · sign in"), id="title")
            yield Static(Text("Scan your badge"), id="prompt")
            yield ScanInput(placeholder="badge", id="entry")
            yield Static(wrapped(self.first_message), id="message")
            yield Static("", id="status")
            if self.demo_users:
                lines = ["Demo users (badge / PIN):"]
                lines += [
                    f"{role:<10} {badge} {pin}" for role, _u, _n, badge, pin in self.demo_users
                ]
                yield Static(Text("\n".join(lines)), id="demo")
        yield Footer()

    @property
    def db(self) -> Database:
        """The app's database (it may still be opening: use it in the database worker)."""
        app: Any = self.app
        db: Database = app.db
        return db

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()

    def on_unmount(self) -> None:
        self.db_runner.stop()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(wrapped(text, max_lines=1))

    def action_restart(self) -> None:
        self._ask_badge()
        self._say("")

    def _ask_badge(self) -> None:
        self.badge = None
        entry = self.query_one(ScanInput)
        entry.password, entry.placeholder = False, "badge"
        entry.clear()
        self.query_one("#prompt", Static).update(Text("Scan your badge"))

    def _say(self, text: str, *, error: bool = False) -> None:
        box = self.query_one("#message", Static)
        box.set_class(error, "error")
        box.update(wrapped(text))

    @on(ScanInput.Notice)
    def _notice(self, event: ScanInput.Notice) -> None:
        self._say(event.message)

    @on(ScanInput.Scanned)
    def _scanned(self, event: ScanInput.Scanned) -> None:
        text = event.scan.text
        if self.badge is None:
            result = classify(text, event.scan.symbology)
            if result.kind is not Kind.BADGE:
                self._say(result.error or "That is not a badge: scan your badge", error=True)
                return
            self.badge = str(result.fields.get("badge", result.text))
            entry = self.query_one(ScanInput)
            entry.password, entry.placeholder = True, "PIN"
            entry.clear()
            self.query_one("#prompt", Static).update(Text("Key your PIN, then Enter"))
            self._say("")
            return
        self._check(self.badge, text)

    def _check(self, badge: str, pin: str) -> None:
        # argon2 and the database stay off the event loop.
        def sign_in() -> Actor:
            from wms_terminal.core.auth import authenticate

            return authenticate(self.db, badge=badge, pin=pin, terminal=self.terminal)

        self.db_runner.submit(sign_in, self.dismiss, failed=self._failed, what="sign in")

    def _failed(self, message: str) -> None:
        self._say(message, error=True)
        if not message.startswith("wrong PIN") or "locked" in message:
            self._ask_badge()
        else:
            self.query_one(ScanInput).clear()
