"""`wms-terminal quotes ...`: quotes to business customers (docs/b2b.md).

    wms-terminal quotes customer --ref REF ...   the same as `customers account REF ...`
    wms-terminal quotes create --customer REF --currency EUR --valid-until YYYY-MM-DD
        --line SKU:QTY[:PRICE[:DISCOUNT%]] [--line ...] [--discount PCT] [--shipping AMOUNT]
        [--vat PCT] [--note TEXT] [--json]
    wms-terminal quotes send|accept|decline Q-0000001 [--json]
    wms-terminal quotes revise Q-0000001 --valid-until YYYY-MM-DD [--json]
    wms-terminal quotes show Q-0000001 [--json]
    wms-terminal quotes pdf Q-0000001 --out F.pdf
    wms-terminal quotes list [--status S] [--customer REF] [--json]

Every action that changes data signs in (badge + WMS_PIN, a supervisor or manager).
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from wms_terminal import bootstrap
from wms_terminal.cli.account_args import add_account_arguments, save_account
from wms_terminal.cli.arg_types import iso_date
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.states import QuoteStatus


def register(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.description = "Quotes to business customers: create, send, accept into an order, print."
    sub = p.add_subparsers(dest="quotes_command", metavar="ACTION", required=True)

    cu = sub.add_parser(
        "customer",
        parents=[common],
        help="add or change a business customer (as: customers account REF)",
    )
    cu.add_argument("--ref", required=True, help="the customer's reference")
    add_account_arguments(cu)
    add_auth_arguments(cu)
    cu.set_defaults(handler=_customer)

    cr = sub.add_parser("create", parents=[common], help="a draft quote")
    cr.add_argument("--customer", required=True, metavar="REF", help="business customer")
    cr.add_argument("--currency", required=True, help="ISO 4217 code, e.g. EUR")
    cr.add_argument("--valid-until", required=True, metavar="YYYY-MM-DD", type=iso_date)
    cr.add_argument(
        "--line",
        action="append",
        required=True,
        metavar="SKU:QTY[:PRICE[:DISC%]]",
        help="a product, quantity, price (default: list price) and line discount (repeat)",
    )
    cr.add_argument("--discount", type=_dec, default=Decimal(0), metavar="PCT", help="on total")
    cr.add_argument("--shipping", type=_dec, default=Decimal(0), metavar="AMOUNT")
    cr.add_argument("--vat", type=_dec, default=Decimal(0), metavar="PCT", help="VAT percent")
    cr.add_argument("--note", default="", help="printed on the quote")
    cr.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(cr)
    cr.set_defaults(handler=_create)

    for action, what in (
        ("send", "mark a draft quote sent to the customer"),
        ("accept", "the customer accepts: the quote becomes a sales order"),
        ("decline", "the customer declines"),
    ):
        sp = sub.add_parser(action, parents=[common], help=what)
        sp.add_argument("quote", metavar="Q-NUMBER")
        sp.add_argument("--json", action="store_true", help="print JSON")
        add_auth_arguments(sp)
        sp.set_defaults(handler=_change, action=action)

    rv = sub.add_parser("revise", parents=[common], help="a declined or expired quote to draft")
    rv.add_argument("quote", metavar="Q-NUMBER")
    rv.add_argument("--valid-until", required=True, metavar="YYYY-MM-DD", type=iso_date)
    rv.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rv)
    rv.set_defaults(handler=_revise)

    sh = sub.add_parser("show", parents=[common], help="a quote with its lines and totals")
    sh.add_argument("quote", metavar="Q-NUMBER")
    sh.add_argument("--json", action="store_true", help="print JSON")
    sh.set_defaults(handler=_show)

    pdf = sub.add_parser("pdf", parents=[common], help="the quote as PDF")
    pdf.add_argument("quote", metavar="Q-NUMBER")
    pdf.add_argument("--out", required=True, metavar="FILE.pdf")
    pdf.set_defaults(handler=_pdf)

    ls = sub.add_parser("list", parents=[common], help="quotes, oldest first")
    ls.add_argument(
        "--status",
        choices=(
            QuoteStatus.DRAFT,
            QuoteStatus.SENT,
            QuoteStatus.ACCEPTED,
            QuoteStatus.DECLINED,
            QuoteStatus.EXPIRED,
        ),
    )
    ls.add_argument("--customer", metavar="REF")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=_list)


def _dec(raw: str) -> Decimal:
    try:
        value = Decimal(raw.rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{raw[:20]!r} is not a number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{raw[:20]!r} is not a number")
    return value


def _print(args: argparse.Namespace, v: object) -> None:
    from wms_terminal.sales.quotes import QuoteView

    assert isinstance(v, QuoteView)

    def text() -> list[str]:
        head = [
            f"{v.number} {v.status}: {v.customer.name} ({v.customer.ref}), valid until "
            f"{v.valid_until}" + (f", order {v.order}" if v.order else "")
        ]
        rows = table(
            (
                (ln.sku, ln.name, ln.qty, ln.list_price, f"{ln.discount_percent.normalize():f}%",
                 ln.unit_price, ln.amount)
                for ln in v.lines
            ),
            header=("SKU", "PRODUCT", "QTY", "LIST", "DISC", "PRICE", "AMOUNT"),
            right=(2, 3, 4, 5, 6),
        )  # fmt: skip
        tail = [
            f"subtotal {v.subtotal}  discount {v.discount}  shipping {v.shipping}  "
            f"VAT {v.tax}  total {v.total} {v.currency}"
        ]
        return [*head, *rows, *tail]

    emit(args.json, v.as_json(), text)


def _customer(args: argparse.Namespace) -> int:
    return save_account(args, args.ref)


def _create(args: argparse.Namespace) -> int:
    from wms_terminal.sales.quotes import create_quote, parse_line

    lines = [parse_line(raw) for raw in args.line]
    with signed_in(args) as (app, actor):
        v = create_quote(
            app.db,
            actor,
            customer=args.customer,
            currency=args.currency,
            valid_until=args.valid_until,
            lines=lines,
            discount_percent=args.discount,
            shipping=args.shipping,
            tax_percent=args.vat,
            note=args.note,
        )
    _print(args, v)
    return 0


def _change(args: argparse.Namespace) -> int:
    from wms_terminal.sales import quotes

    do = {"send": quotes.send_quote, "accept": quotes.accept_quote, "decline": quotes.decline_quote}
    with signed_in(args) as (app, actor):
        v = do[args.action](app.db, actor, args.quote)
    _print(args, v)
    return 0


def _revise(args: argparse.Namespace) -> int:
    from wms_terminal.sales.quotes import revise_quote

    with signed_in(args) as (app, actor):
        v = revise_quote(app.db, actor, args.quote, valid_until=args.valid_until)
    _print(args, v)
    return 0


def _show(args: argparse.Namespace) -> int:
    from wms_terminal.sales.quotes import show_quote

    with bootstrap.connect(args.database) as app:
        v = show_quote(app.db, args.quote)
    _print(args, v)
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from wms_terminal.cli.output import write_file
    from wms_terminal.sales.quote_docs import render_quote

    with bootstrap.connect(args.database) as app:
        pdf = render_quote(app.db, args.quote)
    return write_file(args.out, lambda: pdf, 1, "quote")


def _list(args: argparse.Namespace) -> int:
    from wms_terminal.sales.quotes import list_quotes

    with bootstrap.connect(args.database) as app:
        views = list_quotes(app.db, status=args.status, customer=args.customer)
    emit(
        args.json,
        [
            {k: v.as_json()[k] for k in ("quote", "status", "customer", "currency", "total")}
            | {"valid_until": v.valid_until.isoformat(), "order": v.order}
            for v in views
        ],
        lambda: table(
            (
                (
                    v.number,
                    v.status,
                    v.customer.ref,
                    v.valid_until,
                    f"{v.total} {v.currency}",
                    v.order or "",
                )
                for v in views
            ),
            header=("QUOTE", "STATUS", "CUSTOMER", "VALID UNTIL", "TOTAL", "ORDER"),
            empty="no quotes",
        ),
    )
    return 0
