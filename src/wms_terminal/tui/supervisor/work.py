"""What every desk pane does the same way: database work handed to the mode screen's queue
(`tui.db_worker`: off the event loop, in order, "busy, retrying" / "connection lost, retrying" in
its status line), answers in the pane's own message line, and actions that read again after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.text import plain


def submit(
    node: Widget,
    run: Callable[[], Any],
    done: Callable[[Any], object],
    *,
    what: str,
    failed: Callable[[str], None],
) -> None:
    """`run` in the screen's database worker; then `done(result)` or `failed(message)`."""
    screen = node.screen
    assert isinstance(screen, ModeScreen), screen
    screen.db_runner.submit(run, done, what=what, failed=failed)


class DeskPane(Widget):
    """A desk tab's pane (mixed in after its container): it answers in one Static of its own
    (`SAY`, the id), errors in red with the bell, and `act` runs an action then reads again."""

    SAY = ""
    ACT = "change"  # what `act` does, for the log and the status line

    def say(self, message: str, *, error: bool = False) -> None:
        box = self.query_one(f"#{self.SAY}", Static)
        box.set_class(error, "error")
        box.update(plain(message, limit=400))
        if error:
            self.app.bell()

    def failed(self, message: str) -> None:
        self.say(message, error=True)

    def reload(self) -> None:
        """Read the pane's data again (panes with data to show override it)."""

    def act(self, call: Callable[[], Any], said: Callable[[Any], str]) -> None:
        """Run an action in the screen's database worker; say what it did and read again."""

        def done(result: Any) -> None:
            self.say(said(result))
            self.reload()

        submit(self, call, done, what=self.ACT, failed=self.failed)
