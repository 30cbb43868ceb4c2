"""`wms-terminal users ...`: people and integration accounts (managers).

    users add --name N --role R --pin P [--username U] [--json]   -> {"badge": "..."}
    users add-account --name NAME --role R [--secret-file F] [--json]
    users list [--all] [--json]
    users unlock|deactivate|activate USER
    users reset-pin USER --new-pin P
    users reset-secret USER [--json]
    users role USER ROLE [ROLE...]    several roles: chosen at sign-in, the first offered first

USER is a username or a badge code. Each needs a manager's log-in (--badge B with WMS_PIN, see
`cli.auth_args`), except `users add` on a database with no users at all: its first user must be a
manager and needs no log-in. The last active manager can be neither deactivated nor demoted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import actor_from_args, add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core import users
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Role


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    usub = top.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = usub.add_parser(
        "add",
        parents=[common],
        help="add a person with a new badge (manager; the first user of a new database: none)",
    )
    add.add_argument("--name", required=True, metavar="N", help="full name")
    add.add_argument("--role", required=True, choices=Role.ALL, metavar="R", help=_roles())
    add.add_argument("--pin", required=True, metavar="P", help="4 to 8 digits")
    add.add_argument("--username", metavar="U", help="log-in name (default: made from the name)")
    add.add_argument("--json", action="store_true", help='print {"badge": "..."}')
    add_auth_arguments(add)
    add.set_defaults(handler=_add)

    acc = usub.add_parser("add-account", parents=[common], help="add an integration account")
    acc.add_argument("--name", required=True, metavar="NAME", help="account name (--account NAME)")
    acc.add_argument("--role", required=True, choices=Role.ALL, metavar="R", help=_roles())
    acc.add_argument(
        "--new-secret-file", metavar="F", help="take the secret from F (default: generate one)"
    )
    acc.add_argument("--json", action="store_true", help='print {"account": ..., "secret": ...}')
    add_auth_arguments(acc)
    acc.set_defaults(handler=_add_account)

    lst = usub.add_parser("list", parents=[common], help="list users (manager)")
    lst.add_argument("--all", action="store_true", help="also deactivated users")
    lst.add_argument("--json", action="store_true", help="print a JSON list")
    add_auth_arguments(lst)
    lst.set_defaults(handler=_list)

    for action, what in (
        ("unlock", "lift a lock-out after wrong PINs"),
        ("deactivate", "stop a user from logging in (not the last manager)"),
        ("activate", "let a deactivated user log in again"),
    ):
        p = usub.add_parser(action, parents=[common], help=what)
        p.add_argument("user", metavar="USER", help="username or badge code")
        p.add_argument("--json", action="store_true", help="print the user as JSON")
        add_auth_arguments(p)
        p.set_defaults(handler=_simple, action=action)

    pin = usub.add_parser("reset-pin", parents=[common], help="give a person a new PIN")
    pin.add_argument("user", metavar="USER", help="username or badge code")
    pin.add_argument("--new-pin", required=True, metavar="P", help="4 to 8 digits")
    add_auth_arguments(pin)
    pin.set_defaults(handler=_reset_pin)

    sec = usub.add_parser("reset-secret", parents=[common], help="new secret for an account")
    sec.add_argument("user", metavar="ACCOUNT")
    sec.add_argument("--json", action="store_true", help='print {"account": ..., "secret": ...}')
    add_auth_arguments(sec)
    sec.set_defaults(handler=_reset_secret)

    role = usub.add_parser(
        "role", parents=[common], help="set a user's role, or roles (chosen at sign-in)"
    )
    role.add_argument("user", metavar="USER", help="username or badge code")
    role.add_argument("role", nargs="+", choices=Role.ALL, metavar="ROLE", help=_roles())
    add_auth_arguments(role)
    role.set_defaults(handler=_role)


def _roles() -> str:
    return "one of " + ", ".join(Role.ALL)


def _add(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        # The first user of an empty database cannot log in as anyone: it needs no badge.
        bootstrapping = users.no_users_yet(app.db) and not (args.badge or args.account)
        actor = None if bootstrapping else actor_from_args(args, app.db)
        new = users.add_user(
            app.db, actor, name=args.name, role=args.role, pin=args.pin, username=args.username
        )
    if args.json:
        print(json.dumps({"badge": new.info.badge}))
    else:
        first = " (the first user: added without a log-in)" if new.bootstrap else ""
        print(
            f"added {new.info.username} ({new.info.role}), badge {new.info.badge}{first}; "
            f"print the badge with `wms-terminal labels badges --user {new.info.username}`"
        )
    return 0


def _add_account(args: argparse.Namespace) -> int:
    secret = None
    if args.new_secret_file:
        try:
            lines = Path(args.new_secret_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read {args.new_secret_file}: {exc}") from None
        secret = lines[0] if lines else ""
    with signed_in(args) as (app, actor):
        new = users.add_account(app.db, actor, name=args.name, role=args.role, secret=secret)
    _print_secret(args.json, new.info.username, new.secret if secret is None else "")
    return 0


def _print_secret(as_json: bool, account: str, secret: str) -> None:
    if as_json:
        print(json.dumps({"account": account, "secret": secret or None}))
    elif secret:
        print(f"account {account}; its secret (shown once, keep it safe): {secret}")
    else:
        print(f"account {account} added with the secret from the file")


def _list(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        rows = users.list_users(app.db, actor, include_inactive=args.all)
    emit(
        args.json,
        [r.to_json() for r in rows],
        lambda: table(
            (
                (
                    r.username,
                    r.name,
                    ", ".join(r.roles),
                    r.badge if r.kind == "person" else "(account)",
                    "inactive" if not r.active else "locked" if r.locked else "active",
                )
                for r in rows
            ),
            header=("username", "name", "role", "badge", "state"),
        ),
    )
    return 0


def _simple(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        if args.action == "unlock":
            info = users.unlock(app.db, actor, args.user)
        else:
            info = users.set_active(app.db, actor, args.user, active=args.action == "activate")
    done = {"unlock": "unlocked", "deactivate": "deactivated", "activate": "activated"}
    if args.json:
        print(json.dumps(info.to_json()))
    else:
        print(f"{info.username} ({info.role}) {done[args.action]}")
    return 0


def _reset_pin(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        info = users.reset_pin(app.db, actor, args.user, args.new_pin)
    print(f"new PIN set for {info.username}; lock-out lifted")
    return 0


def _reset_secret(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        info, secret = users.reset_secret(app.db, actor, args.user)
    _print_secret(args.json, info.username, secret)
    return 0


def _role(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        info = users.set_roles(app.db, actor, args.user, args.role)
    print(f"{info.username} is now {' and '.join(info.roles)}")
    return 0
