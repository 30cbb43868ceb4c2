"""`wms-terminal carts`: shoppers' carts holding stock (core.cart_holds; docs/payments.md).

carts list [--all] [--json]                 live holds (--all: ended ones too)
carts sweep [--once] [--interval S]         end expired holds, their units to back-orders
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from wms_terminal.cli.auth_args import add_auth_arguments, signed_in


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = top.add_subparsers(dest="carts_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="carts holding stock now")
    lst.add_argument("--all", action="store_true", help="ended holds too (newest first)")
    lst.add_argument("--json", action="store_true", help="print the list as JSON")
    lst.set_defaults(handler=_list)
    sw = sub.add_parser(
        "sweep", parents=[common], help="end expired cart holds; their units go to back-orders"
    )
    sw.add_argument("--once", action="store_true", help="one pass, then exit")
    sw.add_argument(
        "--interval", type=float, default=30.0, metavar="S", help="seconds between passes"
    )
    add_auth_arguments(sw)
    sw.set_defaults(handler=_sweep)


def _list(args: argparse.Namespace) -> int:
    from wms_terminal import bootstrap
    from wms_terminal.core.cart_holds import list_carts

    with bootstrap.connect(args.database) as app:
        carts = list_carts(app.db, include_ended=args.all)
    if args.json:
        json.dump([c.as_data() for c in carts], sys.stdout)
        print()
        return 0
    if not carts:
        print("no cart holds stock")
    for c in carts:
        units = sum(q for _, q in c.lines)
        print(
            f"{c.channel}/{c.cart}  {c.status:<11} {c.warehouse:<6} {units:>5} unit(s)  "
            f"until {c.expires_at:%Y-%m-%d %H:%M:%S} UTC" + (f"  -> {c.order}" if c.order else "")
        )
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from wms_terminal.core.cart_holds import sweep

    if not 0.1 <= args.interval <= 3600:
        from wms_terminal.core.errors import ValidationError

        raise ValidationError("--interval must be 0.1 to 3600 seconds")
    with signed_in(args) as (app, actor):
        stop = threading.Event()
        while True:
            done = sweep(app.db, actor)
            if args.once or done.carts:
                print(
                    f"{done.carts} expired cart hold(s) ended, {done.refilled} back-order(s) "
                    "served",
                    flush=True,
                )
            if args.once:
                return 0
            try:
                stop.wait(args.interval)
            except KeyboardInterrupt:
                return 0
