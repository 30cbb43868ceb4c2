"""`wms-terminal webhooks ...`: integrations' webhooks and their deliveries (docs/events.md).

    webhooks list [--json]                                   webhooks, deliveries per status
    webhooks add --integration NAME --url URL [--events K,K] [--json]   prints the secret once
    webhooks remove ID                                       the webhook and its unsent deliveries
    webhooks deliveries [--webhook ID] [--status S] [--json] deliveries, newest first, with errors
    webhooks retry ID | --webhook ID                         queue failed deliveries again
    webhooks work [--once] [--interval S]                    the sender

`add`, `remove`, `retry` and `work` log in (a manager: --badge with WMS_PIN).
"""

from __future__ import annotations

import argparse
import sys
import threading

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core import webhooks
from wms_terminal.core.auth import require


def register(top: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = top.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="webhooks and their deliveries")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list)
    add = sub.add_parser("add", parents=[common], help="a webhook for an integration account")
    add.add_argument("--integration", required=True, metavar="NAME", help="integration account")
    add.add_argument("--url", required=True, metavar="URL", help="http(s) URL events go to")
    add.add_argument(
        "--events", default="", metavar="K,K", help="only these event kinds (default: all)"
    )
    add.add_argument("--json", action="store_true", help='print {"webhook", "secret", ...}')
    add_auth_arguments(add)
    add.set_defaults(handler=_add)
    rm = sub.add_parser("remove", parents=[common], help="remove a webhook")
    rm.add_argument("webhook_id", type=int, metavar="ID")
    rm.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rm)
    rm.set_defaults(handler=_remove)
    dl = sub.add_parser("deliveries", parents=[common], help="deliveries, newest first")
    dl.add_argument("--webhook", type=int, metavar="ID")
    dl.add_argument("--status", choices=webhooks.DELIVERY_STATUSES)
    dl.add_argument("--limit", type=int, default=100, metavar="N")
    dl.add_argument("--json", action="store_true", help="print JSON")
    dl.set_defaults(handler=_deliveries)
    again = sub.add_parser("retry", parents=[common], help="queue failed deliveries again")
    again.add_argument("delivery_id", type=int, nargs="?", metavar="ID")
    again.add_argument("--webhook", type=int, metavar="ID", help="all failed of this webhook")
    again.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(again)
    again.set_defaults(handler=_retry)
    work = sub.add_parser("work", parents=[common], help="send due deliveries (the sender)")
    work.add_argument("--once", action="store_true", help="one pass, then exit")
    work.add_argument("--interval", type=float, default=5.0, metavar="S")
    work.add_argument("--limit", type=int, default=50, metavar="N", help="deliveries per pass")
    add_auth_arguments(work)
    work.set_defaults(handler=_work)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        hooks = webhooks.list_webhooks(app.db)

    def lines() -> list[str]:
        out: list[str] = []
        for h in hooks:
            c = h.counts
            out += table(
                [
                    (
                        h.id,
                        h.account,
                        h.url,
                        h.kinds or "all events",
                        f"pending {c.get('pending', 0) + c.get('sending', 0)}",
                        f"sent {c.get('sent', 0)}",
                        f"failed {c.get('failed', 0)}",
                    )
                ],
                right=(0,),
            )
            if h.last_error:
                out.append(f"    last error: {cell(h.last_error, 200)}")
        return out or ["no webhooks"]

    emit(args.json, {"webhooks": [h.to_json() for h in hooks]}, lines)
    return 0


def _add(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view, secret = webhooks.add_webhook(
            app.db, actor, account=args.integration, url=args.url, kinds=args.events
        )
    emit(
        args.json,
        {"webhook": view.id, "secret": secret, **view.to_json()},
        [
            f"webhook {view.id} for {cell(view.account)}: {cell(view.url, 200)}",
            f"its signing secret (shown once, keep it safe): {secret}",
        ],
    )
    return 0


def _remove(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        dropped = webhooks.remove_webhook(app.db, actor, args.webhook_id)
    emit(
        args.json,
        {"webhook": args.webhook_id, "removed": True, "unsent_dropped": dropped},
        f"webhook {args.webhook_id} removed ({dropped} unsent deliveries dropped)",
    )
    return 0


def _deliveries(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        got = webhooks.list_deliveries(
            app.db, webhook_id=args.webhook, status=args.status, limit=args.limit
        )

    def lines() -> list[str]:
        out: list[str] = []
        for d in got:
            when = d.sent_at or d.next_attempt_at or d.created_at
            out += table(
                [
                    (
                        d.id,
                        f"webhook {d.webhook_id}",
                        f"event {d.event_id}",
                        d.kind,
                        d.status,
                        f"tries {d.attempts}",
                        f"{when:%Y-%m-%d %H:%M:%S}",
                    )
                ],
                right=(0,),
            )
            if d.last_error:
                out.append(f"    last error: {cell(d.last_error, 200)}")
        return out or ["no deliveries"]

    emit(args.json, {"deliveries": [d.to_json() for d in got]}, lines)
    return 0


def _retry(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        n = webhooks.retry(app.db, actor, delivery_id=args.delivery_id, webhook_id=args.webhook)
    emit(args.json, {"queued": n}, f"{n} deliver{'y' if n == 1 else 'ies'} queued again")
    return 0


def _work(args: argparse.Namespace) -> int:
    from wms_terminal.webhooks.sender import SendReport, run, send_due

    def show(report: SendReport) -> None:
        print(
            f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}",
            flush=True,
        )
        for error in report.errors:
            print(f"  {cell(error, 300)}", file=sys.stderr, flush=True)

    with signed_in(args) as (app, actor):
        require(actor, "manage_webhooks")
        if args.once:
            report = send_due(app.db, limit=max(args.limit, 1))
            show(report)
            return 0 if report.failed == 0 else 1
        print("sending webhooks (Ctrl+C stops)", flush=True)
        stop = threading.Event()
        try:
            run(
                app.db,
                interval=max(args.interval, 0.5),
                stop=stop,
                limit=max(args.limit, 1),
                on_pass=lambda r: show(r) if r.sent or r.errors else None,
            )
        except KeyboardInterrupt:
            stop.set()
        return 0
