"""`wms-terminal labels locations|totes|badges|commands [filters] --out FILE.pdf`.

The CLI does the querying and hands plain frozen label data to documents.labels, which knows no
database. The PDF is written to a temporary file beside FILE and renamed, so a failed run never
leaves half a PDF for the printer; or, with --printer URL, sent to a printer (cli.output).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from wms_terminal.cli.output import add_destination, deliver
from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import Role


def register(labels: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    lsub = labels.add_subparsers(dest="labels_command", metavar="KIND", required=True)

    def out(p: argparse.ArgumentParser) -> None:
        add_destination(p, "FILE.pdf")

    loc = lsub.add_parser("locations", parents=[common], help="location labels (24 per A4)")
    loc.add_argument("--warehouse", metavar="CODE", help="only this warehouse")
    loc.add_argument("--zone", metavar="CODE", help="only this zone")
    loc.add_argument("--aisle", metavar="N", type=int, action="append", help="only aisle N")
    loc.add_argument("--include-inactive", action="store_true", help="also inactive locations")
    out(loc)
    loc.set_defaults(handler=_locations)

    totes = lsub.add_parser("totes", parents=[common], help="tote labels (8 per A4)")
    totes.add_argument("--warehouse", metavar="CODE", help="only this warehouse")
    out(totes)
    totes.set_defaults(handler=_totes)

    badges = lsub.add_parser("badges", parents=[common], help="user badges (10 per A4)")
    badges.add_argument("--warehouse", metavar="CODE", help="only users of this warehouse")
    badges.add_argument("--role", choices=Role.ALL, help="only users with this role")
    badges.add_argument("--user", metavar="USERNAME", action="append", help="only this user")
    badges.add_argument("--include-inactive", action="store_true", help="also inactive users")
    out(badges)
    badges.set_defaults(handler=_badges)

    cmds = lsub.add_parser("commands", parents=[common], help="command barcode cheat sheet")
    out(cmds)
    cmds.set_defaults(handler=_commands)


def _warehouse_id(session: Any, code: str | None) -> int | None:
    from sqlmodel import select

    from wms_terminal.core.models import Warehouse

    if code is None:
        return None
    wid = session.exec(select(Warehouse.id).where(Warehouse.code == code)).first()
    if wid is None:
        raise NotFound(f"no warehouse with code {code!r}")
    return int(wid)


def _check_zone(session: Any, warehouse_id: int | None, code: str) -> None:
    from sqlmodel import select

    from wms_terminal.core.models import Zone

    query = select(Zone.code).distinct()
    if warehouse_id is not None:
        query = query.where(Zone.warehouse_id == warehouse_id)
    known = sorted(session.exec(query).all())
    if code not in known:
        raise NotFound(f"no zone {code!r}; zones: {', '.join(known) or 'none'}")


def _locations(args: argparse.Namespace) -> int:
    from sqlmodel import col, select

    from wms_terminal import bootstrap
    from wms_terminal.core.models import Location, Warehouse, Zone
    from wms_terminal.documents.labels import LocationLabel, location_sheet

    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        wid = _warehouse_id(session, args.warehouse)
        query = (
            select(Location, Warehouse.code, Zone.code)
            .join(Warehouse, Warehouse.id == Location.warehouse_id)  # type: ignore[arg-type]
            .join(Zone, Zone.id == Location.zone_id)  # type: ignore[arg-type]
        )
        if wid is not None:
            query = query.where(Location.warehouse_id == wid)
        if args.zone:
            _check_zone(session, wid, args.zone)
            query = query.where(Zone.code == args.zone)
        if args.aisle:
            query = query.where(Location.aisle.in_(args.aisle))  # type: ignore[attr-defined]
        if not args.include_inactive:
            query = query.where(Location.active == True)  # noqa: E712
        query = query.order_by(
            col(Warehouse.code),
            col(Location.aisle),
            col(Location.bay),
            col(Location.level),
            col(Location.side),
        )
        labels = [
            LocationLabel(barcode=loc.barcode, code=loc.code, warehouse=wh, zone=zone)
            for loc, wh, zone in session.exec(query).all()
        ]
    return deliver(args, lambda: location_sheet(labels), len(labels), "location labels")


def _totes(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from wms_terminal import bootstrap
    from wms_terminal.core.models import Tote, Warehouse
    from wms_terminal.documents.labels import ToteLabel, tote_sheet

    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        wid = _warehouse_id(session, args.warehouse)
        query = select(Tote.code, Warehouse.code).join(
            Warehouse,
            Warehouse.id == Tote.warehouse_id,  # type: ignore[arg-type]
        )
        if wid is not None:
            query = query.where(Tote.warehouse_id == wid)
        rows = session.exec(query.order_by(Tote.code)).all()
        labels = [ToteLabel(code=code, warehouse=wh) for code, wh in rows]
    return deliver(args, lambda: tote_sheet(labels), len(labels), "tote labels")


def _badges(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from wms_terminal import bootstrap
    from wms_terminal.core.models import User, UserKind
    from wms_terminal.documents.labels import BadgeLabel, badge_sheet

    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        wid = _warehouse_id(session, args.warehouse)
        query = select(User).where(User.kind == UserKind.PERSON)  # accounts have no badge
        if wid is not None:
            query = query.where(User.warehouse_id == wid)
        if args.role:
            query = query.where(User.role == args.role)
        if args.user:
            query = query.where(User.username.in_(args.user))  # type: ignore[attr-defined]
        if not args.include_inactive:
            query = query.where(User.active == True)  # noqa: E712
        users: Sequence[User] = session.exec(query.order_by(User.name)).all()
        labels = [BadgeLabel(code=u.badge_code, name=u.name, role=u.role) for u in users]
    return deliver(args, lambda: badge_sheet(labels), len(labels), "badges")


def _commands(args: argparse.Namespace) -> int:
    from wms_terminal.documents.labels import command_labels, command_sheet

    labels = command_labels()
    return deliver(args, lambda: command_sheet(labels), len(labels), "command barcodes")
