"""`wms-terminal pick --headless [--badge B [--pin P | --pin-file F]] [--role R] [--warehouse W]
[--zone Z]`: pick by lines on stdin, JSON lines on stdout (docs/headless.md).

With --badge the PIN comes from --pin, --pin-file or the environment variable WMS_PIN (as for the
other commands); without them the driver prompts for badge and PIN on stdin like a terminal.
The options and the run are shared with `pack --headless` (cli/pack_cmd.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import PIN_ENV
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Role


def add_driver_arguments(parser: argparse.ArgumentParser) -> None:
    """--headless, --badge, --pin, --pin-file, --role, --warehouse: every headless driver's."""
    parser.add_argument(
        "--headless", action="store_true", help="JSON lines on stdout, scans on stdin"
    )
    parser.add_argument("--badge", metavar="B", help="sign in with this badge before reading stdin")
    parser.add_argument(
        "--pin", metavar="P", help=f"the badge's PIN (else {PIN_ENV} or --pin-file)"
    )
    parser.add_argument("--pin-file", metavar="F", help="file whose first line is the PIN")
    parser.add_argument(
        "--role", choices=Role.ALL, metavar="R", help="the role to work in, for a user with several"
    )
    parser.add_argument("--warehouse", metavar="CODE", help="default: the user's warehouse")


def register(pick: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    pick.description = (
        "Pick with the same flows as the picker's screen. --headless reads one scan per line "
        "on stdin (as a keyboard wedge types it: command barcodes, a quantity as digits) and "
        "writes one JSON object per line on stdout; see docs/headless.md."
    )
    add_driver_arguments(pick)
    pick.add_argument("--zone", metavar="CODE", help="claim lists of this zone only")
    pick.set_defaults(handler=_pick)


def _pick(args: argparse.Namespace) -> int:
    from wms_terminal.headless.picker import PickerDriver

    return run_driver(args, PickerDriver, "picker", zone=args.zone)


def run_driver(args: argparse.Namespace, driver: Any, who: str, **extra: Any) -> int:
    """Connect, sign in with the arguments and run `driver` over stdin (exit status: its)."""
    if not args.headless:
        raise ValidationError(
            f"the {who}'s screen is in `wms-terminal run`; add --headless for JSON lines"
        )
    from wms_terminal.headless.driver import Options
    from wms_terminal.headless.events import EventWriter

    with bootstrap.connect(args.database) as app:
        options = Options(
            terminal=app.settings.terminal_id,
            badge=args.badge,
            pin=_pin(args) if args.badge else None,
            role=args.role,
            warehouse=args.warehouse,
            **extra,
        )
        return int(driver(app.db, EventWriter(sys.stdout), options).run(_lines()))


def _pin(args: argparse.Namespace) -> str | None:
    if args.pin:
        return str(args.pin)
    if args.pin_file:
        try:
            lines = Path(args.pin_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read the PIN file {args.pin_file}: {exc}") from None
        return lines[0].strip() if lines else None
    return os.environ.get(PIN_ENV, "").strip() or None


def _lines() -> Iterator[str]:
    """stdin line by line as bytes, so that a byte that is no UTF-8 cannot stop the driver."""
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace")
