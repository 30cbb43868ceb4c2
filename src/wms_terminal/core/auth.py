"""Users, roles, badge + PIN log-in and the permission checks every service uses."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from wms_terminal.core.audit import record
from wms_terminal.core.codes import BADGE_ALPHABET, badge_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed, PermissionDenied, ValidationError
from wms_terminal.core.models import AccountPermission, Role, User, UserKind, UserRole

# Argon2id with moderate cost: a log-in at a terminal should answer in well under a second.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)

# What each role may do; supervisors and managers can do everything pickers and packers can.
_FLOOR = frozenset({"pick", "count", "move_stock", "receive"})
_SUPERVISE = frozenset(
    {"pack", "plan_wave", "release_wave", "adjust_stock", "import_orders", "cancel_order"}
    | {"manage_purchasing", "handle_returns", "read_orders", "read_stock"}
    # A channel's payment provider and carts (integration accounts are granted these).
    | {"record_payment", "hold_stock"}
)
# The sales desk: quotes to business customers and their invoices; the books go to managers.
_SALES = frozenset({"manage_quotes", "manage_invoices"})
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PICKER: _FLOOR,
    Role.PACKER: frozenset({"pack", "handle_returns"}),
    Role.SUPERVISOR: _FLOOR
    | _SUPERVISE
    | _SALES
    | {"manage_notices", "release_tote", "approve_weight", "read_events"},
    Role.MANAGER: _FLOOR
    | _SUPERVISE
    | _SALES
    | {"manage_users", "manage_notices", "release_tote", "approve_weight", "export_accounting"}
    | {"read_events", "manage_webhooks", "settle_payments"}
    | {"manage_credit", "approve_credit"},
}
# What an integration account may be granted (`integrations add --permission P`): any permission
# some role has. A new permission added to a role above can be granted at once.
GRANTABLE: frozenset[str] = frozenset().union(*PERMISSIONS.values())


@dataclass(frozen=True)
class Actor:
    """Who does something, and from which terminal: handed to every service call."""

    user_id: int | None
    username: str
    role: str
    terminal: str = ""
    # An integration account's own permissions (account_permission rows): checked instead of
    # its role's. None for people and for accounts without listed permissions.
    grants: frozenset[str] | None = None

    def can(self, permission: str) -> bool:
        if self.grants is not None:
            return permission in self.grants
        return permission in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class Refusal:
    """Why a log-in was refused: the operator message, and for a wrong PIN (or secret) how many
    tries are left before the lock-out."""

    message: str
    tries_left: int | None = None
    locked: bool = False


@dataclass(frozen=True)
class SignedIn:
    """A successful badge + PIN: the Actor in the user's first role, and every role they hold."""

    actor: Actor
    roles: tuple[str, ...]


SYSTEM = Actor(user_id=None, username="system", role=Role.MANAGER, terminal="system")


def require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise PermissionDenied(
            f"{actor.username} ({actor.role}) may not {permission.replace('_', ' ')}"
        )


def hash_pin(pin: str) -> str:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("a PIN is 4 to 8 digits")
    return _hasher.hash(pin)


MIN_SECRET = 16


def hash_secret(secret: str) -> str:
    """An integration account's secret: at least MIN_SECRET printable characters."""
    if len(secret) < MIN_SECRET or not secret.isprintable() or secret != secret.strip():
        raise ValidationError(
            f"an account secret is at least {MIN_SECRET} printable characters, no outer spaces"
        )
    return _hasher.hash(secret)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def key_digest(key: str) -> str:
    """SHA-256 hex of a generated secret used as an API key. Enough for 192 random bits: no
    guessing list exists to slow down, so argon2's cost (tens of ms) would only cap requests/s."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def grants_of(session: Session, user_id: int) -> frozenset[str] | None:
    """An account's listed permissions, or None when it has none listed (its role decides)."""
    rows = session.exec(
        select(AccountPermission.permission).where(AccountPermission.user_id == user_id)
    ).all()
    return frozenset(rows) if rows else None


def new_badge_code(rng: secrets.SystemRandom | None = None) -> str:
    choice = (rng or secrets.SystemRandom()).choice
    return badge_code("".join(choice(BADGE_ALPHABET) for _ in range(8)))


def create_user(
    session: Session,
    *,
    username: str,
    name: str,
    role: str,
    pin: str,
    badge: str | None = None,
    warehouse_id: int | None = None,
    email: str = "",
    kind: str = UserKind.PERSON,
) -> User:
    """A person (`pin` is the PIN) or an integration account (`pin` is its secret)."""
    if role not in Role.ALL:
        raise ValidationError(f"unknown role {role!r}; one of {', '.join(Role.ALL)}")
    if kind not in UserKind.ALL:
        raise ValidationError(f"unknown user kind {kind!r}; one of {', '.join(UserKind.ALL)}")
    user = User(
        username=username,
        name=name,
        role=role,
        kind=kind,
        badge_code=badge or new_badge_code(),
        pin_hash=hash_pin(pin) if kind == UserKind.PERSON else hash_secret(pin),
        warehouse_id=warehouse_id,
        email=email,
    )
    session.add(user)
    session.flush()
    return user


def check_login(session: Session, *, badge: str, pin: str, terminal: str = "") -> Actor | str:
    """Check badge + PIN: the Actor, or the operator message of the refusal.

    Never raises for a refusal, so that the caller commits the failed-attempt count, the lock and
    the audit line (a raise would roll them back and make the lock-out toothless).
    """
    outcome = sign_in(session, badge=badge, pin=pin, terminal=terminal)
    return outcome.message if isinstance(outcome, Refusal) else outcome.actor


