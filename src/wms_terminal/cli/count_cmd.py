"""`wms-terminal count list|show|do|cancel` and `wms-terminal stock adjust`.

    wms-terminal count list [--warehouse CODE] [--status S ...] [--json]
    wms-terminal count show ID [--json]
    wms-terminal count do ID --qty N [--location LABEL] [--item BARCODE] [--scan-id S]  (badge)
    wms-terminal count cancel ID --reason TEXT                                         (supervisor)
    wms-terminal stock adjust --location L --sku S (--set N | --by N) --reason CODE [--note T]
                                                                                       (supervisor)
    wms-terminal stock damaged | settle-damaged ...       (cli.damaged_cmd: damaged units)
    wms-terminal stock levels [--sku S] [--json]          (cli.stock_levels_cmd: held in carts too)

Commands that change data log in with --badge B (PIN in WMS_PIN or --pin-file F) or an
integration account; permissions are checked by the services.
"""

from __future__ import annotations

import argparse
import uuid

from sqlalchemy import text

from wms_terminal import bootstrap
from wms_terminal.cli import damaged_cmd, stock_levels_cmd
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.states import CountStatus
from wms_terminal.picking import counts
from wms_terminal.picking.stock_change import ADJUST_REASONS, adjust_stock
from wms_terminal.picking.views import CountView

_STATUSES = (*CountStatus.ACTIVE, CountStatus.DONE, CountStatus.CANCELLED)


def register(count: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    csub = count.add_subparsers(dest="count_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", parents=[common], help="count tasks (open ones by default)")
    ls.add_argument("--warehouse", metavar="CODE", help="only this warehouse")
    ls.add_argument(
        "--status", action="append", choices=_STATUSES, default=[], help="status (repeatable)"
    )
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)
    show = csub.add_parser("show", parents=[common], help="one count task")
    show.add_argument("count_id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)
    do = csub.add_parser("do", parents=[common], help="record the units counted")
    do.add_argument("count_id", type=int, metavar="ID")
    do.add_argument("--qty", type=int, required=True, metavar="N", help="units found")
    do.add_argument("--location", metavar="LABEL", help="the location label scanned")
    do.add_argument("--item", metavar="BARCODE", help="the item barcode scanned")
    do.add_argument("--scan-id", metavar="S", help="id of this count (a retry sends the same)")
    do.add_argument("--json", action="store_true", help="print the outcome as JSON")
    add_auth_arguments(do)
    do.set_defaults(handler=_do)
    cancel = csub.add_parser("cancel", parents=[common], help="cancel a count (supervisor)")
    cancel.add_argument("count_id", type=int, metavar="ID")
    cancel.add_argument("--reason", required=True, metavar="TEXT", help="why")
    add_auth_arguments(cancel)
    cancel.set_defaults(handler=_cancel)


def register_stock(stock: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    ssub = stock.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    adj = ssub.add_parser("adjust", parents=[common], help="set or change a location's stock")
    adj.add_argument("--location", required=True, metavar="L", help="location label or code")
    adj.add_argument("--sku", required=True, metavar="S")
    how = adj.add_mutually_exclusive_group(required=True)
    how.add_argument("--set", type=int, dest="qty", metavar="N", help="the new quantity")
    how.add_argument("--by", type=int, dest="delta", metavar="N", help="change by N (+/-)")
    adj.add_argument("--reason", required=True, choices=ADJUST_REASONS, help="reason code")
    adj.add_argument("--note", default="", metavar="TEXT")
    adj.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(adj)
    adj.set_defaults(handler=_adjust)
    damaged_cmd.register(ssub, common)
    stock_levels_cmd.register(ssub, common)


def _warehouse_id(app: bootstrap.App, code: str | None) -> int | None:
    if code is None:
        return None
    with app.db.reading() as s:
        wid = s.execute(text("SELECT id FROM warehouse WHERE code = :c"), {"c": code}).scalar()
    if wid is None:
        raise NotFound(f"no warehouse {code!r}")
    return int(wid)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        found = counts.list_counts(
            app.db,
            warehouse_id=_warehouse_id(app, args.warehouse),
            statuses=tuple(args.status) or CountStatus.ACTIVE,
        )
    emit(
        args.json,
        {"counts": [c.as_data() for c in found]},
        lambda: table(
            (
                (c.count_id, c.status, c.location_code, c.sku, c.reason, c.claimed_by or "-")
                for c in found
            ),
            header=("id", "status", "location", "sku", "reason", "claimed by"),
            right=(0,),
            empty="no count tasks",
        ),
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        c = counts.get_count(app.db, args.count_id)
    emit(args.json, c.as_data(), lambda: table(_rows(c)))
    return 0


def _rows(c: CountView) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [
        ("count", c.count_id),
        ("status", c.status),
        ("reason", c.reason),
        ("location", f"{c.location_code} ({c.location_barcode})"),
        ("product", f"{c.sku} {c.product_name}"),
        ("system qty", c.system_qty),
        ("claimed by", c.claimed_by or "-"),
    ]
    if c.first_qty is not None:
        out.append(("first count", f"{c.first_qty} by {c.first_by}"))
    if c.counted_qty is not None:
        out.append(("counted", f"{c.counted_qty} by {c.counted_by} (system {c.expected_qty})"))
    out += [("created", c.created_at), ("ended", c.done_at or "-")]
    if c.note:
        out.append(("note", c.note))
    return out


def _do(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        r = counts.record_count(
            app.db,
            actor,
            scan_id=args.scan_id or uuid.uuid4().hex,
            count_id=args.count_id,
            qty=args.qty,
            location=args.location,
            item=args.item,
        )
    emit(args.json, {"accepted": r.accepted, **r.to_outcome()}, r.message)
    return 0 if r.accepted else 1


def _cancel(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        c = counts.cancel_count(app.db, actor, count_id=args.count_id, reason=args.reason)
    print(f"count {c.count_id} cancelled; {c.location_code} {c.sku}")
    return 0


def _adjust(args: argparse.Namespace) -> int:
    if args.qty is not None and args.qty < 0:
        raise ValidationError("--set needs 0 or more units")
    with signed_in(args) as (app, actor):
        done = adjust_stock(
            app.db,
            actor,
            location=args.location,
            sku=args.sku,
            qty=args.qty,
            delta=args.delta,
            reason_code=args.reason,
            note=args.note,
        )
    ch = done.change
    emit(
        args.json,
        done.as_data(),
        lambda: [
            f"{done.location} {done.sku}: {ch.before} -> {ch.after} ({done.reason_code})",
            *(
                f"  order {m.order}: "
                + (
                    ", ".join(f"{t['qty']} to {t['location']}" for t in m.moved_to)
                    or "nothing moved"
                )
                + f"; {m.backordered} back-ordered"
                for m in ch.moved
            ),
        ],
    )
    return 0
