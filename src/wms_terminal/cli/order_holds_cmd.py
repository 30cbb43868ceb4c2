"""`orders payment|approve|reject|held` and `customers credit-limit`: the desk's side of the
payment gate and of credit limits (docs/payments.md).

    orders payment ORDER authorised|declined --amount A --reference R [--currency C]
    orders approve ORDER [--note T]        a manager lets an order over the credit limit go
    orders reject ORDER --reason R         a manager refuses it: the order is cancelled
    orders held [--json]                   orders waiting for payment or a manager
    customers credit-limit CUSTOMER --limit EUR|none
    customers account CUSTOMER [--name N] [--email E] [--vat-id V] [--net-days D]
        [--invoice-per order|shipment] [--street S --postcode P --city C --country CC]
        [--credit-limit EUR|none] [--json]   the customer's one business record (docs/b2b.md)
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation

from wms_terminal.cli.account_args import add_account_arguments, save_account
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.core.errors import ValidationError


def register_orders(
    osub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    pay = osub.add_parser(
        "payment",
        parents=[common],
        help="record the payment provider's answer for an order (authorised or declined)",
    )
    pay.add_argument("number", metavar="ORDER", help="order number, e.g. SO-0001234")
    pay.add_argument("outcome", choices=("authorised", "declined"))
    pay.add_argument(
        "--amount", required=True, help="the amount authorised, in the order's currency"
    )
    pay.add_argument(
        "--reference", required=True, help="the provider's reference (once per answer)"
    )
    pay.add_argument("--currency", help="the payment's currency (default: the order's)")
    pay.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(pay)
    pay.set_defaults(handler=_payment)
    ok = osub.add_parser(
        "approve", parents=[common], help="a manager releases an order held over the credit limit"
    )
    ok.add_argument("number", metavar="ORDER")
    ok.add_argument("--note", default="", help="why (kept in the audit log)")
    ok.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(ok)
    ok.set_defaults(handler=_approve)
    no = osub.add_parser(
        "reject",
        parents=[common],
        help="a manager refuses an order held over the credit limit: it is cancelled",
    )
    no.add_argument("number", metavar="ORDER")
    no.add_argument("--reason", required=True, help="why (kept in the audit log)")
    no.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(no)
    no.set_defaults(handler=_reject)
    held = osub.add_parser(
        "held", parents=[common], help="orders waiting for payment or a manager's approval"
    )
    held.add_argument("--json", action="store_true", help="print the list as JSON")
    held.set_defaults(handler=_held)


def register_customers(customers: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    csub = customers.add_subparsers(dest="customers_command", metavar="ACTION", required=True)
    lim = csub.add_parser(
        "credit-limit",
        parents=[common],
        help="put a customer on account with a credit limit in EUR (none: off account)",
    )
    lim.add_argument("customer", metavar="CUSTOMER", help="the channel's reference or e-mail")
    lim.add_argument("--limit", required=True, metavar="EUR", help="amount in EUR, or none")
    lim.add_argument("--json", action="store_true", help="print the result as JSON")
    add_auth_arguments(lim)
    lim.set_defaults(handler=_credit_limit)
    acc = csub.add_parser(
        "account",
        parents=[common],
        help="a business customer's record: terms, billing address, credit limit",
    )
    acc.add_argument(
        "customer", metavar="CUSTOMER", help="the customer's reference (or an existing e-mail)"
    )
    add_account_arguments(acc)
    add_auth_arguments(acc)
    acc.set_defaults(handler=_account)


def _account(args: argparse.Namespace) -> int:
    return save_account(args, args.customer)


def _amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ValidationError(f"--amount must be a number, not {raw[:40]!r}") from None
    if not value.is_finite():
        raise ValidationError(f"--amount must be a number, not {raw[:40]!r}")
    return value


def _emit(args: argparse.Namespace, data: dict[str, object], line: str) -> None:
    if args.json:
        json.dump(data, sys.stdout)
        print()
    else:
        print(line)


def _payment(args: argparse.Namespace) -> int:
    from wms_terminal.core.payments import record_payment
    from wms_terminal.core.release_rule import describe

    amount = _amount(args.amount)
    with signed_in(args) as (app, actor):
        done = record_payment(
            app.db,
            actor,
            number=args.number,
            outcome=args.outcome,
            amount=amount,
            reference=args.reference,
            currency=args.currency,
        )
    again = " (already recorded: nothing changed)" if done.repeated else ""
    _emit(
        args,
        done.as_data(),
        f"{done.order}: payment {done.outcome} {done.amount} {done.currency} "
        f"(ref {done.reference}){again}; waits for {describe(done.hold)}",
    )
    return 0


def _approve(args: argparse.Namespace) -> int:
    from wms_terminal.core.credit import approve_order

    with signed_in(args) as (app, actor):
        done = approve_order(app.db, actor, number=args.number, note=args.note)
    _emit(
        args,
        {"order": done.number, "approved": True, "hold": ""},
        f"{done.number} approved: it may go on a wave",
    )
    return 0


def _reject(args: argparse.Namespace) -> int:
    from wms_terminal.core.credit import reject_order

    with signed_in(args) as (app, actor):
        done = reject_order(app.db, actor, number=args.number, reason=args.reason)
    released = done.cancelled.units_released if done.cancelled else 0
    _emit(
        args,
        {
            "order": done.number,
            "approved": False,
            "status": "cancelled",
            "units_released": released,
        },
        f"{done.number} rejected and cancelled: {released} unit(s) released",
    )
    return 0


def _held(args: argparse.Namespace) -> int:
    from wms_terminal import bootstrap
    from wms_terminal.core.order_holds import held_orders
    from wms_terminal.core.release_rule import describe

    with bootstrap.connect(args.database) as app:
        rows = held_orders(app.db)
    if args.json:
        json.dump([r.as_data() for r in rows], sys.stdout)
        print()
        return 0
    if not rows:
        print("no order waits for payment or approval")
    for r in rows:
        print(
            f"{r.number}  {r.status:<18} {r.total} {r.currency}  {r.customer}  "
            f"waits for {describe(r.hold)}"
        )
    return 0


def _credit_limit(args: argparse.Namespace) -> int:
    from wms_terminal.core.credit import parse_limit, set_credit_limit

    limit = parse_limit(args.limit)
    with signed_in(args) as (app, actor):
        done = set_credit_limit(app.db, actor, customer=args.customer, limit=limit)
    shown = "none (not on account)" if done.limit_eur is None else f"{done.limit_eur} EUR"
    _emit(
        args,
        {
            "customer": done.customer,
            "credit_limit_eur": None if done.limit_eur is None else str(done.limit_eur),
            "exposure_eur": str(done.exposure_eur),
        },
        f"{done.customer}: credit limit {shown}; open exposure {done.exposure_eur} EUR",
    )
    return 0
