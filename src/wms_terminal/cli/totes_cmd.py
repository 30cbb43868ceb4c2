"""`wms-terminal totes list|show|empty|release`: the totes of the floor and their life cycle.

    wms-terminal totes list [--warehouse W] [--status S] [--json]
    wms-terminal totes show CODE [--json]
    wms-terminal totes empty CODE [--sorted] --badge B [--json]      packer or above
    wms-terminal totes release CODE --reason TEXT [--into CODE] --badge B [--json]  supervisor+

`empty` is what a packing station does when a tote's contents are packed (`--sorted`: sorted
at consolidation); `release` frees a stuck tote in any state, with the reason in the audit log
(a tote holding picks of a list being picked needs --into: the tote its units were moved to).
"""

from __future__ import annotations

import argparse
from typing import Any

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.states import TOTE_TRANSITIONS
from wms_terminal.picking.tote_release import release_tote
from wms_terminal.picking.totes import (
    ToteView,
    empty_tote,
    get_tote,
    list_totes,
    tote_label,
)


def register(totes: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    tsub = totes.add_subparsers(dest="totes_command", metavar="ACTION", required=True)

    ls = tsub.add_parser("list", parents=[common], help="totes with their state and contents")
    ls.add_argument("--warehouse", metavar="CODE", help="only this warehouse")
    ls.add_argument("--status", choices=sorted(TOTE_TRANSITIONS), help="only totes in this state")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)

    show = tsub.add_parser("show", parents=[common], help="one tote and its history")
    show.add_argument("code", metavar="CODE", help="tote label, e.g. T-MAIN-0042")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)

    empty = tsub.add_parser(
        "empty", parents=[common], help="a tote's contents were packed (or sorted): free it"
    )
    empty.add_argument("code", metavar="CODE", help="tote label")
    empty.add_argument(
        "--sorted", action="store_true", help="sorted at consolidation (a tote of several orders)"
    )
    empty.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(empty)
    empty.set_defaults(handler=_empty)

    rel = tsub.add_parser(
        "release", parents=[common], help="free a stuck tote, saying why (supervisor)"
    )
    rel.add_argument("code", metavar="CODE", help="tote label")
    rel.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit log)")
    rel.add_argument(
        "--into",
        metavar="CODE",
        help="a free tote its units were moved to (a tote holding picks of a list being picked)",
    )
    rel.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rel)
    rel.set_defaults(handler=_release)


def _rows(totes: list[ToteView]) -> list[str]:
    return table(
        (
            v.code,
            v.status,
            f"list {v.pick_list_id}" if v.pick_list_id is not None else "",
            f"{v.units} unit(s) of {', '.join(v.orders)}" if v.orders else "",
        )
        for v in totes
    )


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        totes = list_totes(app.db, warehouse=args.warehouse, status=args.status)
    counts: dict[str, int] = {}
    for v in totes:
        counts[v.status] = counts.get(v.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no totes"
    emit(args.json, {"totes": [v.to_json() for v in totes]}, lambda: [*_rows(totes), summary])
    return 0


def _show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        view, events = get_tote(app.db, args.code)
    history: list[dict[str, Any]] = [
        {"at": _when(e.at), "action": e.action, "user": e.user, "detail": e.detail} for e in events
    ]
    emit(
        args.json,
        view.to_json() | {"history": history},
        lambda: (
            _rows([view])
            + table(
                (
                    (e["at"][:19], e["action"], e["user"], e["detail"].get("reason", ""))
                    for e in history
                ),
                indent="  ",
            )
        ),
    )
    return 0


def _when(at: Any) -> str:
    # A timestamp read through text(): a datetime on PostgreSQL, an ISO string on SQLite.
    return at.isoformat() if hasattr(at, "isoformat") else str(at)


def _empty(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view = empty_tote(app.db, actor, code=args.code, how="sorted" if args.sorted else "packed")
    emit(args.json, view.to_json(), f"{view.code} emptied: free")
    return 0


def _release(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view = release_tote(app.db, actor, code=args.code, reason=args.reason, into=args.into)
    moved = f"; its units are in {tote_label(args.into)}" if args.into else ""
    emit(args.json, view.to_json(), f"{view.code} released: free{moved}")
    return 0
