"""`wms-terminal demo [--orders N] [--seed S]`: build the demo warehouse into an empty database."""

from __future__ import annotations

import argparse
import json
import sys
import time

from wms_terminal import bootstrap
from wms_terminal.config import given_database_url
from wms_terminal.core import migrate
from wms_terminal.core.db import describe


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def register(demo: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    demo.description = (
        "Migrate the database to the newest schema and fill it with a deterministic demo "
        "warehouse. The database must be empty. The same seed builds the same warehouse; "
        "order dates and ship-by cut-offs are relative to today (UTC). Prints the demo "
        "users' badges and PINs."
    )
    demo.add_argument(
        "--orders", type=_count, default=1000, metavar="N", help="open orders (default 1000)"
    )
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    demo.add_argument(
        "--wave",
        type=_count,
        metavar="N",
        help="orders released as a wave in each warehouse, ready to pick (default 12; 0: none)",
    )
    demo.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    demo.add_argument(
        "--create",
        action="store_true",
        help="make a new SQLite file (and its folder) when there is none at that path",
    )
    demo.add_argument(
        "--json",
        action="store_true",
        help='print {"database": URL, "users": [{"role", "name", "badge", "pin"}, ...]} only',
    )
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from wms_terminal.demo import DEMO_WAVE_ORDERS, build_demo

    started = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    app = bootstrap.connect(
        args.database, require_schema=False, create=args.create, create_default=True
    )
    where = describe(app.db.engine)
    try:
        migrate.upgrade(app.db.engine)
        summary = build_demo(
            app.db,
            orders=args.orders,
            seed=args.seed,
            progress=progress,
            wave_orders=DEMO_WAVE_ORDERS if args.wave is None else args.wave,
        )
    finally:
        app.close()
    elapsed = time.monotonic() - started
    if args.json:
        users = [
            {"role": role, "name": name, "badge": badge, "pin": pin}
            for role, _username, name, badge, pin in summary.users
        ]
        # The URL as the user gave it: it is their own (a password in it is theirs to see).
        print(json.dumps({"database": given_database_url(args.database), "users": users}))
        return 0
    rows = (
        ("warehouses", summary.warehouses),
        ("zones", summary.zones),
        ("locations", summary.locations),
        ("suppliers", summary.suppliers),
        ("products", summary.products),
        ("barcodes", summary.barcodes),
        ("stock rows", summary.stock_rows),
        ("units on hand", summary.units_on_hand),
        ("customers", summary.customers),
        ("open orders", summary.orders),
        ("order lines", summary.order_lines),
        ("back-ordered lines", summary.backordered_lines),
        ("pick lists released", summary.pick_lists),
        ("purchase orders", summary.purchase_orders),
        ("totes", summary.totes),
        ("box types", summary.box_types),
        ("carriers", summary.carriers),
        ("carrier services", summary.carrier_services),
    )
    print(f"Demo warehouse built in {elapsed:.1f} s (seed {summary.seed}) in {where}")
    for label, value in rows:
        print(f"  {label:<20}{value:>12,}")
    print()
    print("Log in with a badge and its PIN:")
    header = ("role", "user", "name", "badge", "PIN")
    table = [header, *summary.users]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print(("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip())
    return 0
