"""A supervisor releases a stuck tote: never so that a tote ends up on two lists, or a list's
picked units in no tote; a tote holding a list's picks hands them to the tote they went into."""

from __future__ import annotations

import pytest

from wms_terminal.core.errors import InvalidTransition, PermissionDenied, ValidationError
from wms_terminal.core.invariants import check
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.tote_release import release_tote
from wms_terminal.picking.totes import get_tote

from .conftest import Floor
from .helpers import rows


def _status(floor: Floor, code: str) -> tuple[str, int | None]:
    got = rows(floor.db, "SELECT status, pick_list_id FROM tote WHERE code = :c", c=code)
    assert got, code
    return str(got[0][0]), got[0][1]


def _pick(floor: Floor, who: str, task_id: int, tote: str, sid: str) -> str | None:
    r = service.confirm_pick(
        floor.db, floor.actors[who], scan_id=sid, task_id=task_id, qty=1, tote=tote
    )
    return None if r.accepted else r.code


def _claim(floor: Floor, who: str) -> int:
    lid = service.claim_next(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)
    assert lid is not None
    return lid


def _units_in(floor: Floor, code: str) -> dict[int, int]:
    got = rows(
        floor.db,
        "SELECT pt.pick_list_id, SUM(pt.qty_picked) FROM pick_task pt JOIN tote t "
        "ON t.id = pt.tote_id WHERE t.code = :c AND pt.qty_picked > 0 GROUP BY pt.pick_list_id",
        c=code,
    )
    return {int(lid): int(q) for lid, q in got}


def test_a_tote_holding_picks_of_a_list_being_picked_is_not_released_bare(floor: Floor):
    floor.order([(1, 2), (3, 2)])
    floor.order([(4, 2), (5, 1)])
    floor.release()
    a, b = _claim(floor, "pat"), _claim(floor, "quinn")
    first = get_list(floor.db, a).open_tasks[0]
    assert _pick(floor, "pat", first.task_id, "T-MAIN-0001", "p1") is None
    boss = floor.actors["boss"]
    with pytest.raises(InvalidTransition, match="holds 1 unit"):
        release_tote(floor.db, boss, code="T-MAIN-0001", reason="stuck")
    assert _status(floor, "T-MAIN-0001") == ("in_use", a)
    # So the other list cannot take it, and the floor stays consistent.
    theirs = get_list(floor.db, b).open_tasks[0]
    assert _pick(floor, "quinn", theirs.task_id, "T-MAIN-0001", "q1") == "tote_busy"
    assert [p.kind for p in check(floor.db)] == []


def test_released_into_another_tote_the_list_goes_on_in_it(floor: Floor):
    floor.order([(1, 2), (3, 2)])
    floor.order([(4, 2), (5, 1)])
    floor.release()
    a, b = _claim(floor, "pat"), _claim(floor, "quinn")
    first = get_list(floor.db, a).open_tasks[0]
    assert _pick(floor, "pat", first.task_id, "T-MAIN-0001", "p1") is None
    boss = floor.actors["boss"]
    with pytest.raises(PermissionDenied):
        release_tote(
            floor.db, floor.actors["pat"], code="T-MAIN-0001", reason="x", into="T-MAIN-0002"
        )
    with pytest.raises(ValidationError, match="say why"):
        release_tote(floor.db, boss, code="T-MAIN-0001", reason="   ", into="T-MAIN-0002")
    with pytest.raises(ValidationError, match="printable"):
        release_tote(floor.db, boss, code="T-MAIN-0001", reason="bad\x1b[31m", into="T-MAIN-0002")
    with pytest.raises(ValidationError, match="another tote"):
        release_tote(floor.db, boss, code="T-MAIN-0001", reason="cracked", into="t-main-0001")
    got = release_tote(floor.db, boss, code="T-MAIN-0001", reason="cracked", into="T-MAIN-0002")
    assert got.status == "free" and _status(floor, "T-MAIN-0001") == ("free", None)
    assert _status(floor, "T-MAIN-0002") == ("in_use", a)
    assert _units_in(floor, "T-MAIN-0002") == {a: 1} and _units_in(floor, "T-MAIN-0001") == {}
    _, history = get_tote(floor.db, "T-MAIN-0001")
    assert [e.action for e in history] == ["tote_released"] and history[0].user == "boss"
    detail = history[0].detail
    assert detail["reason"] == "cracked" and detail["into"] == "T-MAIN-0002"
    assert detail["was"] == "in_use" and detail["pick_list_id"] == a and detail["units"] == 1
    with pytest.raises(InvalidTransition, match="already free"):
        release_tote(floor.db, boss, code="T-MAIN-0001", reason="again")
    # The other list takes the released tote; the first goes on in the new one.
    theirs = get_list(floor.db, b).open_tasks[0]
    assert _pick(floor, "quinn", theirs.task_id, "T-MAIN-0001", "q1") is None
    assert get_list(floor.db, a).totes  # the slot's tote is T-MAIN-0002
    nxt = get_list(floor.db, a).open_tasks[0]
    assert _pick(floor, "pat", nxt.task_id, "T-MAIN-0001", "p2") == "wrong_tote"
    assert _pick(floor, "pat", nxt.task_id, "T-MAIN-0002", "p3") is None
    assert [p.kind for p in check(floor.db)] == []


def test_into_must_be_a_free_tote_and_a_full_tote_stays_full(floor: Floor):
    floor.order([(1, 1), (3, 1), (4, 1)])
    floor.order([(5, 1)])
    floor.release()
    a, b = _claim(floor, "pat"), _claim(floor, "quinn")
    first, second, _ = get_list(floor.db, a).open_tasks
    assert _pick(floor, "pat", first.task_id, "T-MAIN-0021", "p1") is None
    exc.full_tote(floor.db, floor.actors["pat"], scan_id="f1", task_id=second.task_id)
    assert _pick(floor, "pat", second.task_id, "T-MAIN-0022", "p2") is None
    theirs = get_list(floor.db, b).open_tasks[0]
    assert _pick(floor, "quinn", theirs.task_id, "T-MAIN-0031", "q1") is None
    boss = floor.actors["boss"]
    for busy in ("T-MAIN-0022", "T-MAIN-0031"):
        with pytest.raises(InvalidTransition, match=r"is (in_use|at_packing): move the units"):
            release_tote(floor.db, boss, code="T-MAIN-0021", reason="cracked", into=busy)
    assert _status(floor, "T-MAIN-0021") == ("full", a)  # nothing half-applied
    release_tote(floor.db, boss, code="T-MAIN-0021", reason="cracked", into="T-MAIN-0023")
    assert _status(floor, "T-MAIN-0023") == ("full", a)
    assert _units_in(floor, "T-MAIN-0023") == {a: 1}
    assert [p.kind for p in check(floor.db)] == []


def test_a_tote_with_nothing_of_a_list_in_it_is_released_without_into(floor: Floor):
    floor.order([(1, 1)])
    floor.release()
    a = _claim(floor, "pat")
    task = get_list(floor.db, a).open_tasks[0]
    assert _pick(floor, "pat", task.task_id, "T-MAIN-0042", "p1") is None
    assert _status(floor, "T-MAIN-0042") == ("at_packing", a)
    boss = floor.actors["boss"]
    with pytest.raises(ValidationError, match="without --into"):
        release_tote(floor.db, boss, code="T-MAIN-0042", reason="lost", into="T-MAIN-0043")
    assert release_tote(floor.db, boss, code="T-MAIN-0042", reason="lost").status == "free"
    assert [p.kind for p in check(floor.db)] == []
