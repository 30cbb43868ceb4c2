"""`wms-terminal stock levels [--sku S] [--warehouse W] [--json]`: on hand, available and held in
shoppers' carts per product and warehouse (core.stock_levels, as GET /v1/stock shows them)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(ssub: Any, common: argparse.ArgumentParser) -> None:
    lv = ssub.add_parser(
        "levels",
        parents=[common],
        help="on hand, available and held in carts per product and warehouse",
    )
    lv.add_argument("--sku", metavar="S", help="one product")
    lv.add_argument("--warehouse", metavar="W", help="one warehouse code")
    lv.add_argument("--limit", type=int, default=100, metavar="N", help="rows (at most 1000)")
    lv.add_argument("--json", action="store_true", help="print the rows as JSON")
    lv.set_defaults(handler=_levels)


def _levels(args: argparse.Namespace) -> int:
    from wms_terminal import bootstrap
    from wms_terminal.core.auth import SYSTEM
    from wms_terminal.core.stock_levels import stock_levels

    with bootstrap.connect(args.database) as app:
        # A read, like every listing command: whoever holds the database URL may look.
        rows = stock_levels(
            app.db, SYSTEM, sku=args.sku, warehouse=args.warehouse, limit=args.limit
        )
    if args.json:
        json.dump([r.__dict__ for r in rows], sys.stdout)
        print()
        return 0
    print(f"{'SKU':<16} {'WH':<6} {'on hand':>8} {'available':>9} {'in carts':>8}")
    for r in rows:
        print(f"{r.sku:<16} {r.warehouse:<6} {r.on_hand:>8} {r.available:>9} {r.held_in_carts:>8}")
    return 0
