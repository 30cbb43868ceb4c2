"""The sign-in flow (badge, PIN, role) on both backends, as the login screen and the headless
driver drive it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlmodel import select

from wms_terminal.core.auth import MAX_FAILED_LOGINS, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.models import AuditEntry, UserRole
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.signin import Msg, SignInFlow

BADGE, PIN = "B-7Q4K9X2M", "2468"
OTHER, OTHER_PIN = "B-2WX3C4V5", "1357"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(db: Database) -> Database:
    with db.transaction() as s:
        create_user(s, username="sam", name="Sam", role="picker", pin=PIN, badge=BADGE)
        boss = create_user(s, username="ada", name="Ada", role="supervisor", pin=OTHER_PIN)
        boss.badge_code = OTHER
        s.add(boss)
        s.flush()
        assert boss.id is not None
        s.add(UserRole(user_id=boss.id, role="picker"))
        s.add(UserRole(user_id=boss.id, role="manager"))
    return db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def flow(users: Database, clock: Clock) -> SignInFlow:
    return SignInFlow(users, terminal="hh-1", timeout=30, clock=clock)


def _failed(db: Database) -> int:
    with db.reading() as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    return len(rows)


def test_badge_then_pin_signs_in_with_the_users_one_role(flow: SignInFlow) -> None:
    v = flow.view()
    expected = ("badge", Msg.PROMPT_BADGE, "badge", False)
    assert (v.expect, v.prompt, v.placeholder, v.secret) == expected
    v = flow.enter(BADGE)
    assert (v.expect, v.prompt, v.placeholder, v.secret) == ("pin", Msg.PROMPT_PIN, "PIN", True)
    v = flow.enter(PIN)
    assert v.expect == "done" and v.actor is not None
    assert (v.actor.username, v.actor.role, v.actor.terminal) == ("sam", "picker", "hh-1")
    assert "sam (picker)" in v.message


def test_a_badge_keyed_in_lower_case_is_the_same_badge(flow: SignInFlow) -> None:
    v = flow.enter(Scan(BADGE.lower(), Source.KEYBOARD))
    assert (v.expect, v.badge, v.error) == ("pin", BADGE, False)
    assert flow.enter(PIN).actor is not None


def test_an_unknown_badge_is_refused_before_any_pin(users: Database, flow: SignInFlow) -> None:
    v = flow.enter("B-ZZZZZZZZ")
    assert v.expect == "badge" and v.error
    assert v.message == "Unknown badge B-ZZZZZZZZ: ask a supervisor"
    v = flow.enter("SKU-1")
    assert (v.expect, v.message) == ("badge", Msg.NOT_A_BADGE)


def test_another_badge_at_the_pin_prompt_switches_without_a_wrong_try(
    users: Database, flow: SignInFlow
) -> None:
    flow.enter(BADGE)
    v = flow.enter(OTHER)
    assert (v.expect, v.badge, v.error) == ("pin", OTHER, False)
    assert v.message == f"Badge {OTHER}: key your PIN"
    assert _failed(users) == 0
    v = flow.enter(OTHER_PIN)
    assert v.expect == "role"


def test_wrong_pin_says_how_many_tries_remain_and_the_lock_holds(
    users: Database, flow: SignInFlow
) -> None:
    flow.enter(BADGE)
    for n in range(1, MAX_FAILED_LOGINS):
        v = flow.enter("0000")
        left = MAX_FAILED_LOGINS - n
        assert (v.expect, v.tries_left, v.error) == ("pin", left, True)
        assert v.message == f"wrong PIN: {left} {'try' if left == 1 else 'tries'} left"
    v = flow.enter("0000")
    assert v.expect == "badge" and "locked" in v.message
    # The badge stays locked: refused at the badge, before any PIN, and the right PIN cannot
    # get past it either.
    v = flow.enter(BADGE)
    assert v.expect == "badge" and v.message == Msg.LOCKED.format(badge=BADGE)
    assert _failed(users) == MAX_FAILED_LOGINS


def test_a_non_pin_at_the_pin_prompt_is_refused_and_not_counted(
    users: Database, flow: SignInFlow
) -> None:
    flow.enter(BADGE)
    v = flow.enter("12ab")
    assert (v.expect, v.message, v.tries_left) == ("pin", Msg.NOT_A_PIN, None)
    assert _failed(users) == 0


def test_the_pin_prompt_times_out_back_to_the_badge(
    users: Database, flow: SignInFlow, clock: Clock
) -> None:
    flow.enter(BADGE)
    clock.now += 29
    assert flow.tick().expect == "pin"
    clock.now += 2
    v = flow.tick()
    assert (v.expect, v.message, v.badge) == ("badge", Msg.TIMED_OUT, None)
    # A PIN keyed after the time-out (no tick in between) is not used for the old badge.
    flow.enter(BADGE)
    clock.now += 31
    v = flow.enter(PIN)
    assert (v.expect, v.message, v.actor) == ("badge", Msg.TIMED_OUT, None)
    assert _failed(users) == 0


def test_cancel_leaves_the_pin_prompt(flow: SignInFlow) -> None:
    flow.enter(BADGE)
    v = flow.enter("CMD-CANCEL")
    assert (v.expect, v.badge, v.message) == ("badge", None, "")


def test_a_user_with_several_roles_chooses_one(flow: SignInFlow) -> None:
    flow.enter(OTHER)
    v = flow.enter(OTHER_PIN)
    assert v.expect == "role" and v.actor is None
    assert v.roles == ("supervisor", "picker", "manager")
    assert v.prompt == "Choose your role: 1 supervisor, 2 picker, 3 manager"
    v = flow.enter("4")
    assert (v.expect, v.message) == ("role", Msg.BAD_ROLE.format(n=3))
    v = flow.enter("2")
    assert v.actor is not None and (v.actor.username, v.actor.role) == ("ada", "picker")
    assert not v.actor.can("release_wave")


def test_a_role_is_chosen_by_name_too_and_the_role_prompt_times_out(
    users: Database, clock: Clock
) -> None:
    flow = SignInFlow(users, timeout=30, clock=clock)
    flow.enter(OTHER)
    flow.enter(OTHER_PIN)
    v = flow.enter("Manager")
    assert v.actor is not None and v.actor.role == "manager"
    flow = SignInFlow(users, timeout=30, clock=clock)
    flow.enter(OTHER)
    flow.enter(OTHER_PIN)
    clock.now += 31
    v = flow.enter("1")
    assert (v.expect, v.actor, v.message) == ("badge", None, Msg.ROLE_TIMED_OUT)


def test_the_sign_in_flow_loads_no_database_layer_until_a_badge_is_scanned() -> None:
    # The sign-in screen imports it before the first frame; the database layer comes later.
    code = (
        "import sys, wms_terminal.signin\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'argon2', 'psycopg') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _audited(db: Database, action: str) -> list[tuple[str, str]]:
    with db.reading() as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == action)).all()
    return [(r.terminal, str(r.detail.get("role"))) for r in rows]


def test_the_role_chosen_at_the_prompt_is_audited(flow: SignInFlow, users: Database) -> None:
    flow.enter(OTHER)
    flow.enter(OTHER_PIN)
    assert _audited(users, "login_role") == []  # nothing chosen yet
    v = flow.enter("3")
    assert v.actor is not None and v.actor.role == "manager"
    assert _audited(users, "login_role") == [("hh-1", "manager")]


def test_a_terminal_for_one_role_signs_in_in_it_without_asking(
    users: Database, clock: Clock
) -> None:
    flow = SignInFlow(users, terminal="desk-9", timeout=30, clock=clock, role="manager")
    flow.enter(OTHER)
    v = flow.enter(OTHER_PIN)
    assert v.expect == "done" and v.actor is not None
    assert (v.actor.username, v.actor.role) == ("ada", "manager")
    assert _audited(users, "login_role") == [("desk-9", "manager")]
    # A user with the one role it asks for: signed in, no choice made, so no role line.
    flow = SignInFlow(users, terminal="hh-2", timeout=30, clock=clock, role="picker")
    flow.enter(BADGE)
    v = flow.enter(PIN)
    assert v.actor is not None and v.actor.role == "picker"
    assert _audited(users, "login_role") == [("desk-9", "manager")]


def test_a_terminal_for_one_role_refuses_a_user_without_it(users: Database, clock: Clock) -> None:
    flow = SignInFlow(users, terminal="desk-9", timeout=30, clock=clock, role="supervisor")
    flow.enter(BADGE)
    v = flow.enter(PIN)
    assert (v.expect, v.actor, v.error) == ("badge", None, True)
    assert v.message == Msg.LACKS_ROLE.format(name="sam", role="supervisor")
    assert _audited(users, "login_role_refused") == [("desk-9", "supervisor")]
    # The next badge is asked for, as after any refusal: Ada has the role.
    flow.enter(OTHER)
    v = flow.enter(OTHER_PIN)
    assert v.actor is not None and v.actor.role == "supervisor"
