"""The options of a business customer's one record, shared by `customers account CUSTOMER`
and its older spelling `quotes customer --ref REF` (docs/b2b.md): one service,
`sales.customers.save_business_customer`, behind both."""

from __future__ import annotations

import argparse

from wms_terminal.cli.auth_args import signed_in
from wms_terminal.cli.render import emit


def add_account_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="", help="company name (needed for a new customer)")
    p.add_argument("--email", default="", help="e-mail for quotes and invoices")
    p.add_argument("--vat-id", default="", help="VAT identification number")
    p.add_argument("--net-days", type=int, default=None, help="payment terms (a new customer: 30)")
    p.add_argument(
        "--invoice-per",
        choices=("order", "shipment"),
        default=None,
        help="one invoice per order or per shipment (a new customer: order)",
    )
    for name in ("street", "postcode", "city", "country"):
        p.add_argument(f"--{name}", default="", help=f"billing address: {name}")
    p.add_argument(
        "--credit-limit",
        metavar="EUR",
        default=None,
        help="on account with this limit in EUR, or none: off account (a manager)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def save_account(args: argparse.Namespace, ref: str) -> int:
    from wms_terminal.core.credit import parse_limit
    from wms_terminal.sales.customers import KEEP, save_business_customer

    limit = KEEP if args.credit_limit is None else parse_limit(args.credit_limit)
    with signed_in(args) as (app, actor):
        t = save_business_customer(
            app.db,
            actor,
            ref=ref,
            name=args.name,
            email=args.email,
            vat_id=args.vat_id,
            net_days=args.net_days,
            invoice_per=args.invoice_per,
            street=args.street,
            city=args.city,
            postcode=args.postcode,
            country=args.country,
            credit_limit=limit,
        )
    account = (
        f"on account, limit {t.credit_limit_eur} EUR"
        if t.credit_limit_eur is not None
        else "not on account"
    )
    emit(
        args.json,
        t.as_json(),
        f"{t.ref or t.email}: {t.name}, net {t.payment_terms_days} days, "
        f"invoiced per {t.invoice_per}, {account}",
    )
    return 0