def sign_in(session: Session, *, badge: str, pin: str, terminal: str = "") -> SignedIn | Refusal:
    """`check_login` with the roles the user holds, and for a refusal the tries left."""
    user = _locked_row(session, User.badge_code == badge.strip(), UserKind.PERSON)
    if user is None:
        return Refusal("unknown badge")
    outcome = _verify(session, user, pin, terminal, what=("PIN", "badge"))
    if isinstance(outcome, Refusal):
        return outcome
    return SignedIn(outcome, roles_of(session, user))


@dataclass(frozen=True)
class BadgeState:
    """What a scanned badge is, before any PIN: unknown (or inactive), locked, or usable."""

    known: bool
    locked: bool = False


def badge_state(session: Session, badge: str) -> BadgeState:
    """Read only (no count, no audit): whether a badge is worth asking a PIN for."""
    user = session.exec(
        select(User).where(User.badge_code == badge.strip(), User.kind == UserKind.PERSON)
    ).first()
    if user is None or not user.active:
        return BadgeState(known=False)
    locked = user.locked_until is not None and _aware(user.locked_until) > datetime.now(UTC)
    return BadgeState(known=True, locked=locked)


def roles_of(session: Session, user: User) -> tuple[str, ...]:
    """The user's first role, then any others they hold, in the order of Role.ALL."""
    extra = set(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    return (user.role, *(r for r in Role.ALL if r in extra and r != user.role))


def record_role(session: Session, actor: Actor, *, asked: str | None = None) -> None:
    """The audit line of the role a user with several roles works in at this terminal (chosen at
    the prompt, or the one `run --role` asked for), or of a role asked for that they lack."""
    record(
        session,
        action="login_role" if asked is None else "login_role_refused",
        user_id=actor.user_id,
        terminal=actor.terminal,
        entity="user",
        entity_id=str(actor.user_id),
        role=actor.role if asked is None else asked,
    )


def check_account(
    session: Session, *, account: str, secret: str, terminal: str = ""
) -> Actor | str:
    """Check an integration account's name + secret, counted and locked like badge + PIN."""
    user = _locked_row(session, User.username == account.strip(), UserKind.INTEGRATION)
    if user is None:
        return "unknown integration account"
    outcome = _verify(session, user, secret, terminal, what=("secret", "account"))
    if isinstance(outcome, Refusal):
        return outcome.message
    assert user.id is not None
    return replace(outcome, grants=grants_of(session, user.id))


def _locked_row(session: Session, where: Any, kind: str) -> User | None:
    """The active user row of that kind, locked until the transaction ends (PostgreSQL:
    FOR UPDATE; SQLite: the log-in transaction holds the write lock from BEGIN IMMEDIATE), so
    that concurrent guesses are counted one after the other: at most MAX_FAILED_LOGINS tries
    are ever checked before the lock-out, however many terminals guess at once."""
    user = session.exec(
        select(User)
        .where(where, User.kind == kind)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if user is None or not user.active:
        return None
    return user


def _verify(
    session: Session, user: User, secret: str, terminal: str, *, what: tuple[str, str]
) -> Actor | Refusal:
    word, holder = what
    now = datetime.now(UTC)
    if user.locked_until is not None and _aware(user.locked_until) > now:
        record(
            session,
            action="login_refused_locked",
            user_id=user.id,
            terminal=terminal,
            entity="user",
            entity_id=str(user.id),
        )
        return Refusal(f"too many wrong {word}s: {holder} locked for a few minutes", locked=True)
    try:
        _hasher.verify(user.pin_hash, secret)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        locked = user.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.add(user)
        record(
            session,
            action="login_failed",
            user_id=user.id,
            terminal=terminal,
            entity="user",
            entity_id=str(user.id),
            locked=locked,
        )
        if locked:
            return Refusal(f"wrong {word}: {holder} now locked for a few minutes", locked=True)
        left = MAX_FAILED_LOGINS - user.failed_logins
        return Refusal(f"wrong {word}: {left} {'try' if left == 1 else 'tries'} left", left)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    record(
        session,
        action="login",
        user_id=user.id,
        terminal=terminal,
        entity="user",
        entity_id=str(user.id),
    )
    assert user.id is not None
    return Actor(user_id=user.id, username=user.username, role=user.role, terminal=terminal)


def login(session: Session, *, badge: str, pin: str, terminal: str = "") -> Actor:
    """`check_login` that raises AuthenticationFailed; the caller's transaction decides whether
    the failure is counted (prefer `authenticate`, which always counts it)."""
    outcome = check_login(session, badge=badge, pin=pin, terminal=terminal)
    if isinstance(outcome, str):
        raise AuthenticationFailed(outcome)
    return outcome


def authenticate(db: Database, *, badge: str, pin: str, terminal: str = "") -> Actor:
    """Log in: one transaction that commits success or failure alike, then raises on failure."""
    outcome = db.run(
        lambda s: check_login(s, badge=badge, pin=pin, terminal=terminal), what="log-in"
    )
    if isinstance(outcome, str):
        raise AuthenticationFailed(outcome)
    return outcome


def authenticate_account(db: Database, *, account: str, secret: str, terminal: str = "") -> Actor:
    """`authenticate` for an integration account (name + secret)."""
    outcome = db.run(
        lambda s: check_account(s, account=account, secret=secret, terminal=terminal),
        what="log-in",
    )
    if isinstance(outcome, str):
        raise AuthenticationFailed(outcome)
    return outcome


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
