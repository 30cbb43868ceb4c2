"""Per-account rate limits: a token bucket per account, in this process.

Each account may make `rate` requests per second, in bursts of up to `rate`; beyond that it gets
429 with Retry-After. The buckets live in the server process: one `wms-terminal api` process
serves all its accounts' requests, so this is exact for it. Several API processes behind a load
balancer would each allow the full rate (docs/api.md says so).
"""

from __future__ import annotations

import math
import os
import threading
import time

DEFAULT_RATE = 500  # requests per second per account, unless the account has its own


def default_rate() -> int:
    value = os.environ.get("WMS_API_RATE_LIMIT", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_RATE


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}  # account -> (tokens, at)

    def wait(self, account: int, rate: int) -> float:
        """0 when the request may go now (a token taken); else seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(account, (float(rate), now))
            tokens = min(float(rate), tokens + (now - at) * rate)
            if tokens >= 1:
                self._buckets[account] = (tokens - 1, now)
                return 0.0
            self._buckets[account] = (tokens, now)
            return (1 - tokens) / rate


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
