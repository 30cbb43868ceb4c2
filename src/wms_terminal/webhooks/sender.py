"""The webhook sender: claims due deliveries, POSTs each event signed, records each try.

A 2xx answer is a delivery. Anything else (another status, no answer within the timeout, a
dropped or refused connection) is a failed try, due again after a back-off
(`core.webhook_deliveries`), failed for good out of attempts. After a failed try the rest of
that webhook's deliveries claimed in the pass go back untried: a dead endpoint costs one
attempt per pass, not one per event.
Redirects are not followed (a POST that moved is a failure to look at, not to guess at).
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from wms_terminal.core import leases, webhook_deliveries
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.models import WebhookDeliveryStatus
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.worker_passes import PassReport, run_passes

from .signing import EVENT_ID_HEADER, EVENT_KIND_HEADER, SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)
USER_AGENT = "wms-terminal-webhooks/1"


class PostFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SendReport(PassReport):
    """What one pass of the webhook sender did."""


def body_of(delivery: webhook_deliveries.ClaimedDelivery) -> bytes:
    return json.dumps(delivery.event.to_json(), separators=(",", ":"), sort_keys=True).encode()


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST `body` to `url`; the HTTP status. PostFailed when there is no answer."""
    parts = urlsplit(url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(64 * 1024)
        return answer.status
    except TimeoutError as exc:
        raise PostFailed(f"no answer within {timeout:g} s") from exc
    except ConnectionRefusedError as exc:
        raise PostFailed("connection refused") from exc
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
        raise PostFailed("connection dropped before an answer") from exc
    except ssl.SSLError as exc:
        raise PostFailed(f"TLS: {exc.reason or exc}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise PostFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    finally:
        conn.close()


def send_due(
    db: Database,
    *,
    sender: str | None = None,
    limit: int = 50,
    timeout: float = webhook_deliveries.TIMEOUT_S,
    base_delay: timedelta = webhook_deliveries.BASE_DELAY,
    max_attempts: int = webhook_deliveries.MAX_ATTEMPTS,
) -> SendReport:
    """One pass: claim up to `limit` due deliveries and try each once."""
    me = sender or leases.worker_name()
    report = SendReport()
    claimed = webhook_deliveries.claim_due(db, me, limit=limit, max_attempts=max_attempts)
    down: set[int] = set()  # webhooks that failed in this pass
    ours: set[int] = set()
    held_until = utcnow()
    for n, d in enumerate(claimed):
        if d.webhook_id in down:
            continue
        # A POST starts only with room for its timeout left on the lease: when the room runs
        # short, the rest of the pass is held again in one statement, and a delivery another
        # sender took over meanwhile (our lease ran out) is skipped.
        if utcnow() + timedelta(seconds=2 * timeout) >= held_until:
            ours, held_until = webhook_deliveries.hold(db, [c.id for c in claimed[n:]], me)
        if d.id not in ours:
            continue
        body = body_of(d)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: str(d.event.id),
            EVENT_KIND_HEADER: d.event.kind,
            SIGNATURE_HEADER: sign(d.secret, body, int(time.time())),
        }
        try:
            status = post(d.url, body, headers, timeout=timeout)
            if not 200 <= status < 300:
                raise PostFailed(f"HTTP {status}")
        except PostFailed as exc:
            outcome = webhook_deliveries.mark_failed(
                db, d.id, me, exc.message, base_delay=base_delay, max_attempts=max_attempts
            )
            report.errors.append(f"webhook {d.webhook_id} event {d.event.id}: {exc.message}")
            if outcome == WebhookDeliveryStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
            log.warning("webhook %s event %s try %s: %s", d.webhook_id, d.event.id, d.attempt,
                        exc.message)  # fmt: skip
            down.add(d.webhook_id)
            rest = [c.id for c in claimed[n + 1 :] if c.webhook_id == d.webhook_id]
            webhook_deliveries.release(db, rest, me)
        else:
            if webhook_deliveries.mark_sent(db, d.id, me):
                report.sent += 1
    return report


def run(
    db: Database,
    *,
    interval: float = 5.0,
    stop: threading.Event | None = None,
    limit: int = 50,
    on_pass: Callable[[SendReport], object] | None = None,
) -> SendReport:
    """Passes until `stop` is set: the next at once while a full pass was sent, else after
    `interval` seconds; a lost database is logged and tried again."""
    me = leases.worker_name()

    def one_pass() -> SendReport:
        try:
            return send_due(db, sender=me, limit=limit)
        except WmsError as exc:
            log.warning("webhook sender: %s", exc.message)
            return SendReport()

    return run_passes(
        one_pass, SendReport(), limit=limit, interval=interval, stop=stop, on_pass=on_pass
    )
