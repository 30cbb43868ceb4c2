"""The `wms-terminal` command.

Commands are listed in COMMANDS (name, module, one-line help) and their modules are imported only
when that command runs: `wms-terminal --help` and the start of `run` load no database layer,
OpenCV or ReportLab they do not need. Each module fills in its command's parser with
`register(parser, common)` (or the function COMMANDS names) and sets `handler`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wms_terminal.core.errors import WmsError


@dataclass(frozen=True)
class Command:
    module: str  # in wms_terminal.cli
    help: str
    register: str = "register"


COMMANDS: dict[str, Command] = {
    "run": Command("run_cmd", "open the terminal app"),
    "serve": Command("serve_cmd", "serve the terminal app to web browsers (textual-serve)"),
    "db": Command("db_cmd", "database schema"),
    "demo": Command(
        "demo_cmd",
        "build the demo warehouse (two warehouses, 2,000 products, open orders, users)",
    ),
    "users": Command("users_cmd", "users and integration accounts"),
    "integrations": Command("integrations_cmd", "API keys for channels and ERP (manager)"),
    "api": Command("api_cmd", "serve the integration API (HTTP, OpenAPI) for channels and ERP"),
    "orders": Command("orders_cmd", "sales orders"),
    "carts": Command("carts_cmd", "shoppers' carts holding stock: list, sweep expired holds"),
    "customers": Command(
        "order_holds_cmd", "business customers: terms, credit limits", "register_customers"
    ),
    "route": Command(
        "route_cmd", "route pick lists through a warehouse layout (JSON in, JSON out)"
    ),
    "wave": Command("wave_cmd", "plan and release pick waves"),
    "pick": Command("pick_cmd", "pick by lines on stdin, JSON lines out (--headless)"),
    "pack": Command("pack_cmd", "pack by lines on stdin, JSON lines out (--headless)"),
    "picklist": Command("picklist_cmd", "see, give back and reassign lists"),
    "totes": Command("totes_cmd", "totes: list, show, empty, release"),
    "count": Command("count_cmd", "count tasks: list, show, do, cancel"),
    "stock": Command(
        "count_cmd", "stock adjustments and damaged units (supervisor)", "register_stock"
    ),
    "scan": Command("scan_cmd", "inspect scanner, image and camera input"),
    "labels": Command("labels_cmd", "print label sheets as PDF"),
    "documents": Command(
        "documents_cmd", "shipping label (PDF or ZPL), packing slip, pick list sheet"
    ),
    "print": Command("print_cmd", "print jobs: list, retry, reprint, and the printer worker"),
    "po": Command("po_cmd", "purchase orders: list, show, receive, cancel"),
    "tasks": Command("tasks_cmd", "replenishment and put-away tasks: list, claim, do"),
    "notices": Command("notices_cmd", "e-mail notices (outbox)"),
    "shipments": Command("shipments_cmd", "packages, and the hand-over to the carrier (manifest)"),
    "returns": Command("returns_cmd", "returns (RMA): open, show"),
    "quotes": Command("quotes_cmd", "quotes to business customers: create, send, accept, PDF"),
    "events": Command("events_cmd", "the business event feed for integrations"),
    "webhooks": Command("webhooks_cmd", "webhooks of integration accounts, and their sender"),
    "payment-events": Command(
        "payment_events_cmd", "refunds for the payment provider to pay: list, ack, retry"
    ),
    "forecast": Command("forecast_cmd", "demand forecast, reorder points, stock health; backtest"),
    "invoices": Command("invoices_cmd", "invoices to business customers: raise, pay, PDF, UBL"),
    "analytics": Command(
        "analytics_cmd", "manager figures: sales, on-time, pick accuracy, pickers, returns (CSV)"
    ),
    "accounting": Command("accounting_cmd", "the accounting journal of a day (CSV or JSON)"),
    "check": Command(
        "check_cmd", "verify stock, ledger, reservations, picks, totes and lists (read-only)"
    ),
}

Handler = Callable[[argparse.Namespace], int]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command is listed; only `command`'s module is imported and its options added."""
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
    for name, cmd in COMMANDS.items():
        loaded = name == command
        p = sub.add_parser(name, parents=[common], help=cmd.help, add_help=loaded)
        if loaded:
            module = importlib.import_module(f"{__name__}.{cmd.module}")
            getattr(module, cmd.register)(p, common)
    return parser


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The command named on the line (None when there is none): options are not checked yet."""
    known, _rest = build_parser().parse_known_args(argv)
    command: str | None = known.command
    return command


INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # an INTEGER column (ids, quantities, limits)


def _check_int_range(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse a whole number no INTEGER column holds (an id or a limit of 20 digits): the
    driver would crash on it (OverflowError on SQLite) deep inside a command."""
    for name, value in vars(args).items():
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, int) and not isinstance(v, bool) and not INT_MIN <= v <= INT_MAX:
                shown = str(v) if len(str(v)) <= 24 else f"{str(v)[:24]}..."
                parser.error(f"{name} {shown} is out of range ({INT_MIN} to {INT_MAX})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    _check_int_range(parser, args)
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
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other Unix tools do.
        _silence_stdout()
        return 141
    except Exception as exc:
        if not _is_database_error(exc):
            return _unexpected(exc)
        from wms_terminal.core.db import first_line

        logging.getLogger("wms_terminal").info("database error", exc_info=True)
        print(f"wms-terminal: database error: {first_line(exc)}", file=sys.stderr)
        return 3


def _silence_stdout() -> None:
    # Python flushes stdout again at exit and would report the broken pipe a second time.
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _unexpected(exc: Exception) -> int:
    """A bug, not the user's input: one short line on screen; the traceback (no locals, URL
    passwords masked) in the log file of the data directory."""
    from wms_terminal.config import default_data_dir
    from wms_terminal.tui.failure import EXIT_UNEXPECTED, SHORT_MESSAGE, log_unexpected

    root = logging.getLogger()
    for old in list(root.handlers):  # the traceback goes to the file, not to the screen
        root.removeHandler(old)
    where = ""
    try:
        path = default_data_dir() / "wms-terminal.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        where = f" ({path})"
    except OSError:
        root.addHandler(logging.NullHandler())  # nowhere to write it: the short line only
    log_unexpected(exc)
    print(f"wms-terminal: {SHORT_MESSAGE.format(name=type(exc).__name__)}{where}", file=sys.stderr)
    return EXIT_UNEXPECTED


def _is_database_error(exc: BaseException) -> bool:
    # A command that never loaded SQLAlchemy cannot have raised its errors: no import for this.
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.DBAPIError)
