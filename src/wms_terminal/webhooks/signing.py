"""The signature of a webhook delivery, and its check (what a receiver does; docs/events.md).

    X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>

The timestamp inside the signed text lets a receiver refuse an old delivery replayed by someone
who recorded it (`verify(..., tolerance=...)`).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-WMS-Signature"
EVENT_ID_HEADER = "X-WMS-Event-Id"
EVENT_KIND_HEADER = "X-WMS-Event"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    tolerance: int = TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Whether `header` signs `body` under `secret`, made at most `tolerance` seconds ago."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - stamp) > tolerance:
        return False
    expected = sign(secret, body, stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
