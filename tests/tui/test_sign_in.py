"""The sign-in screen on `signin.SignInFlow`: what a new user hit, fixed and walked."""

from __future__ import annotations

from tests.tui.conftest import BADGE, PACKER_BADGE, PIN
from tests.tui.helpers import burst_keys, in_mode, shown, type_slowly, wait_for

from wms_terminal.core.db import Database
from wms_terminal.core.models import User, UserRole
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.widgets.scan_input import ScanInput


async def _answered(pilot, app: WmsApp) -> None:
    await pilot.pause()
    await wait_for(
        pilot, lambda: getattr(app.screen, "db_runner", None) is None or app.screen.db_runner.idle
    )
    await pilot.pause()


def _failed_logins(db: Database, username: str) -> int:
    with db.reading() as s:
        user = s.exec(User.__table__.select().where(User.username == username)).first()  # type: ignore[attr-defined]
        assert user is not None
        return int(user.failed_logins)


async def test_a_badge_keyed_in_lower_case_asks_for_the_pin_masked(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE.lower())
        await _answered(pilot, app)
        assert (
            "PIN" in shown(app, "#prompt")
            and "error" not in app.screen.query_one("#message").classes
        )
        entry = app.screen.query_one(ScanInput)
        assert entry.placeholder == "PIN" and entry.password
        for ch in "43":
            await pilot.press(ch)
        assert "43" not in str(entry.render()) and "••" in str(entry.render())


async def test_an_unknown_badge_is_refused_before_any_pin(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, "B-00000000")
        await _answered(pilot, app)
        assert "Unknown badge" in shown(app, "#message")
        assert "badge" in shown(app, "#prompt").lower()
        entry = app.screen.query_one(ScanInput)
        assert entry.placeholder == "badge" and not entry.password


async def test_a_wrong_pin_says_how_many_tries_are_left(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, "0000")
        await _answered(pilot, app)
        assert "wrong PIN: 4 tries left" in shown(app, "#message")
        assert app.screen.query_one(ScanInput).password  # still at the PIN prompt


async def test_another_badge_at_the_pin_prompt_switches_to_it(sqlite_db: Database) -> None:
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await _answered(pilot, app)
        burst_keys(app, PACKER_BADGE)  # the next person scans their own badge
        await _answered(pilot, app)
        assert PACKER_BADGE in shown(app, "#prompt") + shown(app, "#message")
        assert _failed_logins(sqlite_db, "sanne") == 0  # not a wrong PIN for the first
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: in_mode(app, "mode-packer"))
        assert app.screen.id == "mode-packer"


async def test_the_pin_prompt_times_out_back_to_the_badge(sqlite_db: Database) -> None:
    now = [100.0]
    app = WmsApp(sqlite_db, terminal="t1", clock=lambda: now[0])
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await _answered(pilot, app)
        assert app.screen.query_one(ScanInput).password
        now[0] += 31
        await wait_for(pilot, lambda: "No PIN in time" in shown(app, "#message"))
        assert "No PIN in time" in shown(app, "#message")
        entry = app.screen.query_one(ScanInput)
        assert entry.placeholder == "badge" and not entry.password
        await type_slowly(pilot, PIN)  # keyed after the time-out: not taken as a PIN
        await _answered(pilot, app)
        assert app.screen.id == "sign-in"


async def test_a_user_with_several_roles_chooses_one(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as s:
        user = s.exec(User.__table__.select().where(User.username == "sanne")).first()  # type: ignore[attr-defined]
        s.add(UserRole(user_id=user.id, role="packer"))
    app = WmsApp(sqlite_db, terminal="t1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)
        await _answered(pilot, app)
        assert "1 picker, 2 packer" in shown(app, "#prompt")
        entry = app.screen.query_one(ScanInput)
        assert entry.placeholder == "role" and not entry.password
        await type_slowly(pilot, "2")
        await wait_for(pilot, lambda: in_mode(app, "mode-packer"))
        assert app.screen.id == "mode-packer" and app.actor is not None
        assert app.actor.role == "packer"


async def test_a_terminal_run_for_one_role_opens_its_mode_and_refuses_others(
    sqlite_db: Database,
) -> None:
    """`run --role R`: Sanne (picker and packer) is told she has no supervisor role and the
    badge is asked again; with `--role packer` she lands in the packer's mode, not asked."""
    with sqlite_db.transaction() as s:
        user = s.exec(User.__table__.select().where(User.username == "sanne")).first()  # type: ignore[attr-defined]
        s.add(UserRole(user_id=user.id, role="packer"))
    app = WmsApp(sqlite_db, terminal="t1", role="supervisor")
    async with app.run_test(size=(40, 16)) as pilot:
        assert "supervisor sign-in" in shown(app, "#title")
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)
        await _answered(pilot, app)
        assert app.screen.id == "sign-in" and app.actor is None
        said = shown(app, "#message").replace("\n", " ")
        assert said == (
            "sanne has no supervisor role, and this terminal is for supervisors: ask a manager"
        )
        assert "error" in app.screen.query_one("#message").classes
        assert app.screen.query_one(ScanInput).placeholder == "badge"
    app = WmsApp(sqlite_db, terminal="t1", role="packer")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)
        assert await wait_for(pilot, lambda: in_mode(app, "mode-packer"))
        assert app.actor is not None and app.actor.role == "packer"


def test_run_role_names_the_roles_and_refuses_another() -> None:
    import subprocess
    import sys

    from wms_terminal.cli.run_cmd import ROLES
    from wms_terminal.core.models.people import Role

    assert ROLES == Role.ALL
    out = subprocess.run(
        [sys.executable, "-m", "wms_terminal", "run", "--role", "boss"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "argument --role: invalid choice: 'boss'" in out.stderr
