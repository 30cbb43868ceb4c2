"""Managing users: add, list, unlock, deactivate and activate, reset a PIN or secret, set roles.

Everything here needs the `manage_users` permission (managers), is one transaction and is audited,
with one exception: the first user of a database with no users at all, which must be a manager and
needs no log-in (nobody could log in yet). After that, the last active manager can be neither
deactivated nor given another role, so a database never ends up with nobody to manage users.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import (
    GRANTABLE,
    Actor,
    _aware,
    create_user,
    grants_of,
    hash_pin,
    hash_secret,
    key_digest,
    new_secret,
    require,
    roles_of,
)
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, PermissionDenied, ValidationError
from wms_terminal.core.models import AccountPermission, Role, User, UserKind, UserRole
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.sequences import allocate


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    name: str
    role: str
    kind: str
    badge: str
    active: bool
    locked: bool
    roles: tuple[str, ...] = ()  # every role held, `role` first (one is chosen at sign-in)

    def to_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "name": self.name,
            "role": self.role,
            "roles": list(self.roles or (self.role,)),
            "kind": self.kind,
            "badge": self.badge if self.kind == UserKind.PERSON else None,
            "active": self.active,
            "locked": self.locked,
        }


@dataclass(frozen=True)
class NewUser:
    info: UserInfo
    bootstrap: bool  # the first user of an empty database, added without a log-in
    secret: str = ""  # an integration account's generated secret, shown once


def no_users_yet(db: Database) -> bool:
    with db.reading() as s:
        return s.exec(select(func.count()).select_from(User)).one() == 0


def add_user(
    db: Database,
    actor: Actor | None,
    *,
    name: str,
    role: str,
    pin: str,
    username: str | None = None,
) -> NewUser:
    """A person with a new badge. `actor` None only for the first user of an empty database."""
    name = _clean_name(name)
    hash_pin(pin)  # refuse a bad PIN before anything else

    def work(s: Session) -> NewUser:
        bootstrap = _check_adder(s, actor, role)
        user = create_user(s, username=_username(s, username, name), name=name, role=role, pin=pin)
        _audit(s, actor, "user_added", user, bootstrap=bootstrap)
        return NewUser(_info(s, user), bootstrap)

    return db.run(work, what="add user")


def add_account(
    db: Database,
    actor: Actor,
    *,
    name: str,
    role: str,
    secret: str | None = None,
    permissions: Sequence[str] | None = None,
    rate_limit: int | None = None,
) -> NewUser:
    """An integration account NAME (a script, an ERP link) with a secret (generated if None).

    A generated secret is also the account's API key (its SHA-256 is stored for the lookup); a
    chosen one is not (it may be guessable). `permissions`: what the account may do, checked
    instead of its role's permissions; `rate_limit`: API requests per second."""
    name = _clean_name(name)
    generated = secret is None
    secret = secret if secret is not None else new_secret()
    hash_secret(secret)
    grants = _check_grants(permissions)
    if rate_limit is not None and not 1 <= rate_limit <= 100_000:
        raise ValidationError("a rate limit is 1 to 100000 requests per second")

    def work(s: Session) -> NewUser:
        _check_adder(s, actor, role, person=False)
        user = create_user(
            s,
            username=_username(s, name, name),
            name=name,
            role=role,
            pin=secret,
            kind=UserKind.INTEGRATION,
        )
        user.key_digest = key_digest(secret) if generated else None
        user.rate_limit = rate_limit
        s.add(user)
        assert user.id is not None
        s.add_all(AccountPermission(user_id=user.id, permission=p) for p in grants)
        s.flush()
        _audit(s, actor, "account_added", user, permissions=list(grants), rate_limit=rate_limit)
        return NewUser(_info(s, user), False, secret)

    return db.run(work, what="add account")


def _check_grants(permissions: Sequence[str] | None) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(p.strip().lower() for p in permissions or ()))
    unknown = [p for p in wanted if p not in GRANTABLE]
    if unknown:
        raise ValidationError(
            f"unknown permission(s) {', '.join(map(repr, unknown))}; "
            f"one of {', '.join(sorted(GRANTABLE))}"
        )
    return wanted


