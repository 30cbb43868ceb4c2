"""Driving the app as a floor user would: hand typing, scanner bursts, waiting for the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Static

from wms_terminal.tui.widgets.scan_input import ScanInput


async def type_slowly(pilot: Any, text: str) -> None:
    """Hand typing: slow keys, ended with Enter."""
    for ch in text:
        await pilot.press(ch)
        await pilot.pause(0.06)
    await pilot.press("enter")
    await pilot.pause()


def burst_keys(app: App[Any], *scans: str, end: str = "\r") -> None:
    """A scanner burst: every key of `scans` posted back to back to the scan field, each scan
    ended by `end` (Pilot's `press` waits between keys: that is hand-typing speed)."""
    field = app.screen.query_one(ScanInput)
    for text in scans:
        for ch in text + end:
            key = {"\r": "enter", "\t": "tab"}.get(ch, ch)
            if ord(ch) < 32 and key == ch:
                key = "ctrl+" + chr(ord(ch) + 96)
            field.post_message(events.Key(key, ch))


async def wait_for(pilot: Any, predicate: Callable[[], bool], tries: int = 100) -> bool:
    for _ in range(tries):
        if predicate():
            return True
        await pilot.pause(0.05)
    return predicate()


def shown(app: App[Any], selector: str) -> str:
    """The text a Static on the active screen shows now ("" when there is none)."""
    found = app.screen.query(selector).results(Static)
    return "\n".join(str(box.render()) for box in found)


def screen_text(app: App[Any]) -> str:
    """The active screen as the terminal shows it, one line per row (no colours)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def in_mode(app: App[Any], mode: str) -> bool:
    """The app shows the mode screen `mode` and that screen has finished mounting: a test that
    stops earlier tears the app down while the screen's on_mount still has to run."""
    return app.screen.id == mode and app.screen.is_mounted
