"""`wms-terminal integrations ...`: API keys for channels and ERP links (managers).

    integrations add --name N [--permission P ...] [--rate-limit N] [--json]  -> {"key": "..."}
    integrations list [--all] [--json]
    integrations permissions ACCOUNT --permission P [--permission P ...]
    integrations revoke ACCOUNT

An integration is an integration account (`users add-account`): the key printed once by `add` is
its generated secret, taken by the API as `Authorization: Bearer KEY` (and by commands as
`--account NAME` with WMS_SECRET). Its permissions are checked instead of a role's. A manager's
badge with WMS_PIN says who does it (`cli.auth_args`).
"""

from __future__ import annotations

import argparse
import json

from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table

# What `add` grants without --permission: what a sales channel needs.
CHANNEL_PERMISSIONS = ("import_orders", "cancel_order", "read_orders", "read_stock", "read_events")


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = top.add_subparsers(dest="integrations_command", metavar="ACTION", required=True)

    add = sub.add_parser(
        "add", parents=[common], help="add an integration account and print its API key once"
    )
    add.add_argument("--name", required=True, metavar="N", help="account name, e.g. webshop")
    _permission_option(add, f"default: {' '.join(CHANNEL_PERMISSIONS)}")
    add.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="API requests per second (default: WMS_API_RATE_LIMIT, else 500)",
    )
    add.add_argument("--json", action="store_true", help='print {"key": "...", "account": ...}')
    add_auth_arguments(add)
    add.set_defaults(handler=_add)

    lst = sub.add_parser("list", parents=[common], help="integration accounts and permissions")
    lst.add_argument("--all", action="store_true", help="also revoked accounts")
    lst.add_argument("--json", action="store_true", help="print a JSON list")
    add_auth_arguments(lst)
    lst.set_defaults(handler=_list)

    perm = sub.add_parser(
        "permissions", parents=[common], help="set what an integration account may do"
    )
    perm.add_argument("target", metavar="ACCOUNT")  # not `account`: that is --account
    _permission_option(perm, "at least one", required=True)
    add_auth_arguments(perm)
    perm.set_defaults(handler=_permissions)

    rev = sub.add_parser(
        "revoke", parents=[common], help="stop an integration account; its key stops at once"
    )
    rev.add_argument("target", metavar="ACCOUNT")
    rev.add_argument("--json", action="store_true", help="print the account as JSON")
    add_auth_arguments(rev)
    rev.set_defaults(handler=_revoke)


def _permission_option(p: argparse.ArgumentParser, note: str, *, required: bool = False) -> None:
    p.add_argument(
        "--permission",
        action="append",
        metavar="P",
        required=required,
        help=f"a permission (repeat for more), e.g. import_orders, read_stock; {note}",
    )


def _add(args: argparse.Namespace) -> int:
    from wms_terminal.core import users
    from wms_terminal.core.models import Role

    with signed_in(args) as (app, actor):
        new = users.add_account(
            app.db,
            actor,
            name=args.name,
            role=Role.SUPERVISOR,  # not used for its checks: its permissions are
            permissions=args.permission or CHANNEL_PERMISSIONS,
            rate_limit=args.rate_limit,
        )
    if args.json:
        print(json.dumps({"key": new.secret, "account": new.info.username}))
    else:
        print(
            f"integration {new.info.username} added; its API key (shown once, keep it safe):\n"
            f"{new.secret}"
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    from wms_terminal.core.api_keys import list_accounts

    with signed_in(args) as (app, actor):
        rows = list_accounts(app.db, actor, include_revoked=args.all)
    emit(
        args.json,
        [r.to_json() for r in rows],
        lambda: table(
            (
                (
                    r.username,
                    r.name,
                    " ".join(r.permissions) or f"(role {r.role})",
                    str(r.rate_limit or "default"),
                    "revoked" if not r.active else "key" if r.has_key else "no key",
                )
                for r in rows
            ),
            header=("account", "name", "permissions", "rate/s", "state"),
        ),
    )
    return 0


def _permissions(args: argparse.Namespace) -> int:
    from wms_terminal.core import users

    with signed_in(args) as (app, actor):
        granted = users.set_permissions(app.db, actor, args.target, args.permission)
    print(f"{args.target} may now: {' '.join(granted)}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from wms_terminal.core import users

    with signed_in(args) as (app, actor):
        info = users.revoke_account(app.db, actor, args.target)
    if args.json:
        print(json.dumps(info.to_json()))
    else:
        print(f"{info.username} revoked: its key no longer works")
    return 0
