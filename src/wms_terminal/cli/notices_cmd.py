"""`wms-terminal notices list|send|retry`: the e-mail outbox.

    wms-terminal notices list [--failed | --status S] [--json]   queued, sent, failed, no_address
    wms-terminal notices send [--once] [--interval S]    the sender: a loop, or one pass
    wms-terminal notices retry ID [--json]               send a failed notice again
    wms-terminal notices followups [--json]              queue the follow-ups due after delivery
    wms-terminal notices opt-out EMAIL [--undo]          no follow-ups to this customer (again)

`send` queues the follow-up e-mails now due (`notices.followups`, WMS_FOLLOWUP_DAYS after
delivery) before each pass; `followups` does only that.

The mail server comes from WMS_SMTP_URL (smtp://, smtp+starttls://, smtps://; see
wms_terminal.notices.smtp) and the sender address from WMS_SMTP_FROM. `send` and `retry` change
data: they log in (--badge with WMS_PIN, or an integration account).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from typing import Any

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core.auth import require
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.core.models.people import NoticeStatus
from wms_terminal.notices import outbox
from wms_terminal.notices.followups import followup_days, queue_followups, set_opt_out
from wms_terminal.notices.sender import SendReport, run, send_due
from wms_terminal.notices.smtp import parse_smtp_url


def register(notices: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    nsub = notices.add_subparsers(dest="notices_command", metavar="ACTION", required=True)
    lst = nsub.add_parser("list", parents=[common], help="list notices, newest first")
    lst.add_argument("--failed", action="store_true", help="only those that failed for good")
    lst.add_argument(
        "--status",
        choices=NoticeStatus.ALL,
        help="only those in this status (no_address: nobody has an e-mail address)",
    )
    lst.add_argument("--limit", type=int, default=200, metavar="N")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=_list)
    send = nsub.add_parser("send", parents=[common], help="send due notices (WMS_SMTP_URL)")
    send.add_argument("--once", action="store_true", help="one pass, then exit")
    send.add_argument(
        "--interval", type=float, default=10.0, metavar="S", help="seconds between passes"
    )
    send.add_argument("--limit", type=int, default=100, metavar="N", help="notices per pass")
    add_auth_arguments(send)
    send.set_defaults(handler=_send)
    again = nsub.add_parser("retry", parents=[common], help="send a failed notice again")
    again.add_argument("notice_id", type=int, metavar="ID")
    again.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(again)
    again.set_defaults(handler=_retry)
    fol = nsub.add_parser(
        "followups", parents=[common], help="queue the follow-up e-mails due after delivery"
    )
    fol.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(fol)
    fol.set_defaults(handler=_followups)
    opt = nsub.add_parser(
        "opt-out", parents=[common], help="no follow-up e-mails to a customer (--undo: again)"
    )
    opt.add_argument("email", metavar="EMAIL", help="the customer's e-mail address")
    opt.add_argument("--undo", action="store_true", help="send follow-ups to them again")
    opt.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(opt)
    opt.set_defaults(handler=_opt_out)


def _list(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        notices = outbox.list_notices(
            app.db, failed_only=args.failed, status=args.status, limit=max(args.limit, 1)
        )

    def lines() -> list[str]:
        if not notices:
            wanted = "failed" if args.failed else args.status
            return [f"no {wanted} notices" if wanted else "no notices"]
        rows = table(
            (
                (
                    n.id,
                    n.status,
                    f"tries {n.attempts}",
                    f"{n.sent_at or n.next_attempt_at or n.created_at:%Y-%m-%d %H:%M}",
                    n.subject,
                )
                for n in notices
            ),
            right=(0,),
        )
        out: list[str] = []
        for row, n in zip(rows, notices, strict=True):
            out.append(row)
            if n.last_error:
                out.append(f"        last error: {cell(n.last_error, 200)}")
        return out

    emit(args.json, {"notices": [n.to_json() for n in notices]}, lines)
    return 0


def _server_from_env() -> Any:
    url = os.environ.get("WMS_SMTP_URL", "").strip()
    if not url:
        raise ConfigurationError(
            "set WMS_SMTP_URL to the mail server, e.g. smtp://mail.example.com:25 "
            "(smtp+starttls:// or smtps:// for TLS, user:password@ to log in)"
        )
    return parse_smtp_url(url)


def _print_report(report: SendReport) -> None:
    print(
        f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}, "
        f"no e-mail address {report.no_address}",
        flush=True,
    )
    for note in report.notes:
        print(f"  {cell(note, 300)}", flush=True)
    for error in report.errors:
        print(f"  {cell(error, 300)}", file=sys.stderr, flush=True)


def _send(args: argparse.Namespace) -> int:
    server = _server_from_env()
    days = followup_days()
    with signed_in(args) as (app, actor):
        require(actor, "manage_notices")
        if args.once:
            queue_followups(app.db, days=days)
            report = send_due(app.db, server, limit=max(args.limit, 1))
            _print_report(report)
            return 0 if report.failed == 0 else 1
        print(f"sending notices through {server.describe()} (Ctrl+C stops)", flush=True)
        stop = threading.Event()
        try:
            run(
                app.db,
                server,
                interval=max(args.interval, 0.5),
                stop=stop,
                limit=max(args.limit, 1),
                on_pass=lambda r: _print_report(r) if r.sent or r.errors or r.notes else None,
                before_pass=lambda: queue_followups(app.db, days=days),
            )
        except KeyboardInterrupt:
            stop.set()
        return 0


def _retry(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        view = outbox.retry(app.db, actor, args.notice_id)
    emit(args.json, view.to_json(), f"notice {view.id} queued again: {cell(view.subject)}")
    return 0


def _followups(args: argparse.Namespace) -> int:
    days = followup_days()
    with signed_in(args) as (app, actor):
        require(actor, "manage_notices")
        queued = queue_followups(app.db, days=days)
    emit(
        args.json,
        {"queued": queued, "days": days},
        f"{queued} follow-up notice(s) queued ({days} day(s) after delivery)",
    )
    return 0


def _opt_out(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        changed = set_opt_out(app.db, actor, args.email, opted_out=not args.undo)
    state = "no follow-up e-mails" if not args.undo else "follow-up e-mails again"
    email = args.email.strip().lower()
    emit(
        args.json,
        {"email": email, "followup_opt_out": not args.undo, "changed": changed},
        f"{cell(email)}: {state} ({changed} customer(s) changed)",
    )
    return 0
