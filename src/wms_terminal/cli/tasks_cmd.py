"""`wms-terminal tasks ...`: replenishment and put-away tasks from the command line.

    tasks list [--warehouse W] [--kind replenish|putaway] [--status open|done|cancelled|all]
    tasks claim [--warehouse W] [--kind K]                          the most urgent, or yours
    tasks do ID --from LOC --item CODE --qty N --to LOC            scans: from, item, qty, to
    tasks release ID                                                back to the pool
    tasks cancel ID --reason R                                      supervisor

Every command takes --json; all but `list` change data and take --badge B (PIN in WMS_PIN).
"""

from __future__ import annotations

import argparse

from sqlmodel import select

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import MoveTaskKind, Warehouse
from wms_terminal.core.move_tasks import (
    MoveTaskView,
    cancel_task,
    claim_next,
    do_task,
    list_tasks,
    release_task,
)


def register(tasks: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    tsub = tasks.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    ls = tsub.add_parser("list", parents=[common], help="tasks, urgent first")
    ls.add_argument("--warehouse", metavar="CODE")
    ls.add_argument("--kind", choices=MoveTaskKind.ALL)
    ls.add_argument("--status", choices=("open", "done", "cancelled", "all"), default="open")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)
    claim = tsub.add_parser("claim", parents=[common], help="claim the most urgent open task")
    claim.add_argument("--warehouse", metavar="CODE")
    claim.add_argument("--kind", choices=MoveTaskKind.ALL)
    claim.add_argument("--json", action="store_true")
    add_auth_arguments(claim)
    claim.set_defaults(handler=_claim)
    do = tsub.add_parser("do", parents=[common], help="move the stock of a claimed task")
    do.add_argument("task", type=int, metavar="ID")
    do.add_argument("--from", dest="source", required=True, metavar="LOC", help="location label")
    do.add_argument("--item", required=True, metavar="CODE", help="product barcode or SKU")
    do.add_argument("--qty", required=True, type=int, metavar="N")
    do.add_argument("--to", dest="target", required=True, metavar="LOC", help="location label")
    do.add_argument("--json", action="store_true")
    add_auth_arguments(do)
    do.set_defaults(handler=_do)
    rel = tsub.add_parser("release", parents=[common], help="give a claimed task back")
    rel.add_argument("task", type=int, metavar="ID")
    rel.add_argument("--json", action="store_true")
    add_auth_arguments(rel)
    rel.set_defaults(handler=_release)
    can = tsub.add_parser("cancel", parents=[common], help="close a task that will not be done")
    can.add_argument("task", type=int, metavar="ID")
    can.add_argument("--reason", required=True)
    can.add_argument("--json", action="store_true")
    add_auth_arguments(can)
    can.set_defaults(handler=_cancel)


def _warehouse(db: Database, code: str | None) -> int:
    with db.reading() as s:
        rows = s.exec(select(Warehouse.id, Warehouse.code)).all()
    if code is None:
        if len(rows) != 1:
            raise ValidationError(
                "say which warehouse with --warehouse (one of "
                + ", ".join(sorted(c for _, c in rows))
                + ")"
            )
        return int(rows[0][0])  # type: ignore[arg-type]
    for wid, c in rows:
        if c == code.upper():
            return int(wid)  # type: ignore[arg-type]
    raise NotFound(f"no warehouse {code[:20]!r}")


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        wid = _warehouse(app.db, args.warehouse) if args.warehouse else None
        found = list_tasks(
            app.db,
            warehouse_id=wid,
            kind=args.kind,
            status=None if args.status == "all" else args.status,
        )
    emit(args.json, [t.to_json() for t in found], lambda: _rows(found, empty="no tasks"))
    return 0


def _claim(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        got = claim_next(
            app.db, actor, warehouse_id=_warehouse(app.db, args.warehouse), kind=args.kind
        )
    if got is None:
        emit(args.json, None, "no open task to claim")
        return 1
    emit(args.json, got.to_json(), lambda: _rows([got]))
    return 0


def _do(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = do_task(
            app.db,
            actor,
            task_id=args.task,
            from_location=args.source,
            item=args.item,
            qty=args.qty,
            to_location=args.target,
        )
    filled = ", ".join(done.backorders_filled)
    raised = ", ".join(str(i) for i in done.next_task_ids)
    emit(
        args.json,
        {
            "task": done.task.to_json(),
            "next_tasks": list(done.next_task_ids),
            "backorders_filled": list(done.backorders_filled),
        },
        lambda: (
            _rows([done.task])
            + ([f"back-orders filled: {filled}"] if filled else [])
            + ([f"next task raised: {raised}"] if raised else [])
        ),
    )
    return 0


def _release(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view = release_task(app.db, actor, task_id=args.task)
    emit(args.json, view.to_json(), lambda: _rows([view]))
    return 0


def _cancel(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view = cancel_task(app.db, actor, task_id=args.task, reason=args.reason)
    emit(args.json, view.to_json(), lambda: _rows([view]))
    return 0


def _rows(tasks: list[MoveTaskView], *, empty: str = "") -> list[str]:
    return table(
        (
            (
                t.id,
                "URGENT" if t.urgent else "",
                t.kind,
                t.status,
                f"{t.qty} x",
                t.sku,
                f"{t.from_location or '-'} -> {t.to_location}",
                f"moved {t.qty_moved}" if t.status == "done" else "",
                f"claimed by {t.claimed_by}" if t.claimed_by else "",
            )
            for t in tasks
        ),
        right=(0, 4),
        empty=empty,
    )
