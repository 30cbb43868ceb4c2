"""`wms-terminal shipments list|manifest`: packages and the hand-over to the carrier.

    wms-terminal shipments list [--status S] [--carrier CODE] [--json]
    wms-terminal shipments manifest --carrier CODE [--warehouse W] --out F.pdf --badge B
    wms-terminal shipments handover --sscc S --badge B                        packer or above
    wms-terminal shipments delivered FILE --badge B                           packer or above
    wms-terminal shipments free ORDER --badge B                               supervisor+

`list --json` prints {"packages": [...]}, one object per package (not cancelled):
{"order", "package", "sscc", "tracking", "carrier", "service", "status", "lines": [{"sku",
"qty"}]}. `manifest` ships every closed package of the carrier's services (`packing.shipments`):
they become shipped, the manifest PDF is written to F.pdf, and a track & trace notice per order
is queued in the notices outbox (sent by `wms-terminal notices send`). `handover` ships one
package scanned at the dock the same way, without a manifest. `delivered` reads the carrier's
delivered events (CSV or JSON of tracking_number + delivered_at, `packing.delivered`): every row
is checked, every problem reported, nothing set from a file with a problem; re-running it
changes nothing. `free` frees an order a pack station left open (the station went away):
another station can open it (an unused claim also lapses by itself after 30 minutes).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core.errors import InvalidTransition, ValidationError
from wms_terminal.packing.claim import free
from wms_terminal.packing.delivered import mark_delivered
from wms_terminal.packing.shipments import STATUSES, hand_over, list_packages, manifest


def register(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="shipments_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", parents=[common], help="packages with SSCC, tracking and lines")
    ls.add_argument("--status", choices=STATUSES, help="only packages in this state")
    ls.add_argument("--carrier", metavar="CODE", help="only this carrier's packages")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)

    mf = sub.add_parser(
        "manifest", parents=[common], help="hand the carrier its packed packages (PDF manifest)"
    )
    mf.add_argument("--carrier", metavar="CODE", required=True, help="carrier code, e.g. DHL")
    mf.add_argument("--out", metavar="FILE.pdf", required=True, help="manifest PDF to write")
    mf.add_argument(
        "--warehouse", metavar="CODE", help="this warehouse's packages (needed when several wait)"
    )
    mf.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(mf)
    mf.set_defaults(handler=_manifest)

    ho = sub.add_parser("handover", parents=[common], help="one package taken by the carrier")
    ho.add_argument("--sscc", metavar="S", required=True, help="the package's SSCC (18 digits)")
    ho.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(ho)
    ho.set_defaults(handler=_handover)

    dl = sub.add_parser(
        "delivered", parents=[common], help="set delivery dates from the carrier's file"
    )
    dl.add_argument("file", metavar="FILE", help="CSV or JSON: tracking_number, delivered_at")
    dl.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(dl)
    dl.set_defaults(handler=_delivered)

    fr = sub.add_parser(
        "free", parents=[common], help="free an order a pack station left open (supervisor)"
    )
    fr.add_argument("order", metavar="ORDER", help="the order number, e.g. SO-0000042")
    fr.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(fr)
    fr.set_defaults(handler=_free)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        packages = list_packages(app.db, status=args.status, carrier=args.carrier)

    def text() -> list[str]:
        rows = table(
            (
                (
                    p["order"],
                    p["package"],
                    p["status"],
                    p["sscc"] or "",
                    p["carrier"] or "",
                    p["service"] or "",
                    p["tracking"] or "",
                    ", ".join(f"{x['qty']} x {x['sku']}" for x in p["lines"]),
                )
                for p in packages
            ),
            header=("ORDER", "PKG", "STATUS", "SSCC", "CARRIER", "SERVICE", "TRACKING", "LINES"),
            empty="no packages",
        )
        return rows

    emit(args.json, {"packages": packages}, text)
    return 0


def _manifest(args: argparse.Namespace) -> int:
    target = Path(args.out)
    if target.suffix.lower() != ".pdf":
        raise ValidationError(f"--out must name a .pdf file, not {args.out!r}")
    if not target.parent.is_dir():
        raise ValidationError(f"no such directory: {target.parent}")
    # Made before anything ships: a folder we cannot write to ships nothing.
    try:
        fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".pdf", dir=target.parent)
    except OSError as exc:
        raise ValidationError(f"cannot write to {target.parent}: {exc.strerror}") from None
    try:
        with signed_in(args) as (app, actor):
            done = manifest(app.db, actor, carrier=args.carrier, warehouse=args.warehouse)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(done.pdf)
        os.replace(tmp, target)
    finally:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
    emit(
        args.json,
        {
            "carrier": done.carrier,
            "packages": done.packages,
            "orders_shipped": list(done.orders_shipped),
            "notices": done.notices,
            "no_email": list(done.no_email),
            "invoices": list(done.invoices),
            "out": str(target),
        },
        f"{done.carrier}: {done.packages} package(s) shipped, "
        f"{len(done.orders_shipped)} order(s) complete, {done.notices} notice(s) queued; "
        f"manifest {target}" + _invoices(done.invoices) + _no_email(done.no_email),
    )
    return 0


def _handover(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = hand_over(app.db, actor, sscc=args.sscc)
    emit(
        args.json,
        {
            "carrier": done.carrier,
            "sscc": args.sscc,
            "orders_shipped": list(done.orders_shipped),
            "notices": done.notices,
            "no_email": list(done.no_email),
            "invoices": list(done.invoices),
        },
        f"{args.sscc} handed to {done.carrier}"
        + (f": {', '.join(done.orders_shipped)} shipped" if done.orders_shipped else "")
        + _invoices(done.invoices)
        + _no_email(done.no_email),
    )
    return 0


def _invoices(numbers: tuple[str, ...]) -> str:
    if not numbers:
        return ""
    return f"\ninvoiced: {', '.join(numbers[:10])}" + (" ..." if len(numbers) > 10 else "")


def _no_email(orders: tuple[str, ...]) -> str:
    if not orders:
        return ""
    shown = ", ".join(cell(o) for o in orders[:10]) + (" ..." if len(orders) > 10 else "")
    return f"\nno e-mail address, no track & trace sent: {shown}"


def _delivered(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = mark_delivered(app.db, actor, args.file)
    emit(
        args.json,
        {"delivered": done.delivered, "unchanged": done.unchanged},
        f"{done.delivered} package(s) delivered, {done.unchanged} already recorded",
    )
    return 0


def _free(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        r = free(app.db, actor, scan_id=os.urandom(8).hex(), number=args.order)
    if not r.accepted:
        raise InvalidTransition(r.message)
    emit(args.json, {"order": args.order, "message": r.message}, r.message)
    return 0
