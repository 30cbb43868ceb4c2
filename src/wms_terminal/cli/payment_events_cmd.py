"""`wms-terminal payment-events ...`: the payment provider's outbox (docs/events.md).

    payment-events list [--status pending|sent|failed|all] [--json]   oldest first
    payment-events ack ID (--sent | --failed REASON) [--json]         the provider's answer
    payment-events retry ID [--json]                                  a failed one pending again

The provider's integration does the same through the API (/v1/payment-events); `ack` and `retry`
log in (permission settle_payments: a manager, or the provider's account).
"""

from __future__ import annotations

import argparse

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core import payment_events as pe


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = top.add_subparsers(dest="payment_events_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="payment events, oldest first")
    lst.add_argument("--status", choices=(*pe.STATUSES, "all"), default="all")
    lst.add_argument("--limit", type=int, default=pe.MAX_PAGE, metavar="N")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list)
    ack = sub.add_parser("ack", parents=[common], help="the provider's answer for one event")
    ack.add_argument("event_id", type=int, metavar="ID")
    how = ack.add_mutually_exclusive_group(required=True)
    how.add_argument("--sent", action="store_true", help="paid")
    how.add_argument("--failed", metavar="REASON", help="not paid, and why")
    ack.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(ack)
    ack.set_defaults(handler=_ack)
    again = sub.add_parser("retry", parents=[common], help="a failed payment event pending again")
    again.add_argument("event_id", type=int, metavar="ID")
    again.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(again)
    again.set_defaults(handler=_retry)


def _line(e: pe.PaymentEventView) -> str:
    note = f" ({e.credit_note})" if e.credit_note else ""
    why = f": {cell(e.last_error, 200)}" if e.status == pe.FAILED and e.last_error else ""
    return f"payment event {e.id} {e.status}: {e.kind} {e.amount} {e.currency}{note}{why}"


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        status = None if args.status == "all" else args.status
        got = pe.list_events(app.db, status=status, limit=max(1, min(args.limit, pe.MAX_PAGE)))

    def lines() -> list[str]:
        out: list[str] = []
        for e in got:
            out += table(
                [(e.id, e.status, e.kind, e.order, e.credit_note or "", e.amount, e.currency)],
                right=(0, 5),
            )
            if e.last_error:
                out.append(f"    provider: {cell(e.last_error, 200)}")
        return out or ["no payment events"]

    emit(args.json, {"payment_events": [e.to_json() for e in got]}, lines)
    return 0


def _ack(args: argparse.Namespace) -> int:
    outcome = pe.SENT if args.sent else pe.FAILED
    with signed_in(args) as (app, actor):
        done = pe.acknowledge(
            app.db, actor, args.event_id, outcome=outcome, reason=args.failed or ""
        )
    emit(args.json, done.to_json(), _line(done))
    return 0


def _retry(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = pe.retry(app.db, actor, args.event_id)
    emit(args.json, done.to_json(), _line(done))
    return 0
