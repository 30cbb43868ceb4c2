"""PostgreSQL: `wms_confirm_pick` (migration 0002) confirms a plain pick in one statement, and
refuses with SQLSTATE WM001 and the refusal code, or hands over to the Python path with WM002,
having changed nothing. The behaviour tests run through it on PostgreSQL; these pin the rest."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import event, text

from wms_terminal.core.auth import Actor
from wms_terminal.core.models._base import utcnow
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.confirm_path import FAST_FALLBACK, FAST_REFUSED, confirm_fast

from .conftest import Floor
from .helpers import rows, scalar, snapshot

# wms_confirm_pick exists on PostgreSQL only: these tests run on that backend alone (no SQLite
# variant that would be skipped on every run).
pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def pg_floor(floor: Floor) -> Floor:
    assert floor.db.dialect == "postgresql"
    return floor


def _call(
    floor: Floor, actor: Actor, scan_id: str, task_id: int, qty: int, tote: str | None = None
) -> Any:
    """The function called directly: its result, or the psycopg error it raised."""
    pooled = floor.db.engine.raw_connection()
    try:
        conn: Any = pooled.driver_connection
        conn.autocommit = True
        try:
            return conn.execute(
                "SELECT wms_confirm_pick(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    scan_id,
                    task_id,
                    qty,
                    actor.user_id,
                    actor.terminal,
                    str(qty),
                    M.OK_PICKED,
                    M.OK_LIST_DONE,
                    M.WIDTH,
                    utcnow(),
                    tote,
                    tote.split("-")[1] if tote else None,
                    M.REPLENISH,
                ),
            ).fetchone()
        except psycopg.Error as exc:
            return exc
        finally:
            conn.autocommit = False
    finally:
        pooled.close()


def _claimed(floor: Floor, lines: list[tuple[int, int]]) -> tuple[int, list[Any]]:
    """A claimed list for one order; its tasks in the order of `lines` (not route order)."""
    floor.order(lines)
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    by_sku = {t.sku: t for t in get_list(floor.db, lid).tasks}
    return lid, [by_sku[floor.sku(n)] for n, _ in lines]


def test_a_plain_confirm_is_one_statement_with_the_python_paths_outcome(
    pg_floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    floor = pg_floor
    lid, tasks = _claimed(floor, [(3, 2), (4, 1)])
    pat = floor.actors["pat"]
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(floor.db.engine, "before_cursor_execute", count)
    try:
        r1 = service.confirm_pick(floor.db, pat, scan_id="f1", task_id=tasks[0].task_id, qty=2)
        r2 = service.confirm_pick(floor.db, pat, scan_id="f2", task_id=tasks[1].task_id, qty=1)
    finally:
        event.remove(floor.db.engine, "before_cursor_execute", count)
    assert seen == []  # nothing through SQLAlchemy: one raw statement each
    assert r1.accepted and not r1.replayed and r1.code == "picked"
    assert r1.message == M.fmt(M.OK_PICKED, qty=2, sku=floor.sku(3))
    assert dict(r1.data) == {
        "task_id": tasks[0].task_id,
        "qty": 2,
        "task_status": "picked",
        "order_status": "picking",
        "list_done": False,
    }
    assert r2.message == "\n".join(
        [M.fmt(M.OK_PICKED, qty=1, sku=floor.sku(4)), M.fmt(M.OK_LIST_DONE, list=lid)]
    )
    assert dict(r2.data)["order_status"] == "picked" and dict(r2.data)["list_done"] is True
    assert rows(
        floor.db,
        "SELECT scan_id, on_hand_delta, reserved_delta, kind FROM stock_ledger "
        "WHERE kind = 'pick' ORDER BY id",
    ) == [("f1", -2, -2, "pick"), ("f2", -1, -1, "pick")]
    assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :l", l=lid) == "done"
    assert scalar(floor.db, "SELECT SUM(qty) FROM reservation") == 0
    # The same confirmations on the Python path store the same outcomes.
    monkeypatch.setattr(service, "PG_FUNCTION_CONFIRM", False)
    lid2, tasks2 = _claimed(floor, [(3, 2), (4, 1)])
    p1 = service.confirm_pick(floor.db, pat, scan_id="p1", task_id=tasks2[0].task_id, qty=2)
    p2 = service.confirm_pick(floor.db, pat, scan_id="p2", task_id=tasks2[1].task_id, qty=1)
    assert (p1.code, p1.message) == (r1.code, r1.message)
    assert {**p1.data, "task_id": 0} == {**r1.data, "task_id": 0}
    assert p2.message == "\n".join(
        [M.fmt(M.OK_PICKED, qty=1, sku=floor.sku(4)), M.fmt(M.OK_LIST_DONE, list=lid2)]
    )
    assert {**p2.data, "task_id": 0} == {**r2.data, "task_id": 0}
    # A replay of a function-confirmed scan answers from the record and changes nothing.
    before = snapshot(floor.db)
    again = service.confirm_pick(floor.db, pat, scan_id="f1", task_id=tasks[0].task_id, qty=2)
    assert again.replayed and again.data == r1.data and snapshot(floor.db) == before


def test_refusals_raise_wm001_with_their_code_and_change_nothing(pg_floor: Floor) -> None:
    floor = pg_floor
    lid, tasks = _claimed(floor, [(3, 2), (4, 1)])
    pat, quinn = floor.actors["pat"], floor.actors["quinn"]
    t = tasks[0].task_id
    assert not isinstance(_call(floor, pat, "ok", tasks[1].task_id, 1), Exception)
    before = snapshot(floor.db)
    cases = [
        (pat, t + 10_000, 1, "no_task"),
        (quinn, t, 1, "not_your_list"),
        (pat, t, 0, "bad_qty"),
        (pat, t, 3, "bad_qty"),
        (pat, tasks[1].task_id, 1, "task_closed"),
    ]
    for actor, task_id, qty, code in cases:
        err = _call(floor, actor, f"x-{code}-{qty}", task_id, qty)
        assert isinstance(err, psycopg.Error), (code, err)
        assert (err.sqlstate, err.diag.message_primary) == (FAST_REFUSED, code)
        # The service maps it to the Python path's refusal, stored under the scan id.
        out, refusal = confirm_fast(
            floor.db.engine, actor, scan_id=f"y-{code}-{qty}", task_id=task_id, qty=qty, raw=""
        )
        assert out is None and refusal == code
    assert snapshot(floor.db) == before
    # A list given back is closed to the function too.
    service.release_list(floor.db, pat, lid)
    err = _call(floor, pat, "x-closed", t, 1)
    assert isinstance(err, psycopg.Error) and err.diag.message_primary == "list_closed"
    r = service.confirm_pick(floor.db, pat, scan_id="z-closed", task_id=t, qty=1)
    assert not r.accepted and r.code == "list_closed"
    assert scalar(floor.db, "SELECT accepted FROM scan_record WHERE scan_id = 'z-closed'") is False


def test_replays_go_to_the_python_path_replenishment_and_totes_do_not(
    pg_floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    floor = pg_floor
    _lid, tasks = _claimed(floor, [(3, 1), (2, 10)])
    pat = floor.actors["pat"]
    ok = _call(floor, pat, "r1", tasks[0].task_id, 1, tote="T-MAIN-0031")
    assert not isinstance(ok, Exception), ok
    assert rows(floor.db, "SELECT code, status FROM tote") == [("T-MAIN-0031", "in_use")]
    before = snapshot(floor.db)
    err = _call(floor, pat, "r1", tasks[1].task_id, 1)  # scan id seen before
    assert isinstance(err, psycopg.Error) and err.sqlstate == FAST_FALLBACK
    # Totes: another label than the one in use for the slot, another warehouse's label.
    err = _call(floor, pat, "t1", tasks[1].task_id, 1, tote="T-MAIN-0032")
    assert isinstance(err, psycopg.Error)
    assert (err.sqlstate, err.diag.message_primary) == (FAST_REFUSED, "wrong_tote")
    assert snapshot(floor.db) == before
    # Product 2's face (min 45, 50 on hand) drops below its minimum: a task from reserve, and
    # the same outcome as the Python path's.
    r = service.confirm_pick(
        floor.db, pat, scan_id="r2", task_id=tasks[1].task_id, qty=10, tote="T-MAIN-0031"
    )
    assert r.accepted and r.data["replenishment"] == floor.face[2].code, r
    assert r.message.splitlines()[1] == M.fmt(M.REPLENISH, location=floor.face[2].code)
    assert rows(
        floor.db,
        "SELECT from_location_id, to_location_id, qty, status FROM replenishment_task",
    ) == [(floor.reserve[2].id, floor.face[2].id, 20, "open")]
    assert scalar(floor.db, "SELECT COUNT(DISTINCT tote_id) FROM pick_task") == 1
    monkeypatch.setattr(service, "PG_FUNCTION_CONFIRM", False)
    with floor.db.transaction() as s:
        s.execute(text("UPDATE replenishment_task SET status = 'done'"))
        s.execute(
            text("UPDATE stock SET on_hand = on_hand + 10 WHERE location_id = :l"),
            {"l": floor.face[2].id},
        )
    _lid2, tasks2 = _claimed(floor, [(2, 10)])
    p = service.confirm_pick(
        floor.db, pat, scan_id="p2", task_id=tasks2[0].task_id, qty=10, tote="T-MAIN-0033"
    )
    assert p.accepted, p
    assert p.data["replenishment"] == r.data["replenishment"]
    assert p.message.splitlines()[:2] == r.message.splitlines()[:2]


def test_tote_refusals_match_the_python_path(pg_floor: Floor) -> None:
    floor = pg_floor
    _lid, tasks = _claimed(floor, [(3, 1), (4, 1)])
    pat = floor.actors["pat"]
    with floor.db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO tote (warehouse_id, code, status) VALUES (:w, 'T-MAIN-0041', 'full')"
            ),
            {"w": floor.warehouse_id},
        )
    before = snapshot(floor.db)
    for tote, code in (("T-MAIN-0041", "tote_full"), ("T-XX-0042", "tote_other_wh")):
        err = _call(floor, pat, f"x-{code}", tasks[0].task_id, 1, tote=tote)
        assert isinstance(err, psycopg.Error)
        assert (err.sqlstate, err.diag.message_primary) == (FAST_REFUSED, code)
        r = service.confirm_pick(
            floor.db, pat, scan_id=f"s-{code}", task_id=tasks[0].task_id, qty=1, tote=tote
        )
        assert not r.accepted and r.code == code, r
    r = service.confirm_pick(
        floor.db, pat, scan_id="s-nt", task_id=tasks[0].task_id, qty=1, tote="BOX"
    )
    assert not r.accepted and r.code == "not_tote", r
    after = snapshot(floor.db)
    assert after["scan_record"] == before["scan_record"] + 3
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}
