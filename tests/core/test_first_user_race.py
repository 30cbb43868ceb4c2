"""The first user of an empty database (a manager added without a log-in) is one user, however
many `users add` run at that moment: the others are told to log in as that manager."""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlmodel import select

from wms_terminal.core.db import Database
from wms_terminal.core.errors import PermissionDenied
from wms_terminal.core.models import User
from wms_terminal.core.users import add_user

RIVALS = 4


def test_concurrent_first_users_make_one_manager(db: Database) -> None:
    start = threading.Barrier(RIVALS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def adder(n: int) -> None:
        start.wait()
        try:
            got = add_user(db, None, name=f"Boss {n}", role="manager", pin="2468")
            result = "bootstrap" if got.bootstrap else "added"
        except PermissionDenied as exc:
            result = exc.message
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=adder, args=(n,)) for n in range(RIVALS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["bootstrap"] + [
        "users exist already: log in as a manager (--badge B with WMS_PIN) to add users"
    ] * (RIVALS - 1)
    with db.reading() as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 1
