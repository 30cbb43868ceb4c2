"""Command barcodes and their keys: every action a handheld user takes works by scanner alone.

The sheet (`wms-terminal labels commands`) prints each `Command` as CMD-<NAME>; the same commands
have a key (a letter or F-key the screen binds), as a convenience, never the only way.
"""

from __future__ import annotations

from wms_terminal.core.codes import Command
from wms_terminal.scanning.scan import Scan
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
