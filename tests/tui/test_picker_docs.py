"""docs/picker.md's table of commands, keys and F-keys is the one the screen uses."""

from __future__ import annotations

import re
from pathlib import Path

from wms_terminal.core.codes import Command
from wms_terminal.tui.widgets.commands import F_KEYS, KEY_COMMANDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "picker.md"


def test_the_documented_keys_are_the_screens() -> None:
    documented_keys: dict[str, Command] = {}
    documented_f: dict[str, Command] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `CMD-"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        commands = [Command(c) for c in re.findall(r"`CMD-([A-Z]+)`", cells[0])]
        keys = re.findall(r"`([^`]+)`", cells[1])
        if len(commands) == len(keys):
            documented_keys.update({k: c for k, c in zip(keys, commands, strict=True)})
        else:  # one command, several keys ("h" or "?")
            documented_keys.update({k: commands[0] for k in keys})
        if cells[2]:
            documented_f[cells[2].lower()] = commands[0]
    assert documented_keys == KEY_COMMANDS
    assert documented_f == F_KEYS
