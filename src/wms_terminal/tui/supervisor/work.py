"""Desk panes hand their database work to their mode screen's queue (`tui.db_worker`): off the
event loop, in order, "busy, retrying" / "connection lost, retrying" in its status line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import Widget

from wms_terminal.tui.screens.mode import ModeScreen


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
