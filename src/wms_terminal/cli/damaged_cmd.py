"""`wms-terminal stock damaged` and `wms-terminal stock settle-damaged`: the damaged units pickers
set aside, and a supervisor's decision on them.

    wms-terminal stock damaged [--warehouse CODE] [--json]
    wms-terminal stock settle-damaged --warehouse CODE --sku S [--scrap N] [--restock N]
                                      [--note TEXT] [--json]                      (supervisor)

`--scrap` writes units off (say why in --note), `--restock` raises a put-away task that takes
them back to the shelves.
"""

from __future__ import annotations

import argparse
import json

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.picking.damaged import list_damaged, settle_damaged


def register(ssub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ls = ssub.add_parser("damaged", parents=[common], help="damaged units waiting for a decision")
    ls.add_argument("--warehouse", metavar="CODE", help="only this warehouse")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)
    st = ssub.add_parser(
        "settle-damaged", parents=[common], help="write damaged units off or restock them"
    )
    st.add_argument("--warehouse", required=True, metavar="CODE")
    st.add_argument("--sku", required=True, metavar="S")
    st.add_argument("--scrap", type=int, default=0, metavar="N", help="units to write off")
    st.add_argument("--restock", type=int, default=0, metavar="N", help="units to put away")
    st.add_argument("--note", default="", metavar="TEXT", help="why (needed to write off)")
    st.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(st)
    st.set_defaults(handler=_settle)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        found = list_damaged(app.db, warehouse=args.warehouse)
    if args.json:
        print(json.dumps([d.to_json() for d in found], indent=2))
        return 0
    if not found:
        print("no damaged units waiting")
        return 0
    for d in found:
        print(f"{d.warehouse}  {d.location}  {d.sku}  {d.units}  {d.product_name[:30]!r}")
    return 0


def _settle(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = settle_damaged(
            app.db,
            actor,
            warehouse=args.warehouse,
            sku=args.sku,
            scrap=args.scrap,
            restock=args.restock,
            note=args.note,
        )
    if args.json:
        print(json.dumps(done.to_json(), indent=2))
        return 0
    print(
        f"{done.warehouse} {done.sku}: {done.scrapped} written off, {done.restocked} to restock; "
        f"{done.left} still waiting in {done.location}"
    )
    if done.putaway_task_ids:
        print("put-away tasks: " + ", ".join(str(i) for i in done.putaway_task_ids))
    return 0
