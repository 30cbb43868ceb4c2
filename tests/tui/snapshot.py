"""Snapshot tests of the screens: each one compared with an SVG of it kept in tests/tui/snapshots.

`await check_snapshot(pilot, app, name)` exports the active screen with Textual's
`app.export_screenshot()` (every cell with its character, colour and style) and compares it with
`snapshots/<name>.svg`; `<name>.txt` beside it is the same screen as plain text, for reading a
change in a review and in the failure message. Deterministic by construction:

- Textual is pinned exactly (pyproject.toml), so its rendering does not move under the files;
- no cursor blink: every input's cursor is made steady (shown) before the picture;
- no animations (TEXTUAL_ANIMATIONS=none, tests/conftest.py) and no toasts (cleared first);
- the picture is taken once the screen is steady (two exports 50 ms apart agree);
- a fixed clock: screens that show the time of day read `WmsApp(wall_clock=...)`, which the
  tests fix; the data come from fixed floors, and the terminal size is given.

After a deliberate change of layout, write the new pictures, look at them (an .svg opens in a
browser) and commit them with the change:

    WMS_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -n 0 tests/tui -k snapshot

(pytest-textual-snapshot does the same with syrupy, whose pin needs pytest < 9.)
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from tests.tui.helpers import screen_text
from textual.app import App
from textual.widgets import Input

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = "WMS_UPDATE_SNAPSHOTS"


async def _steady(pilot: Any, app: App[Any], name: str) -> str:
    """The picture once the screen has stopped changing: widgets finish their layout on idle
    (a table's columns widen to the rows just added), so two pictures 50 ms apart must agree."""
    await pilot.pause()
    svg = app.export_screenshot(title=name)
    for _ in range(40):
        await pilot.pause(0.05)
        again = app.export_screenshot(title=name)
        if again == svg:
            return svg
        svg = again
    raise AssertionError(f"{name}: the screen kept changing for 2 s; no steady picture")


async def check_snapshot(pilot: Any, app: App[Any], name: str) -> None:
    for field in app.screen.query(Input).results(Input):
        field.cursor_blink = False  # the cursor stays shown: the same picture every time
    app.clear_notifications()
    svg = await _steady(pilot, app, name)
    text = screen_text(app) + "\n"
    svg_path, text_path = SNAPSHOTS / f"{name}.svg", SNAPSHOTS / f"{name}.txt"
    if os.environ.get(UPDATE) == "1" or not svg_path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        svg_path.write_text(svg, encoding="utf-8")
        text_path.write_text(text, encoding="utf-8")
        if os.environ.get(UPDATE) != "1":  # a new screen: written, and the test says so
            raise AssertionError(f"{name}: no snapshot yet; written to {svg_path}, check it")
        return
    if svg == svg_path.read_text(encoding="utf-8"):
        return
    kept = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
    diff = "\n".join(
        difflib.unified_diff(kept.splitlines(), text.splitlines(), "kept", "now", lineterm="")
    )
    what = diff or "the same characters, other colours or styles"
    raise AssertionError(f"{name}: the screen changed ({svg_path}; if meant, {UPDATE}=1):\n{what}")
