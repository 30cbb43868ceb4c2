"""`wms-terminal db upgrade|current`: schema migrations."""

from __future__ import annotations

import argparse

from wms_terminal import bootstrap
from wms_terminal.core import migrate


def register(db: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", parents=[common], help="migrate the schema to the newest")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument(
        "--create",
        action="store_true",
        help="make a new SQLite file (and its folder) when there is none at that path",
    )
    up.set_defaults(handler=_upgrade)
    cur = dbsub.add_parser("current", parents=[common], help="print the schema revision")
    cur.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    # The default file may be made; a path someone typed only with --create.
    with bootstrap.connect(
        args.database, require_schema=False, create=args.create, create_default=True
    ) as app:
        rev = migrate.upgrade(app.db.engine, args.revision)
    print(f"database at schema {rev}")
    return 0


def _current(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database, require_schema=False) as app:
        rev = migrate.current_revision(app.db.engine)
    head = migrate.head_revision()
    print(f"{rev or 'none'} (head {head})")
    return 0 if rev == head else 1
