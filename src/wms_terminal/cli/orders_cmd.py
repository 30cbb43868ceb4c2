"""`wms-terminal orders import FILE`: order intake from CSV or JSON (docs/order-import.md);
`wms-terminal orders cancel NUMBER --reason R`: its stock goes to the waiting back-orders;
payments and approvals: `cli.order_holds_cmd`."""

from __future__ import annotations

import argparse
import json
import sys

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import actor_from_args, add_auth_arguments, signed_in
from wms_terminal.cli.order_holds_cmd import register_orders as register_holds
from wms_terminal.core.errors import AuthenticationFailed
from wms_terminal.core.intake import check_references, import_orders
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.order_files import ImportFileError, read_order_file
from wms_terminal.core.release_rule import describe


def register(orders: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    osub = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    imp = osub.add_parser(
        "import", parents=[common], help="import orders from a CSV or JSON file and reserve stock"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(imp)
    # `--user NAME` once imported in anyone's name without a PIN: it now only explains.
    imp.add_argument("--user", metavar="USERNAME", help=argparse.SUPPRESS)
    imp.set_defaults(handler=_import)
    can = osub.add_parser(
        "cancel",
        parents=[common],
        help="cancel an order not yet on a wave: its stock goes to the waiting back-orders",
    )
    can.add_argument("number", metavar="NUMBER", help="order number, e.g. SO-0001234")
    can.add_argument("--reason", required=True, help="why (kept in the audit log)")
    can.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(can)
    can.set_defaults(handler=_cancel)
    register_holds(osub, common)


def _cancel(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = cancel_order(app.db, actor, number=args.number, reason=args.reason)
    if args.json:
        json.dump(
            {
                "number": done.number,
                "status": "cancelled",
                "status_before": done.status_before,
                "units_released": done.units_released,
                "backorders_filled": list(done.refilled),
            },
            sys.stdout,
        )
        print()
    else:
        filled = ", ".join(done.refilled) if done.refilled else "none waiting"
        print(
            f"{done.number} cancelled: {done.units_released} unit(s) released; "
            f"back-orders filled: {filled}"
        )
    return 0


def _import(args: argparse.Namespace) -> int:
    # The file is read and checked before the database is touched: a broken file writes nothing.
    if args.user:
        raise AuthenticationFailed(
            "--user no longer logs in: give --badge B with the PIN in WMS_PIN or --pin-file F, "
            "or --account NAME with WMS_SECRET"
        )
    parsed = read_order_file(args.file)  # an unreadable file stops here
    with bootstrap.connect(args.database) as app:
        # Format and reference problems together, in file order: one try shows them all.
        problems = parsed.problems + check_references(app.db, parsed.orders)
        if problems:
            raise ImportFileError(str(args.file), problems)
        actor = actor_from_args(args, app.db, terminal=app.settings.terminal_id)
        result = import_orders(app.db, parsed.orders, actor=actor, name=str(args.file))
    summary = {
        "file": str(args.file),
        "format": parsed.kind,
        "orders": len(parsed.orders),
        "created": result.created,
        "already_present": result.already_present,
        "lines": result.lines,
        "backordered_lines": result.backordered_lines,
        "purchase_orders": result.purchase_orders,
        "order_numbers": result.order_numbers,
        "warehouses": result.warehouses,
        "held": result.held,
    }
    if args.json:
        json.dump(summary, sys.stdout)
        print()
    else:
        print(
            f"{result.created} order(s) imported ({result.lines} lines), "
            f"{result.already_present} already present, "
            f"{result.backordered_lines} line(s) back-ordered, "
            f"{len(result.purchase_orders)} purchase order(s) raised"
        )
        for code, numbers in sorted(result.warehouses.items()):
            print(f"  {code}: {_numbers(numbers)}")
        for hold in sorted(set(result.held.values())):
            waiting = [n for n, h in result.held.items() if h == hold]
            print(f"  waiting for {describe(hold)}: {_numbers(waiting)}")
    return 0


def _numbers(numbers: list[str], shown: int = 10) -> str:
    head = ", ".join(numbers[:shown])
    return head + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")
