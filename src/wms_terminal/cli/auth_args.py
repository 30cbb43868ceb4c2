"""Who runs a state-changing command: badge + PIN, or an integration account + secret.

Every command that changes data calls `add_auth_arguments(parser)` when it registers and
`actor_from_args(args, db)` (or opens `signed_in(args)`) before it acts:

    --badge B            a person's badge; the PIN from the environment variable WMS_PIN, from
                         --pin-file F (first line), or asked for when run at a terminal
    --account NAME       an integration account; its secret from WMS_SECRET, --secret-file F,
                         or asked for at a terminal

The log-in is the same as at a terminal (`core.auth`): wrong tries are counted, five lock the badge
or account for a few minutes, and every try is audited. A missing or wrong credential raises
AuthenticationFailed (exit code 6, a message, no traceback). Permissions are checked by the
services the command calls, with the Actor returned here.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wms_terminal import bootstrap
from wms_terminal.config import terminal_id
from wms_terminal.core.auth import Actor, authenticate, authenticate_account
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed

PIN_ENV = "WMS_PIN"
SECRET_ENV = "WMS_SECRET"


def add_auth_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --badge/--pin-file and --account/--secret-file to a command that changes data."""
    group = parser.add_argument_group(
        "who does this (required)",
        f"a badge with its PIN (env {PIN_ENV}, --pin-file, or asked at a terminal), or an "
        f"integration account with its secret (env {SECRET_ENV}, --secret-file)",
    )
    group.add_argument("--badge", metavar="B", help="badge code of the person doing this")
    group.add_argument(
        "--pin-file", metavar="F", help=f"file whose first line is the PIN (instead of {PIN_ENV})"
    )
    group.add_argument("--account", metavar="NAME", help="integration account doing this")
    group.add_argument(
        "--secret-file",
        metavar="F",
        help=f"file whose first line is the account's secret (instead of {SECRET_ENV})",
    )


def actor_from_args(
    args: argparse.Namespace, db: Database, *, terminal: str | None = None
) -> Actor:
    """Authenticate whoever the arguments name; raise AuthenticationFailed with the reason."""
    badge = (getattr(args, "badge", None) or "").strip()
    account = (getattr(args, "account", None) or "").strip()
    where = terminal if terminal is not None else terminal_id()
    if badge and account:
        raise AuthenticationFailed("give --badge or --account, not both")
    if badge:
        pin = _credential(getattr(args, "pin_file", None), PIN_ENV, "PIN", "--pin-file")
        try:
            return authenticate(db, badge=badge, pin=pin, terminal=where)
        except AuthenticationFailed as exc:
            raise AuthenticationFailed(f"badge {badge}: {exc.message}") from None
    if account:
        secret = _credential(
            getattr(args, "secret_file", None), SECRET_ENV, "secret", "--secret-file"
        )
        try:
            return authenticate_account(db, account=account, secret=secret, terminal=where)
        except AuthenticationFailed as exc:
            raise AuthenticationFailed(f"account {account}: {exc.message}") from None
    raise AuthenticationFailed(
        f"this command changes data: say who you are with --badge B (PIN in {PIN_ENV} or "
        f"--pin-file F) or --account NAME (secret in {SECRET_ENV} or --secret-file F)"
    )


@contextmanager
def signed_in(args: argparse.Namespace) -> Iterator[tuple[bootstrap.App, Actor]]:
    """Connect to the database the arguments name and sign in whoever they name (as this
    terminal); the connection is closed on the way out."""
    with bootstrap.connect(args.database) as app:
        yield app, actor_from_args(args, app.db, terminal=app.settings.terminal_id)


def _credential(path: str | None, env: str, what: str, option: str) -> str:
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AuthenticationFailed(
                f"cannot read the {what} file {path}: {exc.strerror or exc}"
            ) from None
        except UnicodeDecodeError:
            raise AuthenticationFailed(f"the {what} file {path} is not UTF-8 text") from None
        value = lines[0].strip() if lines else ""
        if not value:
            raise AuthenticationFailed(f"the {what} file {path} is empty")
        return value
    value = os.environ.get(env, "").strip()
    if value:
        return value
    if sys.stdin.isatty() and sys.stderr.isatty():
        value = getpass.getpass(f"{what}: ").strip()
        if value:
            return value
    raise AuthenticationFailed(f"no {what}: set {env} or give {option}")
