"""Badge + PIN log-in: failures are counted and audited even though the log-in is refused."""

from __future__ import annotations

import pytest
from sqlmodel import select

from wms_terminal.core.auth import MAX_FAILED_LOGINS, authenticate, create_user, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed, PermissionDenied
from wms_terminal.core.models import AuditEntry

BADGE, PIN = "B-7Q4K9X2M", "2468"


@pytest.fixture
def user_db(db: Database) -> Database:
    with db.transaction() as s:
        create_user(s, username="sam", name="Sam", role="picker", pin=PIN, badge=BADGE)
    return db


def test_right_badge_and_pin_log_in_and_are_audited(user_db: Database) -> None:
    actor = authenticate(user_db, badge=BADGE, pin=PIN, terminal="hh-1")
    assert (actor.username, actor.role, actor.terminal) == ("sam", "picker", "hh-1")
    with user_db.reading() as s:
        assert [a.action for a in s.exec(select(AuditEntry)).all()] == ["login"]


def test_repeated_wrong_pins_lock_the_badge_even_for_the_right_pin(user_db: Database) -> None:
    for n in range(MAX_FAILED_LOGINS - 1, 0, -1):
        with pytest.raises(AuthenticationFailed, match=rf"^wrong PIN: {n} (try|tries) left$"):
            authenticate(user_db, badge=BADGE, pin="0000")
    with pytest.raises(AuthenticationFailed, match="locked"):
        authenticate(user_db, badge=BADGE, pin="0000")
    with pytest.raises(AuthenticationFailed, match="locked"):
        authenticate(user_db, badge=BADGE, pin=PIN)
    with user_db.reading() as s:
        failed = s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(failed) == MAX_FAILED_LOGINS


def test_unknown_badge_and_permissions(user_db: Database) -> None:
    with pytest.raises(AuthenticationFailed, match="unknown badge"):
        authenticate(user_db, badge="B-00000000", pin=PIN)
    actor = authenticate(user_db, badge=BADGE, pin=PIN)
    require(actor, "pick")
    with pytest.raises(PermissionDenied, match="may not release wave"):
        require(actor, "release_wave")
