"""A small app that shows one desk screen, for Pilot tests of the supervisor and manager desks."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from wms_terminal.core.db import Database, make_engine


class DeskApp(App[None]):
    def __init__(self, make: Callable[[], Screen[None]]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


@contextmanager
def sqlite_copy(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    try:
        yield db
    finally:
        db.dispose()


async def wait_for(pilot, predicate: Callable[[], object], tries: int = 100) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")