def set_permissions(db: Database, actor: Actor, who: str, permissions: Sequence[str]) -> list[str]:
    """Replace what integration account `who` may do (at least one permission)."""
    grants = _check_grants(permissions)
    if not grants:
        raise ValidationError("give at least one permission (to stop an account: revoke it)")

    def work(s: Session) -> list[str]:
        user = _target(s, actor, who)
        if user.kind != UserKind.INTEGRATION:
            raise ValidationError(f"{user.username} is a person: people's roles decide")
        assert user.id is not None
        old = grants_of(s, user.id)
        for row in s.exec(
            select(AccountPermission).where(AccountPermission.user_id == user.id)
        ).all():
            s.delete(row)
        s.flush()
        s.add_all(AccountPermission(user_id=user.id, permission=p) for p in grants)
        s.flush()
        _audit(
            s,
            actor,
            "account_permissions_changed",
            user,
            old=sorted(old or ()),
            new=sorted(grants),
        )
        return sorted(grants)

    return db.run(work, what="change permissions")


def list_users(db: Database, actor: Actor, *, include_inactive: bool = False) -> list[UserInfo]:
    require(actor, "manage_users")
    with db.reading() as s:
        q = select(User).order_by(col(User.kind).desc(), User.role, User.username)
        if not include_inactive:
            q = q.where(col(User.active).is_(True))
        extra: dict[int, set[str]] = {}
        for uid, role in s.exec(select(UserRole.user_id, UserRole.role)).all():
            extra.setdefault(uid, set()).add(role)
        return [_info(s, u, extra.get(u.id or 0, set())) for u in s.exec(q).all()]


def unlock(db: Database, actor: Actor, who: str) -> UserInfo:
    """Lift a lock-out after wrong PINs (or secrets) and reset the count."""

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        user.locked_until = None
        user.failed_logins = 0
        s.add(user)
        _audit(s, actor, "user_unlocked", user)
        return _info(s, user)

    return db.run(work, what="unlock user")


def set_active(db: Database, actor: Actor, who: str, *, active: bool) -> UserInfo:
    """Deactivate (no log-in any more; history keeps the name) or activate again."""

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        if not active and user.active:
            _keep_a_manager(s, user)
        user.active = active
        s.add(user)
        _audit(s, actor, "user_activated" if active else "user_deactivated", user)
        return _info(s, user)

    return db.run(work, what="activate user" if active else "deactivate user")


def revoke_account(db: Database, actor: Actor, who: str) -> UserInfo:
    """Stop an integration account: deactivated and its API key forgotten, at once. `users
    activate` lets it log in again by name + secret; `users reset-secret` gives it a new key."""

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        if user.kind != UserKind.INTEGRATION:
            raise ValidationError(f"{user.username} is a person: use `users deactivate`")
        user.active = False
        user.key_digest = None
        s.add(user)
        _audit(s, actor, "account_revoked", user)
        return _info(s, user)

    return db.run(work, what="revoke account")


def set_roles(db: Database, actor: Actor, who: str, roles: Sequence[str]) -> UserInfo:
    """The roles a user holds, the first one their main role (offered first at sign-in); with
    several, they choose one when they sign in. The last active manager keeps the manager role."""
    wanted = tuple(dict.fromkeys(r.strip().lower() for r in roles))
    if not wanted:
        raise ValidationError("give at least one role")
    for role in wanted:
        if role not in Role.ALL:
            raise ValidationError(f"unknown role {role!r}; one of {', '.join(Role.ALL)}")

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        old = roles_of(s, user)
        if Role.MANAGER in old and Role.MANAGER not in wanted:
            _keep_a_manager(s, user)
        user.role = wanted[0]
        s.add(user)
        for row in s.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
            s.delete(row)
        s.flush()
        assert user.id is not None
        s.add_all(UserRole(user_id=user.id, role=r) for r in wanted[1:])
        s.flush()
        _audit(s, actor, "user_role_changed", user, old_roles=list(old), new_roles=list(wanted))
        return _info(s, user)

    return db.run(work, what="change role")


def reset_pin(db: Database, actor: Actor, who: str, pin: str) -> UserInfo:
    """A new PIN for a person; also lifts a lock-out."""
    pin_hash = hash_pin(pin)

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        if user.kind != UserKind.PERSON:
            raise ValidationError(f"{user.username} is an integration account: use reset-secret")
        _set_credential(s, actor, user, pin_hash, "user_pin_reset")
        return _info(s, user)

    return db.run(work, what="reset PIN")


