"""`wms-terminal po list|show|receive|cancel`: purchase orders raised at reorder points.

    po list [--warehouse W] [--status S] [--json]
    po show PO-0000001 [--json]
    po receive PO-0000001 --item CODE --qty N [--item CODE --qty N ...] | --all   (--badge B)
    po cancel PO-0000001 --reason R                                              (--badge B)

An item is a product barcode (any GTIN length) or a SKU; `--item`/`--qty` pair up in order.
"""

from __future__ import annotations

import argparse

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.purchasing import (
    PurchaseOrderView,
    cancel_purchase_order,
    list_purchase_orders,
    show_purchase_order,
)
from wms_terminal.core.receiving import receive_purchase_order


def register(po: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    psub = po.add_subparsers(dest="po_command", metavar="ACTION", required=True)
    ls = psub.add_parser("list", parents=[common], help="purchase orders, newest first")
    ls.add_argument("--warehouse", metavar="CODE")
    ls.add_argument(
        "--status",
        choices=("open", "partially_received", "received", "cancelled", "live"),
        help="live = open or partially received",
    )
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)
    show = psub.add_parser("show", parents=[common], help="one purchase order with its lines")
    show.add_argument("number", metavar="NUMBER")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    rec = psub.add_parser(
        "receive",
        parents=[common],
        help="receive goods into the receiving location (put-away tasks follow)",
    )
    rec.add_argument("number", metavar="NUMBER")
    rec.add_argument("--item", action="append", default=[], metavar="CODE", help="barcode or SKU")
    rec.add_argument("--qty", action="append", default=[], type=_units, metavar="N")
    rec.add_argument("--all", action="store_true", help="everything still outstanding")
    rec.add_argument("--json", action="store_true")
    add_auth_arguments(rec)
    rec.set_defaults(handler=_receive)
    can = psub.add_parser("cancel", parents=[common], help="nothing more is expected on it")
    can.add_argument("number", metavar="NUMBER")
    can.add_argument("--reason", required=True)
    can.add_argument("--json", action="store_true")
    add_auth_arguments(can)
    can.set_defaults(handler=_cancel)


def _units(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise argparse.ArgumentTypeError(f"not a quantity: {text[:20]!r}")
    return int(text)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        found = list_purchase_orders(app.db, warehouse=args.warehouse, status=args.status)
    emit(
        args.json,
        [p.to_json() for p in found],
        lambda: table(
            (
                (p.number, p.warehouse, p.status, sum(ln.outstanding for ln in p.lines))
                for p in found
            ),
            header=("number", "warehouse", "status", "outstanding"),
            right=(3,),
            empty="no purchase orders",
        ),
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        po = show_purchase_order(app.db, args.number)
    _show_po(po, args.json)
    return 0


def _receive(args: argparse.Namespace) -> int:
    if len(args.item) != len(args.qty):
        raise ValidationError("give one --qty for each --item")
    if args.all and args.item:
        raise ValidationError("give --all or --item/--qty, not both")
    with signed_in(args) as (app, actor):
        receipt = receive_purchase_order(
            app.db,
            actor,
            number=args.number,
            lines=list(zip(args.item, args.qty, strict=True)),
            everything=args.all,
        )
    got = ", ".join(f"{q} x {s}" for s, q in receipt.received)
    waiting = ", ".join(receipt.backorders_waiting)
    tasks = ", ".join(str(i) for i in receipt.putaway_task_ids)
    emit(
        args.json,
        receipt.to_json(),
        lambda: [
            f"{receipt.purchase_order.number}: received {got} into {receipt.location}",
            f"status {receipt.purchase_order.status}",
            *([f"back-orders waiting (served when put away): {waiting}"] if waiting else []),
            *([f"put-away tasks: {tasks}"] if tasks else []),
        ],
    )
    return 0


def _cancel(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        po = cancel_purchase_order(app.db, actor, number=args.number, reason=args.reason)
    _show_po(po, args.json)
    return 0


def _show_po(po: PurchaseOrderView, as_json: bool) -> None:
    emit(
        as_json,
        po.to_json(),
        lambda: [
            f"{po.number}  {po.warehouse}  {po.status}  {po.supplier or '(no supplier)'}",
            *([f"  {po.reason}"] if po.reason else []),
            *table(
                ((ln.sku, ln.qty, ln.qty_received) for ln in po.lines),
                header=("sku", "ordered", "received"),
                right=(1, 2),
                indent="  ",
            ),
        ],
    )
