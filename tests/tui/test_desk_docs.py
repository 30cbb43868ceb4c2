"""The README's roles table and docs/desk.md's tab table say what the app has: each role's mode,
and each desk tab with its key, manager-only tabs marked. (docs/picker.md's keys:
test_picker_docs.py.)"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.tui.helpers import in_mode, type_slowly, wait_for
from textual.widgets._tabbed_content import ContentTab

from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models.people import Role
from wms_terminal.tui import modes
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.packer import PackerScreen

ROOT = Path(__file__).resolve().parents[2]
MIA = "B-M1A7K9X2"


def _table(text: str, header: str) -> list[list[str]]:
    """The rows of the markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


@pytest.fixture
def floor(sqlite_template: Path, tmp_path: Path) -> Iterator[Floor]:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    floor = build_floor(db)
    with db.transaction() as s:
        create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN, badge=MIA)
    floor.badges["mia"] = MIA
    yield floor
    db.dispose()


async def _tabs(floor: Floor, who: str, mode: str) -> dict[str, str]:
    """The desk's tabs as the user sees them on a wide terminal: name -> key."""
    app = WmsApp(floor.db, terminal="desk-1")
    async with app.run_test(size=(200, 30)) as pilot:
        await type_slowly(pilot, floor.badges[who])
        await type_slowly(pilot, f.CLI_PIN)
        assert await wait_for(pilot, lambda: in_mode(app, mode))
        await pilot.pause()
        labels = [tab.label_text for tab in app.screen.query(ContentTab)]
    # Textual shows ctrl+g as ^G; the docs spell it ctrl+g.
    return {name: re.sub(r"^\^(\w)$", r"ctrl+\1", key) for name, key in map(_name_key, labels)}


def _name_key(label: str) -> tuple[str, str]:
    name, key = label.rsplit(" ", 1)
    return name, key.lower() if key.startswith("^") else key


async def test_the_docs_list_every_tab_of_both_desks(floor: Floor) -> None:
    """docs/desk.md: each tab with its key, "(manager)" on the manager's own; the README's
    roles table names each desk's tabs."""
    supervisor = await _tabs(floor, "boss", "mode-supervisor")
    manager = await _tabs(floor, "mia", "mode-manager")
    rows = _table((ROOT / "docs" / "desk.md").read_text(encoding="utf-8"), "| key | tab |")
    documented = {tab: (key.lower(), "(manager)" in what) for key, tab, what in rows}
    assert documented == {tab: (key.lower(), tab not in supervisor) for tab, key in manager.items()}
    assert set(supervisor) <= set(manager)
    readme = _table((ROOT / "README.md").read_text(encoding="utf-8"), "| role |")
    does = {role: text.lower() for role, _mode, text in readme}
    for tab in supervisor:
        assert re.search(rf"\b{tab.lower()}", does["supervisor"]), tab
    for tab in set(manager) - set(supervisor):
        assert re.search(rf"\b{tab.lower()}", does["manager"]), tab


def test_readme_roles_are_the_modes_that_exist() -> None:
    rows = _table((ROOT / "README.md").read_text(encoding="utf-8"), "| role |")
    table = {role: (mode, does) for role, mode, does in rows}
    assert set(table) == set(Role.ALL) == set(modes.MODES)
    assert "handheld" in table["picker"][0]
    assert "replenishment" in table["picker"][1] and "count" in table["picker"][1]
    assert "station" in table["packer"][0]
    returns_key = next(b.key for b in PackerScreen.BINDINGS if b.action == "returns")  # type: ignore[union-attr]
    assert f"returns screen ({returns_key.upper()})" in table["packer"][1]
    assert table["supervisor"][0] == "the desk" and "desk" in table["manager"][0]
