"""The PIN lock-out holds under concurrent guessers: the user row is locked while a try is counted.

Before the row lock, 8 threads guessing at once on PostgreSQL got 7 to 34 PINs checked before the
badge locked (each read the same failure count and wrote it back).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func
from sqlmodel import select

from wms_terminal.core.auth import MAX_FAILED_LOGINS, authenticate, create_user
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed
from wms_terminal.core.models import AuditEntry

BADGE, PIN = "B-RACE0001", "7531"
GUESSERS, TRIES = 8, 6


def test_eight_concurrent_guessers_get_at_most_five_pins_checked(db: Database) -> None:
    with db.transaction() as s:
        create_user(s, username="vic", name="Vic", role="supervisor", pin=PIN, badge=BADGE)
    start = threading.Barrier(GUESSERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guesser(n: int) -> None:
        start.wait()
        for t in range(TRIES):
            pin = f"{1000 + n * TRIES + t:04d}"  # all wrong
            try:
                authenticate(db, badge=BADGE, pin=pin, terminal=f"g{n}")
                result = "in"
            except AuthenticationFailed as exc:
                result = exc.message
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(GUESSERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == GUESSERS * TRIES
    with db.reading() as s:
        checked = s.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed")
        ).one()
    # Exactly five wrong PINs were checked; every other try met the lock.
    assert checked == MAX_FAILED_LOGINS
    wrong = [o for o in outcomes if o.startswith("wrong PIN")]
    assert len(wrong) == MAX_FAILED_LOGINS
    assert sum("badge now locked" in o for o in wrong) == 1
    locked = [o for o in outcomes if o.startswith("too many wrong PINs")]
    assert len(locked) + len(wrong) == len(outcomes)
    with pytest.raises(AuthenticationFailed, match="locked"):
        authenticate(db, badge=BADGE, pin=PIN)
