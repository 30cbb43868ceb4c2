"""`wms-terminal invoices ...`: invoices to business customers (docs/b2b.md).

    wms-terminal invoices raise (--order SO-0000001 | --shipment ID | --due) [--json]
    wms-terminal invoices pay INV-0000001 --amount A [--date YYYY-MM-DD] [--reference R] [--json]
    wms-terminal invoices show INV-0000001 [--json]
    wms-terminal invoices list [--overdue | --status open|paid] [--customer REF] [--json]
    wms-terminal invoices pdf INV-0000001 --out F.pdf
    wms-terminal invoices ubl INV-0000001 --out F.xml      UBL 2.1, checked against its schema
    wms-terminal invoices credit-note CN-0000001 --out F.xml   a credit note as UBL 2.1

`raise` and `pay` sign in (badge + WMS_PIN, a supervisor or manager).
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from wms_terminal import bootstrap
from wms_terminal.cli.arg_types import iso_date
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table

if TYPE_CHECKING:
    from wms_terminal.sales.invoices import InvoiceView


def register(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.description = "Invoices to business customers: raise, pay, list overdue, PDF and UBL."
    sub = p.add_subparsers(dest="invoices_command", metavar="ACTION", required=True)

    rs = sub.add_parser("raise", parents=[common], help="invoice what shipped")
    what = rs.add_mutually_exclusive_group(required=True)
    what.add_argument("--order", metavar="SO-NUMBER", help="a shipped order (invoiced per order)")
    what.add_argument("--shipment", metavar="ID", type=int, help="a shipment (per shipment)")
    what.add_argument("--due", action="store_true", help="every invoice due now")
    rs.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rs)
    rs.set_defaults(handler=_raise)

    pay = sub.add_parser("pay", parents=[common], help="record a payment received")
    pay.add_argument("invoice", metavar="INV-NUMBER")
    pay.add_argument("--amount", required=True, type=_amount, metavar="A")
    pay.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="paid on (default today)")
    pay.add_argument("--reference", default="", help="the bank's reference")
    pay.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(pay)
    pay.set_defaults(handler=_pay)

    sh = sub.add_parser("show", parents=[common], help="an invoice with its lines and payments")
    sh.add_argument("invoice", metavar="INV-NUMBER")
    sh.add_argument("--json", action="store_true", help="print JSON")
    sh.set_defaults(handler=_show)

    ls = sub.add_parser("list", parents=[common], help="invoices; --overdue: open past due date")
    which = ls.add_mutually_exclusive_group()
    which.add_argument("--overdue", action="store_true", help="open and past their due date")
    which.add_argument("--status", choices=("open", "paid"))
    ls.add_argument("--customer", metavar="REF")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)

    for kind, suffix, help_ in (
        ("pdf", "FILE.pdf", "the invoice as PDF"),
        ("ubl", "FILE.xml", "the invoice as UBL 2.1 XML (validated against the schema)"),
    ):
        d = sub.add_parser(kind, parents=[common], help=help_)
        d.add_argument("invoice", metavar="INV-NUMBER")
        d.add_argument("--out", required=True, metavar=suffix)
        d.set_defaults(handler=_document, kind=kind)
    cn = sub.add_parser(
        "credit-note",
        parents=[common],
        help="a credit note as UBL 2.1 XML (validated against the schema)",
    )
    cn.add_argument("credit_note", metavar="CN-NUMBER", help="CN-0000001, or the RMA it refunds")
    cn.add_argument("--out", required=True, metavar="FILE.xml")
    cn.set_defaults(handler=_credit_note)


def _credit_note(args: argparse.Namespace) -> int:
    from wms_terminal.cli.output import write_file
    from wms_terminal.sales.invoice_docs import render_credit_note_ubl

    with bootstrap.connect(args.database) as app:
        data = render_credit_note_ubl(app.db, args.credit_note)
    return write_file(args.out, lambda: data, 1, "credit note", suffix=".xml")


def _amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{raw[:20]!r} is not an amount") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{raw[:20]!r} is not an amount")
    return value


def _lines(views: list[InvoiceView]) -> list[str]:
    return table(
        (
            (v.number, v.status + (" OVERDUE" if v.overdue else ""), v.customer.ref, v.order,
             v.issued_on, v.due_on, f"{v.total} {v.currency}", f"{v.outstanding}")
            for v in views
        ),
        header=("INVOICE", "STATUS", "CUSTOMER", "ORDER", "ISSUED", "DUE", "TOTAL", "OPEN"),
        right=(6, 7),
        empty="no invoices",
    )  # fmt: skip


def _raise(args: argparse.Namespace) -> int:
    from wms_terminal.sales.invoices import raise_due, raise_invoice

    with signed_in(args) as (app, actor):
        if args.due:
            views = raise_due(app.db, actor)
        else:
            views = [raise_invoice(app.db, actor, order=args.order, shipment=args.shipment)]
    emit(args.json, [v.as_json() for v in views], lambda: _lines(views))
    return 0


def _pay(args: argparse.Namespace) -> int:
    from wms_terminal.sales.invoices import pay_invoice

    with signed_in(args) as (app, actor):
        v = pay_invoice(
            app.db,
            actor,
            args.invoice,
            amount=args.amount,
            paid_on=args.date,
            reference=args.reference,
        )
    emit(
        args.json,
        v.as_json(),
        f"{v.number} {v.status}: paid {v.paid}, outstanding {v.outstanding} {v.currency}",
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    from wms_terminal.sales.invoices import show_invoice

    with bootstrap.connect(args.database) as app:
        v = show_invoice(app.db, args.invoice)

    def text() -> list[str]:
        body = table(
            ((ln.sku, ln.name, ln.qty, ln.unit_price, ln.amount) for ln in v.lines),
            header=("SKU", "PRODUCT", "QTY", "PRICE", "AMOUNT"),
            right=(2, 3, 4),
        )
        return [
            *_lines([v]),
            *body,
            f"goods {v.subtotal}  discount {v.discount}  shipping {v.shipping}  VAT {v.tax}  "
            f"total {v.total}  paid {v.paid}  credited {v.credited}"
            + (f" ({', '.join(v.credit_notes)})" if v.credit_notes else ""),
        ]

    emit(args.json, v.as_json(), text)
    return 0


def _list(args: argparse.Namespace) -> int:
    from wms_terminal.sales.invoices import list_invoices

    with bootstrap.connect(args.database) as app:
        views = list_invoices(
            app.db, status=args.status, overdue=args.overdue, customer=args.customer
        )
    emit(args.json, [v.as_json() for v in views], lambda: _lines(views))
    return 0


def _document(args: argparse.Namespace) -> int:
    from wms_terminal.cli.output import write_file
    from wms_terminal.sales.invoice_docs import render_invoice_pdf, render_invoice_ubl

    render = render_invoice_pdf if args.kind == "pdf" else render_invoice_ubl
    with bootstrap.connect(args.database) as app:
        data = render(app.db, args.invoice)
    suffix = ".pdf" if args.kind == "pdf" else ".xml"
    return write_file(args.out, lambda: data, 1, "invoice", suffix=suffix)
