"""The sender: claims due notices, e-mails them, records each attempt; once or in a loop."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from wms_terminal.core import leases
from wms_terminal.core.db import Database
from wms_terminal.core.models import NoticeStatus
from wms_terminal.core.worker_passes import PassReport, run_passes
from wms_terminal.notices import outbox
from wms_terminal.notices.attachments import AttachmentProblem, attach
from wms_terminal.notices.smtp import SendFailed, SmtpServer, send_message
from wms_terminal.notices.templates import TemplateProblem, render

log = logging.getLogger(__name__)


@dataclass
class SendReport(PassReport):
    # Nobody to send to (no e-mail address): recorded as no_address, not a failure.
    no_address: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: PassReport) -> None:
        super().add(other)
        if isinstance(other, SendReport):
            self.no_address += other.no_address
            self.notes.extend(other.notes)

    def handled(self) -> int:
        return super().handled() + self.no_address


def default_from() -> str:
    return os.environ.get("WMS_SMTP_FROM") or f"wms-terminal@{socket.getfqdn() or 'localhost'}"


def send_due(
    db: Database,
    server: SmtpServer,
    *,
    sender: str | None = None,
    mail_from: str | None = None,
    limit: int = 100,
    base_delay: timedelta = outbox.BASE_DELAY,
    max_attempts: int = outbox.MAX_ATTEMPTS,
) -> SendReport:
    """One pass: claim up to `limit` due notices and try each once."""
    me = sender or leases.worker_name()
    origin = mail_from or default_from()
    report = SendReport()
    claimed = outbox.claim_due(db, me, limit=limit, max_attempts=max_attempts)
    for n, notice in enumerate(claimed):
        if not notice.recipients:
            why = _nobody(notice)
            if outbox.mark_no_address(db, notice.id, me, why):
                report.no_address += 1
                report.notes.append(f"notice {notice.id}: {why}")
            continue
        try:
            try:
                message = render(notice, sender=origin)
            except TemplateProblem as exc:
                # Nothing half-filled goes out: the notice fails with the reason, kept in the
                # outbox for `notices retry` once the template is fixed.
                raise SendFailed(f"template problem: {exc}", permanent=True) from None
            try:
                attach(db, message, notice.data)
            except AttachmentProblem as exc:
                raise SendFailed(str(exc), permanent=True) from None
            if not outbox.hold(db, notice.id, me):
                continue  # our lease ran out and another sender took it over
            send_message(server, message)
        except SendFailed as exc:
            status = outbox.mark_failed(
                db,
                notice.id,
                me,
                exc.message,
                permanent=exc.permanent,
                base_delay=base_delay,
                max_attempts=max_attempts,
            )
            report.errors.append(f"notice {notice.id}: {exc.message}")
            if status == NoticeStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
            log.warning("notice %s attempt %s: %s", notice.id, notice.attempt, exc.message)
            if exc.unreachable:
                # The server is not there: the rest wait for the next pass, no attempt counted.
                outbox.release(db, [c.id for c in claimed[n + 1 :]], me)
                break
        else:
            if outbox.mark_sent(db, notice.id, me):
                report.sent += 1
    return report


def _nobody(notice: outbox.ClaimedNotice) -> str:
    if notice.role == "customer":
        return "no e-mail address: the customer has none"
    return (
        f"no e-mail address: no active user of the role {notice.role}"
        + (f" in warehouse {notice.warehouse}" if notice.warehouse else "")
        + " has one"
    )


def run(
    db: Database,
    server: SmtpServer,
    *,
    interval: float = 10.0,
    stop: threading.Event | None = None,
    limit: int = 100,
    on_pass: object = None,
    before_pass: Callable[[], object] | None = None,
) -> SendReport:
    """Send passes until `stop` is set: the next pass at once while work is due, else after
    `interval` seconds."""
    me = leases.worker_name()

    def one_pass() -> SendReport:
        if before_pass is not None:
            before_pass()  # e.g. queue the follow-ups now due, sent in this pass
        return send_due(db, server, sender=me, limit=limit)

    return run_passes(
        one_pass,
        SendReport(),
        limit=limit,
        interval=interval,
        stop=stop,
        on_pass=on_pass if callable(on_pass) else None,
    )
