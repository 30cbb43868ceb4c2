"""Integration accounts as the API sees them: who a key belongs to, and the list for managers.

A key is an account's generated secret (192 random bits); the API finds its account by the key's
SHA-256 (`core.auth.key_digest`) in one indexed read: no argon2 per request (the API server keeps
a found key for a second, `api.auth.KeyCache`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from wms_terminal.core.auth import Actor, key_digest, require
from wms_terminal.core.db import Database
from wms_terminal.core.models import AccountPermission, User, UserKind


@dataclass(frozen=True)
class KeyAccount:
    actor: Actor
    rate_limit: int | None  # requests per second; None: the server's default


@dataclass(frozen=True)
class AccountInfo:
    username: str
    name: str
    role: str
    active: bool
    has_key: bool
    permissions: tuple[str, ...]  # empty: the role's permissions apply
    rate_limit: int | None

    def to_json(self) -> dict[str, object]:
        return {
            "account": self.username,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "has_key": self.has_key,
            "permissions": list(self.permissions),
            "rate_limit": self.rate_limit,
        }


def account_for_key(db: Database, key: str, *, terminal: str = "api") -> KeyAccount | None:
    """The active integration account whose API key this is, or None."""
    if not key or len(key) > 200:
        return None
    digest = key_digest(key)
    with db.reading() as s:
        rows = s.execute(
            sa_select(
                col(User.id),
                col(User.username),
                col(User.role),
                col(User.rate_limit),
                col(AccountPermission.permission),
            )
            .outerjoin(AccountPermission, col(AccountPermission.user_id) == col(User.id))
            .where(
                col(User.key_digest) == digest,
                col(User.kind) == UserKind.INTEGRATION,
                col(User.active).is_(True),
            )
        ).all()
    if not rows:
        return None
    uid, username, role, rate, _ = rows[0]
    grants = frozenset(r[4] for r in rows if r[4] is not None)
    actor = Actor(uid, username, role, terminal, grants=grants or None)
    return KeyAccount(actor, rate)


def list_accounts(
    db: Database, actor: Actor, *, include_revoked: bool = False
) -> list[AccountInfo]:
    require(actor, "manage_users")
    with db.reading() as s:
        q = select(User).where(col(User.kind) == UserKind.INTEGRATION).order_by(col(User.username))
        if not include_revoked:
            q = q.where(col(User.active).is_(True))
        users = s.exec(q).all()
        grants: dict[int, list[str]] = {}
        for uid, perm in s.exec(
            select(AccountPermission.user_id, AccountPermission.permission).order_by(
                col(AccountPermission.permission)
            )
        ).all():
            grants.setdefault(uid, []).append(perm)
    return [
        AccountInfo(
            username=u.username,
            name=u.name,
            role=u.role,
            active=u.active,
            has_key=u.key_digest is not None,
            permissions=tuple(grants.get(u.id or 0, ())),
            rate_limit=u.rate_limit,
        )
        for u in users
    ]
