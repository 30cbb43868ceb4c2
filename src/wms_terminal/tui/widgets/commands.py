"""Command barcodes and their keys: every action a handheld user takes works by scanner alone.

The sheet (`wms-terminal labels commands`) prints each `Command` as CMD-<NAME>; the same commands
have a key (a letter or F-key the screen binds), as a convenience, never the only way.
"""

from __future__ import annotations

from wms_terminal.core.codes import Command
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.scanning.symbology import Kind, classify


def command_of(scan: Scan | str) -> Command | None:
    """The command a scan is, or None (an unknown CMD- code is None too: the flow says so)."""
    text, symbology = (scan, None) if isinstance(scan, str) else (scan.text, scan.symbology)
    got = classify(text, symbology)
    if got.kind is not Kind.COMMAND or not got.ok:
        return None
    return Command(got.fields["command"])


def is_logout(scan: Scan | str) -> bool:
    return command_of(scan) is Command.LOGOUT


# One key per command, typed alone and ended with Enter (handhelds without F-keys have letters).
KEY_COMMANDS: dict[str, Command] = {
    "h": Command.HELP,
    "?": Command.HELP,
    "s": Command.SHORT,
    "d": Command.DAMAGED,
    "k": Command.SKIP,
    "f": Command.FULL_TOTE,
    "e": Command.EMPTY,
    "g": Command.GIVE_BACK,
    "x": Command.CANCEL,
    "p": Command.PICK,
    "r": Command.REPLENISH,
    "c": Command.COUNT,
    "o": Command.LOGOUT,
}
# F-keys: a convenience on stations that have them.
F_KEYS: dict[str, Command] = {
    "f1": Command.HELP,
    "f2": Command.SHORT,
    "f3": Command.DAMAGED,
    "f4": Command.SKIP,
    "f5": Command.FULL_TOTE,
    "f6": Command.EMPTY,
    "f7": Command.GIVE_BACK,
    "f8": Command.CANCEL,
    "f9": Command.LOGOUT,
}


def keyed_command(scan: Scan) -> Command | None:
    """A command typed by hand: its key ("s") or its name ("short"), then Enter."""
    if scan.source is not Source.KEYBOARD:
        return None
    typed = scan.text.strip()
    if typed.lower() in KEY_COMMANDS:
        return KEY_COMMANDS[typed.lower()]
    try:
        return Command(typed.upper())
    except ValueError:
        return None


def key_help() -> str:
    """The keys, for the help message (40 columns, word-wrapped by the screen)."""
    keys = {cmd: key for key, cmd in reversed(KEY_COMMANDS.items()) if cmd is not Command.HELP}
    return " ".join(f"{keys[c]}={c.value.lower()}" for c in Command if c in keys)
