"""Sign-in: scan (or key) the badge, key the PIN, choose a role when there are several.

The screen drives `signin.SignInFlow`, the same object as the headless driver: an unknown or
locked badge is refused before any PIN, a badge scanned at the PIN prompt switches to that badge,
a wrong PIN says how many tries are left, and a PIN (or role) prompt left alone goes back to the
badge prompt. Every input is one job on the screen's database queue (tui/db_worker.py). Works on
a 40x16 terminal.
"""

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
from wms_terminal.tui.text import lines
from wms_terminal.tui.text import message as wrapped
from wms_terminal.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:  # the database layer loads after the sign-in screen is drawn (tui/app.py)
    from wms_terminal.core.auth import Actor  # noqa: F401 - in Screen["Actor"]
    from wms_terminal.core.db import Database
    from wms_terminal.signin import SignInFlow, SignInView

DemoUser = tuple[str, str, str, str, str]  # role, username, name, badge, PIN
TICK_S = 1.0  # how often a waiting PIN or role prompt is checked for its time-out


class LoginScreen(Screen["Actor"]):
    """Dismisses with the signed-in Actor (in the role chosen)."""

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
        self.first_message = message
        self.flow: SignInFlow | None = None  # made in the worker: it needs the database
        self.expect = "badge"
        self.db_runner = DbRunner(self, self._status)

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            role = getattr(self.app, "role", None)
            title = f"wms-terminal · {role} sign-in" if role else "wms-terminal · sign in"
            yield Static(Text(title), id="title")
            yield Static(Text("Scan your badge"), id="prompt")
            yield ScanInput(placeholder="badge", id="entry")
            yield Static(wrapped(self.first_message), id="message")
            yield Static("", id="status")
            if self.demo_users:
                rows = ["Demo users (badge / PIN):"]
                rows += [
                    f"{role:<10} {badge} {pin}" for role, _u, _n, badge, pin in self.demo_users
                ]
                yield Static(lines(*rows), id="demo")
        yield Footer()

    @property
    def db(self) -> Database:
        """The app's database (it may still be opening: use it in the database worker)."""
        app: Any = self.app
        db: Database = app.db
        return db

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.set_interval(TICK_S, self._tick)

    def on_unmount(self) -> None:
        self.db_runner.stop()

    # -- input ----------------------------------------------------------------------------

    @on(ScanInput.Notice)
    def _notice(self, event: ScanInput.Notice) -> None:
        # In turn with the scans before it (their answers would otherwise overwrite it).
        event.stop()
        notice = event.message
        self.db_runner.submit(lambda: notice, self._say, what="notice")

    @on(ScanInput.Scanned)
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        scan = event.scan
        if classify(scan.text, scan.symbology).kind is Kind.BADGE:
            # Mask at once what is keyed next (the PIN), before the badge check answers.
            entry = self.query_one(ScanInput)
            entry.password, entry.placeholder = True, "PIN"
        self._submit(lambda: self._flow().enter(scan), "sign in")

    def action_restart(self) -> None:
        self._submit(lambda: self._flow().restart(), "restart the sign-in")

    def _tick(self) -> None:
        if self.expect in ("pin", "role") and self.db_runner.idle:
            self._submit(lambda: self._flow().tick(), "sign-in time-out")

    # -- in the worker --------------------------------------------------------------------

    def _flow(self) -> SignInFlow:
        if self.flow is None:
            from wms_terminal.signin import SignInFlow

            clock = getattr(self.app, "clock", None)  # WmsApp's (tests pass a fake one)
            role = getattr(self.app, "role", None)  # `run --role R`: that role's mode only
            if clock is None:
                self.flow = SignInFlow(self.db, terminal=self.terminal, role=role)
            else:
                self.flow = SignInFlow(self.db, terminal=self.terminal, clock=clock, role=role)
        return self.flow

    # -- output ---------------------------------------------------------------------------

    def _submit(self, job: Any, what: str) -> None:
        self.db_runner.submit(job, self._show, failed=self._failed, what=what)

    def _show(self, view: SignInView) -> None:
        if view.actor is not None:
            self.dismiss(view.actor)
            return
        self.expect = view.expect
        entry = self.query_one(ScanInput)
        if entry.password != view.secret or entry.placeholder != view.placeholder:
            entry.password, entry.placeholder = view.secret, view.placeholder
            entry.refresh()
        prompt = view.prompt
        if view.expect == "pin" and view.badge:
            prompt = f"{view.badge}: key your PIN, then Enter"
        self.query_one("#prompt", Static).update(wrapped(prompt, max_lines=2))
        self._say(view.message, error=view.error)

    def _failed(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        box = self.query_one("#message", Static)
        box.set_class(error, "error")
        box.update(wrapped(text))
        if error:
            self.app.bell()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(wrapped(text, max_lines=1))
