"""`wms-terminal analytics REPORT [--from D] [--to D] [--warehouse W] [--csv | --json]`: the
manager's figures (`reports.analytics`), read-only.

    REPORT: sales | on-time | pick-accuracy | pickers | cycle-time | returns

The period runs from the start of --from to the end of --to (UTC days; default the last 30 days
up to today). --csv prints the report as CSV (a header line, then one line per row).
"""

from __future__ import annotations

import argparse
import sys

from wms_terminal import bootstrap
from wms_terminal.cli.arg_types import iso_date
from wms_terminal.cli.render import emit, table

NAMES = ("sales", "on-time", "pick-accuracy", "pickers", "cycle-time", "returns")


def register(an: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    an.add_argument("report", choices=NAMES, metavar="REPORT", help=" | ".join(NAMES))
    an.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD")
    an.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD")
    an.add_argument("--warehouse", metavar="CODE")
    out = an.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help="CSV with a header line")
    out.add_argument("--json", action="store_true")
    an.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from wms_terminal.reports.analytics import Period, report

    period = Period.days(args.start, args.end, warehouse=args.warehouse)
    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        found = report(session, args.report, period)
    if args.csv:
        sys.stdout.write(found.to_csv())
        return 0
    first = period.since.date()
    last = (period.until.date()).fromordinal(period.until.date().toordinal() - 1)
    emit(
        args.json,
        found.to_json() | {"from": first.isoformat(), "to": last.isoformat()},
        lambda: [
            f"{found.title}, {first} to {last}",
            *table(
                (tuple("-" if v is None else v for v in row) for row in found.rows),
                header=found.columns,
                right=tuple(range(1, len(found.columns))),
                empty="nothing in this period",
            ),
        ],
    )
    return 0
