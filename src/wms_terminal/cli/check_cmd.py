"""`wms-terminal check [--json]`: verify the invariants on a live database (read-only)."""

from __future__ import annotations

import argparse
import json
import sys

from wms_terminal import bootstrap
from wms_terminal.core.invariants import KINDS, check


def register(cmd: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    cmd.description = (
        "Verify the invariants on a live database: stock equals its ledger per "
        "product and location, no negative stock, reserved <= on hand, reservations add up, "
        "picked <= ordered, no tote on two lists, no list claimed twice, no stuck list. "
        "Changes nothing. Exit status 0 only when every check passes, 1 when any fails."
    )
    cmd.add_argument(
        "--json",
        action="store_true",
        help='print {"ok": true|false, "problems": [{"kind": ..., "detail": ...}]}',
    )
    cmd.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        problems = check(app.db)
    if args.json:
        json.dump({"ok": not problems, "problems": [p.to_dict() for p in problems]}, sys.stdout)
        print()
    elif not problems:
        print(f"ok: all {len(KINDS)} checks pass")
    else:
        for p in problems:
            print(f"{p.kind}: {p.detail}")
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
    return 0 if not problems else 1