def reset_secret(db: Database, actor: Actor, who: str) -> tuple[UserInfo, str]:
    """A new generated secret for an integration account (shown once); lifts a lock-out."""
    secret = new_secret()
    secret_hash = hash_secret(secret)

    def work(s: Session) -> UserInfo:
        user = _target(s, actor, who)
        if user.kind != UserKind.INTEGRATION:
            raise ValidationError(f"{user.username} is a person: use reset-pin")
        user.key_digest = key_digest(secret)  # the old key stops working with the old secret
        _set_credential(s, actor, user, secret_hash, "account_secret_reset")
        return _info(s, user)

    return db.run(work, what="reset secret"), secret


def _set_credential(s: Session, actor: Actor, user: User, hashed: str, action: str) -> None:
    user.pin_hash = hashed
    user.locked_until = None
    user.failed_logins = 0
    s.add(user)
    _audit(s, actor, action, user)


def _check_adder(s: Session, actor: Actor | None, role: str, *, person: bool = True) -> bool:
    """True when this is the bootstrap (first user, no log-in); else the actor must manage users."""
    if role not in Role.ALL:
        raise ValidationError(f"unknown role {role!r}; one of {', '.join(Role.ALL)}")
    if actor is not None:
        require(actor, "manage_users")
        return False
    # No log-in: only the very first user, a manager. Bootstraps take their turn on one counter
    # row (its UPDATE holds the row lock to commit), so a second one at the same moment waits,
    # then sees the first user (READ COMMITTED: a new snapshot per statement) and is refused.
    # On SQLite BEGIN IMMEDIATE already runs them one after the other.
    allocate(s, "first_user")
    if s.exec(select(func.count()).select_from(User)).one() != 0:
        raise PermissionDenied(
            "users exist already: log in as a manager (--badge B with WMS_PIN) to add users"
        )
    if not person or role != Role.MANAGER:
        raise ValidationError("the first user of a new database must be a manager (a person)")
    return True


def _keep_a_manager(s: Session, user: User) -> None:
    """Refuse to take away the last active manager (the manager rows are locked meanwhile): a
    person holding the manager role, as their main role or as one of several."""
    if Role.MANAGER not in roles_of(s, user) or user.kind != UserKind.PERSON:
        return
    also = select(UserRole.user_id).where(UserRole.role == Role.MANAGER)
    managers = s.exec(
        select(User.id)
        .where(
            or_(col(User.role) == Role.MANAGER, col(User.id).in_(also)),
            col(User.active).is_(True),
            User.kind == UserKind.PERSON,
        )
        .with_for_update()
    ).all()
    if set(managers) <= {user.id}:
        raise ValidationError(
            f"{user.username} is the last active manager: add or promote another manager first"
        )


def _target(s: Session, actor: Actor, who: str) -> User:
    require(actor, "manage_users")
    key = who.strip()
    user = s.exec(
        select(User)
        .where((User.username == key) | (User.badge_code == key))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if user is None:
        raise NotFound(f"no user or badge {key!r}")
    return user


def _info(s: Session, user: User, extra: set[str] | None = None) -> UserInfo:
    """`extra`: the user's other roles when already read (a list), else read here."""
    assert user.id is not None
    if extra is None:
        roles = roles_of(s, user)
    else:
        roles = (user.role, *(r for r in Role.ALL if r in extra and r != user.role))
    locked = user.locked_until is not None and _aware(user.locked_until) > utcnow()
    return UserInfo(
        id=user.id,
        username=user.username,
        name=user.name,
        role=user.role,
        kind=user.kind,
        badge=user.badge_code,
        active=user.active,
        locked=locked,
        roles=roles,
    )


def _audit(s: Session, actor: Actor | None, action: str, user: User, **detail: Any) -> None:
    record(
        s,
        action=action,
        user_id=actor.user_id if actor else None,
        terminal=actor.terminal if actor else "",
        entity="user",
        entity_id=str(user.id),
        username=user.username,
        role=user.role,
        **detail,
    )


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValidationError("a name is 1 to 120 characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in name):
        raise ValidationError("a name may not hold control or invisible characters")
    return name


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def _username(s: Session, wanted: str | None, name: str) -> str:
    """The username asked for (refused when taken), or one made from the name (made unique)."""
    if wanted:
        wanted = wanted.strip().lower()
        if not _USERNAME.match(wanted):
            raise ValidationError(
                f"username {wanted!r}: 1 to 40 of a-z, 0-9, '.', '_', '-', starting with a letter "
                "or digit"
            )
        if s.exec(select(User.id).where(User.username == wanted)).first() is not None:
            raise ValidationError(f"username {wanted!r} is taken")
        return wanted
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:34] or "user"
    taken = set(s.exec(select(User.username).where(col(User.username).startswith(base))).all())
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate
