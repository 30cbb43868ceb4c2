"""`wms-terminal users ...` on both backends: the fixed `users add --json` contract, the first
user of an empty database, managers only, and the last manager kept."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core import users
from wms_terminal.core.auth import authenticate
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed, ValidationError
from wms_terminal.core.models import AuditEntry, User
from wms_terminal.signin import SignInFlow


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_user_of_an_empty_database_then_managers_only(
    db: Database, db_url: str, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("WMS_PIN", raising=False)
    base = ("users", "add", "--database", db_url)
    # Nobody can log in yet: the first user needs no badge, but must be a manager.
    code, _, err = _run(capsys, *base, "--name", "Pat", "--role", "picker", "--pin", "1234")
    assert code == 2 and "first user of a new database must be a manager" in err
    code, out, _ = _run(
        capsys, *base, "--name", "Mia Müller", "--role", "manager", "--pin", "2468", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["badge"]
    mia = doc["badge"]
    assert authenticate(db, badge=mia, pin="2468").role == "manager"
    # From now on a manager must log in.
    code, _, err = _run(capsys, *base, "--name", "Pat", "--role", "picker", "--pin", "1234")
    assert code == 6 and "say who you are with --badge" in err
    monkeypatch.setenv("WMS_PIN", "2468")
    code, out, _ = _run(
        capsys, *base, "--name", "Pat", "--role", "picker", "--pin", "1234", "--badge", mia
    )
    assert code == 0 and "added pat (picker), badge B-" in out
    pat = authenticate(db, badge=out.split("badge ")[1].split(";")[0], pin="1234")
    assert pat.username == "pat"
    # A picker may not add users.
    with db.reading() as s:
        pat_badge = s.exec(select(User.badge_code).where(User.username == "pat")).one()
    monkeypatch.setenv("WMS_PIN", "1234")
    code, _, err = _run(
        capsys, *base, "--name", "Eve", "--role", "manager", "--pin", "1111", "--badge", pat_badge
    )
    assert code == 6 and "pat (picker) may not manage users" in err
    with db.reading() as s:
        assert s.exec(select(User.username).order_by(User.id)).all() == ["mia.muller", "pat"]
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "user_added")).all()
    assert [a.detail["bootstrap"] for a in audit] == [True, False]


@pytest.fixture
def staff(db: Database, wms_pin: str) -> dict[str, list[str]]:
    with db.transaction() as s:
        return {
            "boss": f.cli_user(s, "boss", "manager"),
            "pat": f.cli_user(s, "pat", "picker"),
        }


def test_list_unlock_deactivate_and_the_last_manager(
    db: Database, db_url: str, staff: dict[str, list[str]], capsys
) -> None:
    boss = ["--database", db_url, *staff["boss"]]
    pat_badge = staff["pat"][1]
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, badge=pat_badge, pin="0000")
    code, out, _ = _run(capsys, "users", "list", "--json", *boss)
    assert code == 0
    rows = {r["username"]: r for r in json.loads(out)}
    assert rows["pat"]["locked"] is True and rows["pat"]["badge"] == pat_badge
    assert rows["boss"]["role"] == "manager"
    code, out, _ = _run(capsys, "users", "unlock", "pat", *boss)
    assert code == 0 and "pat (picker) unlocked" in out
    assert authenticate(db, badge=pat_badge, pin=f.CLI_PIN).username == "pat"
    # The last active manager stays.
    code, _, err = _run(capsys, "users", "deactivate", "boss", *boss)
    assert code == 2 and "boss is the last active manager" in err
    code, _, err = _run(capsys, "users", "role", "boss", "picker", *boss)
    assert code == 2 and "last active manager" in err
    # Deactivated by badge code; the badge no longer logs in, anywhere; activate brings it back.
    code, out, _ = _run(capsys, "users", "deactivate", pat_badge, *boss)
    assert code == 0 and "deactivated" in out
    with pytest.raises(AuthenticationFailed, match="unknown badge"):
        authenticate(db, badge=pat_badge, pin=f.CLI_PIN)
    code, out, _ = _run(capsys, "users", "list", "--json", *boss)
    assert "pat" not in {r["username"] for r in json.loads(out)}
    code, out, _ = _run(capsys, "users", "list", "--all", *boss)
    assert "inactive" in out
    assert _run(capsys, "users", "activate", "pat", *boss)[0] == 0
    # A second manager: now the first may go; reset-pin gives a new PIN.
    assert _run(capsys, "users", "role", "pat", "manager", *boss)[0] == 0
    assert _run(capsys, "users", "reset-pin", "pat", "--new-pin", "97531", *boss)[0] == 0
    assert authenticate(db, badge=pat_badge, pin="97531").role == "manager"
    assert _run(capsys, "users", "deactivate", "boss", *boss)[0] == 0
    code, _, err = _run(capsys, "users", "list", *boss)
    assert code == 6 and "unknown badge" in err
    code, _, err = _run(capsys, "users", "unlock", "nobody", "--database", db_url, *staff["boss"])
    assert code == 6


def test_picker_refused_and_integration_accounts(
    db: Database, db_url: str, staff: dict[str, list[str]], capsys, monkeypatch
) -> None:
    code, _, err = _run(capsys, "users", "list", "--database", db_url, *staff["pat"])
    assert code == 6 and "may not manage users" in err
    boss = ["--database", db_url, *staff["boss"]]
    code, out, _ = _run(
        capsys, "users", "add-account", "--name", "erp", "--role", "supervisor", "--json", *boss
    )
    assert code == 0
    secret = json.loads(out)["secret"]
    assert len(secret) >= 16
    monkeypatch.setenv("WMS_SECRET", secret)
    monkeypatch.delenv("WMS_PIN")
    code, out, _ = _run(capsys, "users", "list", "--database", db_url, "--account", "erp")
    assert code == 6  # a supervisor account may not manage users, but it did log in
    monkeypatch.setenv("WMS_PIN", f.CLI_PIN)
    code, out, _ = _run(capsys, "users", "reset-secret", "erp", "--json", *boss)
    new = json.loads(out)["secret"]
    assert new != secret
    code, _, err = _run(capsys, "users", "list", "--database", db_url, "--account", "erp")
    assert "wrong secret" in err
    code, _, err = _run(capsys, "users", "reset-pin", "erp", "--new-pin", "1234", *boss)
    assert code == 2 and "integration account" in err


def test_several_roles_are_chosen_at_sign_in_and_keep_the_last_manager(
    db: Database, db_url: str, staff: dict[str, list[str]], capsys
) -> None:
    boss = ["--database", db_url, *staff["boss"]]
    code, out, _ = _run(capsys, "users", "role", "pat", "picker", "manager", *boss)
    assert code == 0 and "pat is now picker and manager" in out
    rows = {r["username"]: r for r in json.loads(_run(capsys, "users", "list", "--json", *boss)[1])}
    assert rows["pat"]["roles"] == ["picker", "manager"]
    flow = SignInFlow(db)
    flow.enter(staff["pat"][1])
    assert flow.enter(f.CLI_PIN).roles == ("picker", "manager")
    actor = flow.enter("manager").actor
    assert actor is not None and actor.can("manage_users")
    # pat holds the manager role too, so boss may step down to picker; then pat, signed in as
    # manager, cannot give up the last manager role.
    assert _run(capsys, "users", "role", "boss", "picker", *boss)[0] == 0
    with pytest.raises(ValidationError, match="pat is the last active manager"):
        users.set_roles(db, actor, "pat", ["picker"])
    assert users.set_roles(db, actor, "pat", ["manager"]).roles == ("manager",)
