"""The `wms-terminal` command. Each command family registers itself from its own module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError

from wms_terminal.core.db import first_line
from wms_terminal.core.errors import WmsError

from . import (
    check_cmd,
    count_cmd,
    db_cmd,
    demo_cmd,
    labels_cmd,
    notices_cmd,
    orders_cmd,
    picklist_cmd,
    po_cmd,
    route_cmd,
    run_cmd,
    scan_cmd,
    tasks_cmd,
    totes_cmd,
    users_cmd,
    wave_cmd,
)

_FAMILIES = (
    run_cmd,
    db_cmd,
    demo_cmd,
    users_cmd,
    orders_cmd,
    route_cmd,
    wave_cmd,
    picklist_cmd,
    totes_cmd,
    count_cmd,
    scan_cmd,
    labels_cmd,
    po_cmd,
    tasks_cmd,
    notices_cmd,
    check_cmd,
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (overrides WMS_DATABASE_URL)",
    )
    parser = argparse.ArgumentParser(prog="wms-terminal", parents=[common])
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for family in _FAMILIES:
        family.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "database"):
        args.database = None
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except WmsError as exc:
        # Domain errors carry an operator message; no traceback for the user.
        logging.getLogger("wms_terminal").info("command failed: %s", exc, exc_info=True)
        print(f"wms-terminal: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except DBAPIError as exc:
        logging.getLogger("wms_terminal").info("database error", exc_info=True)
        print(f"wms-terminal: database error: {first_line(exc)}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
