"""Modes per role: role -> a factory `(db, actor) -> Screen` of that role's mode screen.

Each mode screen has the Textual id `mode-<role>`. Roles whose own screen is not built yet map to
the home screen (the floor at a glance), which takes that id too. Screens are imported when a mode
is entered, so starting the app loads only the sign-in screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models.people import Role

ModeFactory = Callable[[Database, Actor], Screen[Any]]


def _picker(db: Database, actor: Actor) -> Screen[Any]:
    from wms_terminal.tui.screens.picker import PickerScreen

    return PickerScreen(db, actor)


def _packer(db: Database, actor: Actor) -> Screen[Any]:
    from wms_terminal.tui.screens.packer import PackerScreen, station_scale

    return PackerScreen(db, actor, scale=station_scale())


def _home(db: Database, actor: Actor) -> Screen[Any]:
    from wms_terminal.tui.screens.home import HomeScreen

    return HomeScreen(db, actor)


def _supervisor(db: Database, actor: Actor) -> Screen[Any]:
    from wms_terminal.tui.supervisor.screen import SupervisorScreen

    return SupervisorScreen(db, actor, role=Role.SUPERVISOR)


def _manager(db: Database, actor: Actor) -> Screen[Any]:
    from wms_terminal.tui.manager.screen import ManagerScreen

    return ManagerScreen(db, actor, role=Role.MANAGER)


MODES: dict[str, ModeFactory] = {
    Role.PICKER: _picker,
    Role.PACKER: _packer,
    Role.SUPERVISOR: _supervisor,
    Role.MANAGER: _manager,
}


def register(role: str, factory: ModeFactory) -> None:
    """Install (or replace) the mode screen of `role`."""
    MODES[role] = factory


def screen_for(db: Database, actor: Actor) -> Screen[Any]:
    """The mode screen for the actor's role (the home screen for a role with none)."""
    return MODES.get(actor.role, _home)(db, actor)
