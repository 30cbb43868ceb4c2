"""Who calls: `Authorization: Bearer KEY` names an integration account (core.api_keys).

Every route takes `Depends(require("permission"))`, which answers 401 without a key of an active
account, 429 over the account's rate limit, 403 without the permission, and otherwise hands the
route the account's Actor (its permissions checked again by the core services it calls).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wms_terminal.api.errors import ApiError
from wms_terminal.api.limits import RateLimiter, retry_after
from wms_terminal.core.api_keys import KeyAccount, account_for_key
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database

KEY_TTL_S = 1.0

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="IntegrationKey",
    description="an integration account's key: `wms-terminal integrations add --name N`",
)


async def database(request: Request) -> Database:
    """The app's database (async: no I/O, so no hop to the thread pool)."""
    db: Database = request.app.state.db
    return db


def require(permission: str) -> Callable[..., Awaitable[Actor]]:
    """The dependency of a route that needs `permission` (a core.auth permission name)."""

    async def check(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ) -> Actor:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "authorization needed: Authorization: Bearer KEY", _challenge())
        keys: KeyCache = request.app.state.keys
        key = credentials.credentials.strip()
        # A key seen in the last second is answered here; else looked up in the thread pool.
        account = keys.cached(key) or await run_in_threadpool(keys.get, request.app.state.db, key)
        if account is None:
            raise ApiError(401, "unknown or revoked key", _challenge())
        limiter: RateLimiter = request.app.state.limiter
        rate = account.rate_limit or request.app.state.default_rate
        assert account.actor.user_id is not None
        wait = limiter.wait(account.actor.user_id, rate)
        if wait > 0:
            raise ApiError(
                429,
                f"rate limit of {rate} request(s) per second reached",
                {"Retry-After": retry_after(wait)},
            )
        if not account.actor.can(permission):
            raise ApiError(
                403, f"account {account.actor.username} may not {permission.replace('_', ' ')}"
            )
        return account.actor

    return check


class KeyCache:
    """Keys found in the last KEY_TTL_S seconds: a busy channel's requests skip the lookup. A
    revoked or changed account is refused or changed at most KEY_TTL_S later; unknown keys are
    not remembered (each is looked up)."""

    def __init__(self, ttl: float = KEY_TTL_S) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._found: dict[str, tuple[float, KeyAccount]] = {}

    def cached(self, key: str) -> KeyAccount | None:
        with self._lock:
            hit = self._found.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def get(self, db: Database, key: str) -> KeyAccount | None:
        now = time.monotonic()
        hit = self.cached(key)
        if hit is not None:
            return hit
        account = account_for_key(db, key)
        with self._lock:
            if account is None:
                self._found.pop(key, None)
            else:
                if len(self._found) > 10_000:  # never grows without bound
                    self._found.clear()
                self._found[key] = (now + self._ttl, account)
        return account


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": "Bearer"}
