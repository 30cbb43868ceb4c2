"""Every refusal of a confirmation changes nothing but the stored outcome of its scan id, on both
backends; a pick face below its minimum raises one replenishment task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list

from .conftest import Floor
from .helpers import rows, scalar, snapshot


def _claimed(floor: Floor, lines: list[tuple[int, int]]) -> tuple[int, list[Any]]:
    """A claimed list for one order; its tasks in the order of `lines` (not route order)."""
    floor.order(lines)
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    by_sku = {t.sku: t for t in get_list(floor.db, lid).tasks}
    return lid, [by_sku[floor.sku(n)] for n, _ in lines]


def test_refusals_name_their_code_and_change_nothing(floor: Floor) -> None:
    lid, tasks = _claimed(floor, [(3, 2), (4, 1)])
    pat, quinn = floor.actors["pat"], floor.actors["quinn"]
    t = tasks[0].task_id
    ok = service.confirm_pick(floor.db, pat, scan_id="ok", task_id=tasks[1].task_id, qty=1)
    assert ok.accepted, ok
    before = snapshot(floor.db)
    cases = [
        (pat, t + 10_000, 1, "no_task"),
        (quinn, t, 1, "not_your_list"),
        (pat, t, 0, "bad_qty"),
        (pat, t, 3, "bad_qty"),
        (pat, tasks[1].task_id, 1, "task_closed"),
    ]
    for actor, task_id, qty, code in cases:
        r = service.confirm_pick(
            floor.db, actor, scan_id=f"x-{code}-{qty}", task_id=task_id, qty=qty
        )
        assert not r.accepted and r.code == code, (code, r)
    after = snapshot(floor.db)
    assert after["scan_record"] == before["scan_record"] + len(cases)
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}
    # A list given back is closed to confirmations.
    service.release_list(floor.db, pat, lid)
    r = service.confirm_pick(floor.db, pat, scan_id="z-closed", task_id=t, qty=1)
    assert not r.accepted and r.code == "list_closed"
    stored = scalar(floor.db, "SELECT accepted FROM scan_record WHERE scan_id = 'z-closed'")
    assert stored is not None and not stored


def test_a_face_below_its_minimum_raises_one_replenishment_task(floor: Floor) -> None:
    _lid, tasks = _claimed(floor, [(3, 1), (2, 10)])
    pat = floor.actors["pat"]
    ok = service.confirm_pick(
        floor.db, pat, scan_id="r1", task_id=tasks[0].task_id, qty=1, tote="T-MAIN-0031"
    )
    assert ok.accepted, ok
    assert rows(floor.db, "SELECT code, status FROM tote") == [("T-MAIN-0031", "in_use")]
    before = snapshot(floor.db)
    # Another label than the one in use for the slot.
    r = service.confirm_pick(
        floor.db, pat, scan_id="t1", task_id=tasks[1].task_id, qty=1, tote="T-MAIN-0032"
    )
    assert not r.accepted and r.code == "wrong_tote", r
    after = snapshot(floor.db)
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}
    # Product 2's face (min 45, 50 on hand) drops below its minimum: a task from reserve.
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
    # While that task is open, the next pick below the minimum raises no second one.
    _lid2, tasks2 = _claimed(floor, [(2, 5)])
    p = service.confirm_pick(
        floor.db, pat, scan_id="p2", task_id=tasks2[0].task_id, qty=5, tote="T-MAIN-0033"
    )
    assert p.accepted and "replenishment" not in p.data, p
    assert scalar(floor.db, "SELECT COUNT(*) FROM replenishment_task") == 1


def test_tote_refusals(floor: Floor) -> None:
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
    for tote, code in (
        ("T-MAIN-0041", "tote_full"),
        ("T-XX-0042", "tote_other_wh"),
        ("BOX", "not_tote"),
    ):
        r = service.confirm_pick(
            floor.db, pat, scan_id=f"s-{code}", task_id=tasks[0].task_id, qty=1, tote=tote
        )
        assert not r.accepted and r.code == code, r
    after = snapshot(floor.db)
    assert after["scan_record"] == before["scan_record"] + 3
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}
