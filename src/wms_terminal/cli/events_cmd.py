"""`wms-terminal events list`: the business event feed (docs/events.md).

events list [--after ID] [--limit N] [--kind K,K] [--json]   oldest first, after the cursor
"""

from __future__ import annotations

import argparse
import json

from wms_terminal import bootstrap
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core import events


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = top.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="events after a cursor, oldest first")
    lst.add_argument("--after", type=int, default=0, metavar="ID", help="the last id you saw")
    lst.add_argument("--limit", type=int, default=100, metavar="N", help="at most N (<= 500)")
    lst.add_argument("--kind", default="", metavar="K,K", help=f"of {', '.join(events.KINDS)}")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        got = events.read_feed(app.db, after=args.after, limit=args.limit, kinds=args.kind)
    data = {
        "events": [e.to_json() for e in got],
        "next_after": got[-1].id if got else args.after,
    }

    def lines() -> list[str]:
        rows = table(
            (
                (
                    e.id,
                    f"{e.created_at:%Y-%m-%d %H:%M:%S}",
                    e.kind,
                    e.warehouse or "",
                    cell(json.dumps(e.data, sort_keys=True), 200),
                )
                for e in got
            ),
            right=(0,),
        )
        return rows or [f"no events after {args.after}"]

    emit(args.json, data, lines)
    return 0
