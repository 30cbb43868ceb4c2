"""`wms-terminal accounting export --day YYYY-MM-DD --format csv|json --out F`: the day's
journal of invoices, credit notes, shipping costs and stock value changes, in the booking
currency (EUR) and each transaction's currency with the rate used (docs/accounting.md).
A manager signs in (badge + WMS_PIN): exporting a day that has ended posts it."""

from __future__ import annotations

import argparse
from pathlib import Path

from wms_terminal.cli.arg_types import iso_date
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.core.errors import ValidationError


def register(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.description = "The accounting journal per day (docs/accounting.md)."
    sub = p.add_subparsers(dest="accounting_command", metavar="ACTION", required=True)
    ex = sub.add_parser("export", parents=[common], help="one day's journal as CSV or JSON")
    ex.add_argument("--day", required=True, type=iso_date, metavar="YYYY-MM-DD", help="UTC day")
    ex.add_argument("--format", required=True, choices=("csv", "json"))
    ex.add_argument("--out", required=True, metavar="FILE", help="FILE.csv or FILE.json")
    add_auth_arguments(ex)
    ex.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from wms_terminal.cli.output import write_file
    from wms_terminal.sales.accounting import as_csv, as_json, export_journal

    # The file is checked before the day is posted: a wrong --out changes nothing.
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}" or not out.parent.is_dir():
        raise ValidationError(f"--out must name a .{args.format} file in an existing folder")
    with signed_in(args) as (app, actor):
        journal = export_journal(app.db, actor, args.day)
    data = as_csv(journal) if args.format == "csv" else as_json(journal)
    return write_file(args.out, lambda: data, 1, "journal", suffix=f".{args.format}")
