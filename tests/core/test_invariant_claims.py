"""`check` on the claims of move tasks and counts, tote states and blocked locations: worked
through the services it stays clean; each kind of damage a crashed tool or a hand-made fix
could leave is named, also by `wms-terminal check --json`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import text

from tests.core.conftest import Worked, one
from tests.picking.helpers import count_task
from wms_terminal.cli import main
from wms_terminal.core import move_tasks
from wms_terminal.core.invariants import check
from wms_terminal.picking import counts


def _move_task(w: Worked, *, claimed: str = "NULL", claimed_at: str = "NULL") -> int:
    """An open replenishment of product 2 from its reserve to its face (as the engine raises)."""
    fl = w.floor
    with w.db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO replenishment_task (warehouse_id, kind, product_id, from_location_id, "
                "to_location_id, qty, qty_moved, status, claimed_by, claimed_at, created_at) "
                f"VALUES ({fl.warehouse_id}, 'replenish', {fl.products[2].id}, "
                f"{fl.reserve[2].id}, {fl.face[2].id}, 10, 0, 'open', {claimed}, {claimed_at}, "
                "CURRENT_TIMESTAMP)"
            )
        )
    return one(w.db, "SELECT MAX(id) FROM replenishment_task")


def _audit(w: Worked, who: str, action: str, entity: str, entity_id: int) -> str:
    return (
        "INSERT INTO audit_log (at, user_id, terminal, action, entity, entity_id, "
        f"reason_code, detail) VALUES (CURRENT_TIMESTAMP, {w.floor.actors[who].user_id}, "
        f"'T-{who}', '{action}', '{entity}', '{entity_id}', '', '{{}}')"
    )


def _details(w: Worked, kind: str) -> list[str]:
    return [p.detail for p in check(w.db) if p.kind == kind]


def test_move_tasks_claimed_given_back_and_done_through_the_services_are_clean(
    worked: Worked,
) -> None:
    w = worked
    pat, quinn, boss = (w.floor.actors[u] for u in ("pat", "quinn", "boss"))
    tid = _move_task(w)
    assert move_tasks.claim_next(w.db, pat, warehouse_id=w.floor.warehouse_id).id == tid  # type: ignore[union-attr]
    assert check(w.db) == []
    move_tasks.release_task(w.db, boss, task_id=tid)  # a supervisor takes it off pat
    assert move_tasks.claim_next(w.db, quinn, warehouse_id=w.floor.warehouse_id).id == tid  # type: ignore[union-attr]
    done = move_tasks.do_task(
        w.db,
        quinn,
        task_id=tid,
        from_location=w.floor.reserve[2].barcode,
        item=w.floor.gtin(2),
        qty=10,
        to_location=w.floor.face[2].barcode,
    )
    assert done.task.status == "done"
    assert check(w.db) == []


def test_a_move_task_claimed_by_a_second_user_is_named(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    tid = _move_task(w)
    move_tasks.claim_next(w.db, w.floor.actors["pat"], warehouse_id=w.floor.warehouse_id)
    damage(_audit(w, "quinn", "move_task_claimed", "move_task", tid))
    pat, quinn = w.floor.actors["pat"].user_id, w.floor.actors["quinn"].user_id
    assert _details(w, "task_claimed_twice") == [
        f"move task {tid} claimed by user {quinn} while user {pat} held it"
    ]


def test_a_move_task_done_by_someone_not_holding_it_is_named(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    tid = _move_task(w)
    damage(_audit(w, "quinn", "move_task_done", "move_task", tid))
    quinn = w.floor.actors["quinn"].user_id
    assert _details(w, "task_claimed_twice") == [
        f"move task {tid} done by user {quinn} while nobody held it"
    ]


def test_a_move_task_claimed_without_a_user_is_named(worked: Worked) -> None:
    tid = _move_task(worked, claimed_at="CURRENT_TIMESTAMP")
    (detail,) = _details(worked, "task_claimed_twice")
    assert detail.startswith(f"move task {tid} is claimed with no user")
    by = worked.floor.actors["pat"].user_id
    tid2 = _move_task(worked, claimed=str(by))
    assert f"move task {tid2} is claimed by user {by} with no claim time" in _details(
        worked, "task_claimed_twice"
    )


def test_counts_claimed_counted_twice_and_done_through_the_services_are_clean(
    worked: Worked,
) -> None:
    w = worked
    pat, quinn = w.floor.actors["pat"], w.floor.actors["quinn"]
    cid = count_task(w.floor, 3)
    assert check(w.db) == []  # blocked, with its count open
    view = counts.claim_count(w.db, pat, warehouse_id=w.floor.warehouse_id, count_id=cid)
    assert view is not None and view.status == "claimed"
    counts.release_count(w.db, pat, count_id=cid)
    assert check(w.db) == []
    first = counts.record_count(
        w.db,
        quinn,
        scan_id="c-1",
        count_id=cid,
        qty=20,  # 50 on the shelf: beyond the threshold, a blind second count is asked
        location=w.floor.face[3].barcode,
        item=w.floor.gtin(3),
    )
    assert first.accepted and counts.get_count(w.db, cid).status == "recount", first
    assert check(w.db) == []
    second = counts.record_count(
        w.db,
        pat,
        scan_id="c-2",
        count_id=cid,
        qty=50,
        location=w.floor.face[3].barcode,
        item=w.floor.gtin(3),
    )
    assert second.accepted and counts.get_count(w.db, cid).status == "done", second
    assert (
        one(w.db, f"SELECT COUNT(*) FROM location WHERE id = {w.floor.face[3].id} AND blocked") == 0
    )
    assert check(w.db) == []


def test_a_count_claimed_by_a_second_user_is_named(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    cid = count_task(w.floor, 3)
    counts.claim_count(w.db, w.floor.actors["pat"], warehouse_id=w.floor.warehouse_id, count_id=cid)
    damage(_audit(w, "quinn", "count_claimed", "count_task", cid))
    pat, quinn = w.floor.actors["pat"].user_id, w.floor.actors["quinn"].user_id
    assert _details(w, "task_claimed_twice") == [
        f"count {cid} claimed by user {quinn} while user {pat} held it"
    ]


def test_a_count_claimed_with_no_user_is_named(worked: Worked, damage: Callable[..., None]) -> None:
    cid = count_task(worked.floor)
    damage(f"UPDATE count_task SET status = 'claimed' WHERE id = {cid}")
    assert _details(worked, "task_claimed_twice") == [
        f"count {cid} is claimed with claimed_by None"
    ]


def test_a_count_on_an_open_location_and_a_block_with_no_count_are_named(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    cid = count_task(w.floor, 3)
    damage(f"UPDATE location SET blocked = FALSE WHERE id = {w.floor.face[3].id}")
    face3 = w.floor.face[3].code
    assert _details(w, "count_block") == [
        f"location {face3} has 1 open count(s) but is not blocked"
    ]
    damage(
        f"UPDATE location SET blocked = TRUE WHERE id = {w.floor.face[3].id}",
        f"UPDATE count_task SET status = 'cancelled' WHERE id = {cid}",
    )
    assert _details(w, "count_block") == [
        f"location {face3} is blocked (count) with no count open on it"
    ]


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("free", "is free but still names pick list {list}"),
        ("at_packing", "is at_packing while its pick list {list} is claimed"),
        ("at_sorting", "is at_sorting while its pick list {list} is claimed"),
    ],
)
def test_a_tote_out_of_step_with_its_list_is_named(
    worked: Worked, damage: Callable[..., None], status: str, says: str
) -> None:
    damage(f"UPDATE tote SET status = '{status}' WHERE id = {worked.tote_a}")
    assert _details(worked, "tote_state") == ["tote T-MAIN-0001 " + says.format(list=worked.list_a)]


def test_a_tote_in_use_on_a_finished_list_is_named(
    worked: Worked, damage: Callable[..., None]
) -> None:
    damage(f"UPDATE pick_list SET status = 'cancelled' WHERE id = {worked.list_a}")
    assert _details(worked, "tote_state") == [
        f"tote T-MAIN-0001 is in_use while its pick list {worked.list_a} is cancelled"
    ]


def test_cli_check_json_reports_a_move_task_claimed_twice(
    worked: Worked,
    damage: Callable[..., None],
    db_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    w = worked
    tid = _move_task(w)
    move_tasks.claim_next(w.db, w.floor.actors["pat"], warehouse_id=w.floor.warehouse_id)
    assert main(["check", "--database", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "problems": []}
    damage(_audit(w, "quinn", "move_task_claimed", "move_task", tid))
    assert main(["check", "--database", db_url, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert [(p["kind"], p["detail"].split(" claimed")[0]) for p in out["problems"]] == [
        ("task_claimed_twice", f"move task {tid}")
    ]


def test_two_put_aways_to_one_face_are_fine(worked: Worked, damage: Callable[..., None]) -> None:
    """Each receipt raises put-aways for the units it brought: two receipts of one product give
    two open put-aways to its face (only replenishments are one per face)."""
    fl = worked.floor
    dock = fl.reserve[2].id  # stands in for the receiving location
    damage(
        *[
            "INSERT INTO replenishment_task (warehouse_id, kind, product_id, from_location_id, "
            "to_location_id, qty, qty_moved, status, created_at) VALUES "
            f"({fl.warehouse_id}, 'putaway', {fl.products[2].id}, {dock}, {fl.face[2].id}, "
            f"{qty}, 0, 'open', CURRENT_TIMESTAMP)"
            for qty in (4, 6)
        ]
    )
    assert check(worked.db) == []
