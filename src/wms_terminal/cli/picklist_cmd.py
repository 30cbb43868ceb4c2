"""`wms-terminal wave list|show|cancel` and `wms-terminal picklist list|show|release|reassign`.

wave list [--status S] [--warehouse CODE] [--json]
wave show W-000001 [--json]
wave cancel W-000001 [--reason TEXT] --badge B          (supervisor)
picklist list [--wave W] [--status S] [--json]
picklist show ID [--json]
picklist release ID --badge B      give a claimed list back (its picker or a supervisor)
picklist reassign ID --to USER --badge B                 (supervisor)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.picking import wave_admin
from wms_terminal.picking.claims import release_list


def add_wave_actions(wsub: Any, common: argparse.ArgumentParser) -> None:
    """Called by `wave_cmd.register` beside plan and release."""
    lst = wsub.add_parser("list", parents=[common], help="waves, newest first")
    lst.add_argument("--status", choices=("released", "cancelled"))
    lst.add_argument("--warehouse", metavar="CODE")
    lst.add_argument("--limit", type=int, default=50, metavar="N")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_wave_list)
    show = wsub.add_parser("show", parents=[common], help="a wave: its orders and pick lists")
    show.add_argument("wave", metavar="WAVE", help="wave number, e.g. W-000001")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_wave_show)
    cancel = wsub.add_parser(
        "cancel",
        parents=[common],
        help="cancel a wave (supervisor): orders back to waiting, picked units put back",
    )
    cancel.add_argument("wave", metavar="WAVE", help="wave number, e.g. W-000001")
    cancel.add_argument("--reason", default="", metavar="TEXT", help="recorded in the audit log")
    cancel.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(cancel)
    cancel.set_defaults(handler=_wave_cancel)


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    psub = top.add_subparsers(dest="picklist_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", parents=[common], help="pick lists, newest first")
    lst.add_argument("--wave", metavar="WAVE")
    lst.add_argument("--status", choices=("open", "claimed", "done", "cancelled"))
    lst.add_argument("--limit", type=int, default=200, metavar="N")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list_list)
    show = psub.add_parser("show", parents=[common], help="a pick list and its tasks")
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_list_show)
    rel = psub.add_parser(
        "release", parents=[common], help="give a claimed list back (its picker or a supervisor)"
    )
    rel.add_argument("id", type=int, metavar="ID")
    add_auth_arguments(rel)
    rel.set_defaults(handler=_list_release)
    rea = psub.add_parser("reassign", parents=[common], help="hand a list to another picker")
    rea.add_argument("id", type=int, metavar="ID")
    rea.add_argument("--to", required=True, metavar="USER", help="username or badge")
    rea.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rea)
    rea.set_defaults(handler=_list_reassign)


def _wave_list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        rows = wave_admin.list_waves(
            app.db, status=args.status, warehouse=args.warehouse, limit=max(1, args.limit)
        )
    emit(
        args.json,
        [r.to_json() for r in rows],
        lambda: table(
            (
                (
                    r.number,
                    r.warehouse,
                    r.status,
                    r.released_at.strftime("%Y-%m-%d %H:%M") if r.released_at else "",
                    r.strategy,
                    f"{r.orders} orders",
                    ", ".join(f"{n} {k}" for k, n in sorted(r.lists.items())) or "no lists",
                )
                for r in rows
            ),
            empty="no waves",
        ),
    )
    return 0


def _wave_show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        detail = wave_admin.show_wave(app.db, args.wave)
    w = detail.wave
    emit(
        args.json,
        detail.to_json(),
        lambda: [
            f"wave {w.number} ({w.warehouse}): {w.status}, {w.strategy}, "
            f"routing {w.routing_method}",
            f"filters: {json.dumps(detail.filters) if detail.filters else 'none'}",
            f"orders ({w.orders}): {' '.join(detail.order_numbers)}",
            "pick lists:",
            *_lists(detail.pick_lists),
        ],
    )
    return 0


def _wave_cancel(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = wave_admin.cancel_wave(app.db, actor, args.wave, reason=args.reason)
    text = (
        f"cancelled {done.number}: {done.orders} order(s) back to waiting, "
        f"{done.pick_lists} pick list(s) cancelled, {done.totes_freed} tote(s) freed"
    )
    if done.units_put_back:
        text += (
            f"\n{done.units_put_back} picked unit(s) put back: empty tote(s) "
            f"{', '.join(done.totes_to_empty) or '-'} at {done.put_back_location}; "
            f"put-away task(s) {', '.join(map(str, done.putaway_task_ids)) or 'when room'}"
        )
    emit(args.json, done.__dict__, text)
    return 0


def _list_list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        rows = wave_admin.list_pick_lists(
            app.db, wave=args.wave, status=args.status, limit=max(1, args.limit)
        )
    emit(args.json, [r.to_json() for r in rows], lambda: _lists(rows) or ["no pick lists"])
    return 0


def _lists(rows: Sequence[wave_admin.ListRow]) -> list[str]:
    return table(
        (
            (
                r.id,
                r.wave or "-",
                r.status + (f" by {r.claimed_by}" if r.claimed_by else ""),
                f"{r.tasks - r.open_tasks}/{r.tasks} tasks closed",
                f"{r.route_length_m:,.1f} m",
            )
            for r in rows
        ),
        right=(0, 4),
        indent="  ",
    )


def _list_show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        row, tasks = wave_admin.show_pick_list(app.db, args.id)
    emit(
        args.json,
        {**row.to_json(), "tasks": tasks},
        lambda: (
            _lists((row,))
            + table(
                (
                    (
                        f"{t['seq']}.",
                        t["location"],
                        f"{t['sku']} x{t['qty']}",
                        f"order {t['order']}",
                        f"slot {t['tote_slot']}" if t["tote_slot"] else "",
                        f"{t['status']} ({t['qty_picked']} picked)",
                    )
                    for t in tasks
                ),
                right=(0,),
                indent="    ",
            )
        ),
    )
    return 0


def _list_release(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        release_list(app.db, actor, args.id)
    print(f"pick list {args.id} given back: open for the next picker")
    return 0


def _list_reassign(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        row = wave_admin.reassign_list(app.db, actor, args.id, args.to)
    emit(args.json, row.to_json(), f"pick list {row.id} now with {row.claimed_by}")
    return 0
