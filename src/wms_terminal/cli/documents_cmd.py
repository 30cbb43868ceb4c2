"""`wms-terminal documents label|slip|picklist ... --out FILE`: one document rendered again.

    documents label --sscc S --out F.pdf       a closed package's 4x6 shipping label
    documents label --sscc S --zpl --out F.zpl the same label as ZPL for a thermal printer
    documents slip --order N --out F.pdf       the order's packing slip (--paper A4|Letter)
    documents slip --sscc S --out F.pdf        the slip of one package (its lines)
    documents picklist --list ID --out F.pdf   a pick list on paper, route drawn on the plan

Each takes --printer URL instead of --out to print (file:///FOLDER, cups://QUEUE, tcp://HOST for
the label's ZPL).

Read-only: the documents are read from the database (printing.sources) as they stand; a label
carries the package's own SSCC and tracking number. Paper defaults to WMS_PAPER (A4).
"""

from __future__ import annotations

import argparse

from wms_terminal import bootstrap
from wms_terminal.cli.output import add_destination, deliver


def register(docs: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    dsub = docs.add_subparsers(dest="documents_command", metavar="KIND", required=True)
    label = dsub.add_parser("label", parents=[common], help="a package's shipping label")
    label.add_argument("--sscc", required=True, metavar="SSCC", help="the package's SSCC")
    label.add_argument("--zpl", action="store_true", help="ZPL for a thermal printer (F.zpl)")
    add_destination(label, "FILE")  # F.pdf, or F.zpl with --zpl
    label.set_defaults(handler=_label)
    slip = dsub.add_parser("slip", parents=[common], help="a packing slip")
    which = slip.add_mutually_exclusive_group(required=True)
    which.add_argument("--order", metavar="NUMBER", help="the whole order")
    which.add_argument("--sscc", metavar="SSCC", help="one package of it")
    slip.add_argument("--paper", metavar="SIZE", help="A4 or Letter (default WMS_PAPER, A4)")
    add_destination(slip, "FILE.pdf")
    slip.set_defaults(handler=_slip)
    sheet = dsub.add_parser("picklist", parents=[common], help="a pick list sheet")
    sheet.add_argument("--list", dest="list_id", required=True, type=int, metavar="ID")
    sheet.add_argument("--paper", metavar="SIZE", help="A4 or Letter (default WMS_PAPER, A4)")
    add_destination(sheet, "FILE.pdf")
    sheet.set_defaults(handler=_picklist)


def _paper(args: argparse.Namespace) -> str:
    from wms_terminal.core.errors import ValidationError
    from wms_terminal.documents.slips import page_size
    from wms_terminal.printing.settings import paper

    if not args.paper:
        return paper()
    try:
        page_size(args.paper)
    except ValueError as exc:
        raise ValidationError(f"--paper: {exc}") from None
    return str(args.paper)


def _label(args: argparse.Namespace) -> int:
    from wms_terminal.documents.shipping_label import label_pdf, label_zpl
    from wms_terminal.printing import sources

    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        label = sources.shipping_label(session, sources.package_id_for_sscc(session, args.sscc))
    title = f"label-{label.sscc}"
    if args.zpl:
        render = lambda: label_zpl(label).encode()  # noqa: E731
        return deliver(args, render, 1, "label", suffix=".zpl", title=title)
    return deliver(args, lambda: label_pdf(label), 1, "label", title=title)


def _slip(args: argparse.Namespace) -> int:
    from wms_terminal.documents.slips import packing_slip_pdf
    from wms_terminal.printing import sources

    paper = _paper(args)
    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        if args.sscc:
            package_id = sources.package_id_for_sscc(session, args.sscc)
            slip = sources.packing_slip(session, package_id=package_id)
        else:
            slip = sources.packing_slip(session, order=args.order)
    render = lambda: packing_slip_pdf(slip, paper)  # noqa: E731
    return deliver(args, render, 1, "packing slip", title=f"slip-{slip.order}")


def _picklist(args: argparse.Namespace) -> int:
    from wms_terminal.documents.pick_sheet import pick_sheet_pdf
    from wms_terminal.printing import sources

    paper = _paper(args)
    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        sheet = sources.pick_sheet(session, args.list_id)
    render = lambda: pick_sheet_pdf(sheet, paper)  # noqa: E731
    return deliver(args, render, 1, "pick list sheet", title=f"picklist-{sheet.list_id}")
