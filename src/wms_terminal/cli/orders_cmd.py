"""`wms-terminal orders import FILE`: order intake from CSV or JSON (docs/order-import.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlmodel import select

from wms_terminal import bootstrap
from wms_terminal.core.auth import Actor
from wms_terminal.core.errors import NotFound
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import User
from wms_terminal.core.order_files import load_order_file


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    orders = sub.add_parser("orders", parents=[common], help="sales orders")
    osub = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    imp = osub.add_parser(
        "import", parents=[common], help="import orders from a CSV or JSON file and reserve stock"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.add_argument(
        "--user",
        metavar="USERNAME",
        help="who imports (recorded in ledger and audit log)",
    )
    imp.set_defaults(handler=_import)


def _actor(app: bootstrap.App, username: str | None) -> Actor:
    terminal = app.settings.terminal_id
    if not username:
        return Actor(user_id=None, username="import", role="manager", terminal=terminal)
    with app.db.reading() as session:
        user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None or not user.active:
        raise NotFound(f"no active user {username!r}")
    return Actor(user_id=user.id, username=user.username, role=user.role, terminal=terminal)


def _import(args: argparse.Namespace) -> int:
    # The file is read and checked before the database is touched: a broken file writes nothing.
    orders = load_order_file(args.file)
    app = bootstrap.connect(args.database)
    try:
        actor = _actor(app, args.user)
        result = import_orders(app.db, orders, actor=actor, name=str(args.file))
    finally:
        app.close()
    summary = {
        "file": str(args.file),
        "orders": len(orders),
        "created": result.created,
        "already_present": result.already_present,
        "lines": result.lines,
        "backordered_lines": result.backordered_lines,
        "purchase_orders": result.purchase_orders,
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
    return 0
