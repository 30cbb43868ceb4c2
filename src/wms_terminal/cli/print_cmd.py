"""`wms-terminal print list|retry|reprint|work`: the print outbox of the packing stations.

    print list [--status S] [--station T] [--json]   jobs, newest first, with the last error
    print retry ID [--json]                          queue a failed job again
    print reprint --sscc S [--slip] [--reason R]     the label (or slip) again, same SSCC, audited
    print work [--once] [--station T] [--interval S] the printer worker (WMS_PRINTER_LABEL,
                                                     WMS_PRINTER_DOCUMENT, WMS_PAPER)

`retry`, `reprint` and `work` log in (--badge with WMS_PIN); `reprint` sends the job to the
printers of the terminal asking (WMS_TERMINAL_ID), like the station that closed the package.
"""

from __future__ import annotations

import argparse
import sys
import threading

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core.auth import require

STATUSES = ("queued", "printing", "printed", "failed")


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    psub = top.add_subparsers(dest="print_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", parents=[common], help="print jobs, newest first")
    lst.add_argument("--status", choices=STATUSES)
    lst.add_argument("--station", metavar="TERMINAL")
    lst.add_argument("--limit", type=int, default=100, metavar="N")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list)
    again = psub.add_parser("retry", parents=[common], help="queue a failed job again")
    again.add_argument("job_id", type=int, metavar="ID")
    again.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(again)
    again.set_defaults(handler=_retry)
    re = psub.add_parser("reprint", parents=[common], help="print a package's label again")
    re.add_argument("--sscc", required=True, metavar="SSCC")
    re.add_argument("--slip", action="store_true", help="the packing slip instead of the label")
    re.add_argument("--reason", default="", metavar="TEXT", help="recorded in the audit log")
    re.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(re)
    re.set_defaults(handler=_reprint)
    work = psub.add_parser("work", parents=[common], help="print due jobs (the printer worker)")
    work.add_argument("--once", action="store_true", help="one pass, then exit")
    work.add_argument("--station", metavar="TERMINAL", help="only this station's jobs")
    work.add_argument("--interval", type=float, default=1.0, metavar="S")
    add_auth_arguments(work)
    work.set_defaults(handler=_work)


def _list(args: argparse.Namespace) -> int:
    from wms_terminal.printing import outbox

    with bootstrap.connect(args.database) as app:
        jobs = outbox.list_jobs(
            app.db, status=args.status, station=args.station, limit=max(args.limit, 1)
        )

    def lines() -> list[str]:
        if not jobs:
            return ["no print jobs"]
        rows = table(
            (
                (
                    j.id,
                    j.status,
                    j.kind,
                    j.order,
                    j.sscc,
                    j.station,
                    f"tries {j.attempts}",
                    f"{j.printed_at or j.next_attempt_at or j.created_at:%Y-%m-%d %H:%M:%S}",
                    j.printed_on if j.status == "printed" else "",
                )
                for j in jobs
            ),
            right=(0,),
        )
        out: list[str] = []
        for row, j in zip(rows, jobs, strict=True):
            out.append(row)
            if j.last_error and j.status != "printed":
                out.append(f"        last error: {cell(j.last_error, 200)}")
        return out

    emit(args.json, {"jobs": [j.to_json() for j in jobs]}, lines)
    return 0


def _retry(args: argparse.Namespace) -> int:
    from wms_terminal.printing import outbox

    with signed_in(args) as (app, actor):
        view = outbox.retry(app.db, actor, args.job_id)
    emit(args.json, view.to_json(), f"print job {view.id} ({view.kind}) queued again")
    return 0


def _reprint(args: argparse.Namespace) -> int:
    from wms_terminal.printing import outbox

    with signed_in(args) as (app, actor):
        kind = "packing_slip" if args.slip else "shipping_label"
        view = outbox.reprint(app.db, actor, args.sscc, kind=kind, reason=args.reason)
    what = "slip" if args.slip else "label"
    text = f"print job {view.id}: the {what} of {view.sscc} (order {view.order}) queued again"
    emit(args.json, view.to_json(), text)
    return 0


def _work(args: argparse.Namespace) -> int:
    from wms_terminal.printing.settings import station_printers
    from wms_terminal.printing.worker import print_due, run

    printers = station_printers()
    with signed_in(args) as (app, actor):
        require(actor, "pack")
        worker = f"{app.settings.terminal_id}:{actor.username}"
        if args.once:
            report = print_due(app.db, printers, worker, station=args.station)
            print(
                f"printed {len(report.printed)}, retrying later {len(report.retrying)}, "
                f"failed {len(report.failed)}",
                flush=True,
            )
            return 0 if not report.failed else 1
        print(f"printing: labels to {printers.label.name}, documents to "
              f"{printers.document.name} (Ctrl+C stops)", file=sys.stderr, flush=True)  # fmt: skip
        stop = threading.Event()
        try:
            run(app.db, printers, worker, stop, station=args.station, interval_s=args.interval)
        except KeyboardInterrupt:
            stop.set()
        return 0
