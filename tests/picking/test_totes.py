"""Totes from free back to free: in use on a list, full (the slot goes on in a new tote), at
packing or sorting when the list is done, emptied by the packer, released by a supervisor."""

from __future__ import annotations

import pytest

from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.errors import InvalidTransition, PermissionDenied, ValidationError
from wms_terminal.core.states import TOTE_TRANSITIONS, ToteStatus
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.totes import (
    empty_tote,
    free_totes_of_lists,
    get_tote,
    list_totes,
)

from .conftest import Floor
from .helpers import rows, scalar


def _packer(floor: Floor) -> Actor:
    with floor.db.transaction() as s:
        u = create_user(s, username="penny", name="Penny", role="packer", pin="1234")
        assert u.id is not None
        return Actor(u.id, "penny", "packer", terminal="PACK-1")


def _status(floor: Floor, code: str) -> tuple[str, int | None]:
    got = rows(floor.db, "SELECT status, pick_list_id FROM tote WHERE code = :c", c=code)
    assert got, code
    return str(got[0][0]), got[0][1]


def _claim(floor: Floor, who: str = "pat") -> int:
    lid = service.claim_next(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)
    assert lid is not None
    return lid


def _pick(floor: Floor, lid: int, task_id: int, qty: int, tote: str | None, sid: str) -> None:
    r = service.confirm_pick(
        floor.db, floor.actors["pat"], scan_id=sid, task_id=task_id, qty=qty, tote=tote
    )
    assert r.accepted, r


def test_every_tote_state_can_be_left_and_free_is_reached_from_each():
    for status, targets in TOTE_TRANSITIONS.items():
        assert targets, status
        assert status == ToteStatus.FREE or ToteStatus.FREE in targets


def test_full_tote_goes_on_in_a_new_one_and_both_are_packed_and_freed(floor: Floor):
    packer = _packer(floor)
    floor.order([(1, 2), (3, 1)])
    floor.release()
    lid = _claim(floor)
    first, second = get_list(floor.db, lid).open_tasks
    _pick(floor, lid, first.task_id, first.remaining, "T-MAIN-0001", "p1")
    assert _status(floor, "T-MAIN-0001") == ("in_use", lid)

    r = exc.full_tote(floor.db, floor.actors["pat"], scan_id="full-1", task_id=second.task_id)
    assert r.accepted and r.data["tote"] == "T-MAIN-0001"
    assert _status(floor, "T-MAIN-0001") == ("full", lid)
    # The slot has no tote in use now: the next pick asks for a new one; the full one is refused.
    assert get_list(floor.db, lid).totes == {}
    refused = service.confirm_pick(
        floor.db, floor.actors["pat"], scan_id="p2x", task_id=second.task_id, qty=second.remaining,
        tote="T-MAIN-0001",
    )  # fmt: skip
    assert not refused.accepted and refused.message == M.fmt(M.TOTE_FULL, tote="T-MAIN-0001")
    _pick(floor, lid, second.task_id, second.remaining, "T-MAIN-0002", "p2")

    # List done: both totes travel on with the list to packing (one order in them).
    assert scalar(floor.db, "SELECT status FROM pick_list") == "done"
    assert _status(floor, "T-MAIN-0001") == ("at_packing", lid)
    assert _status(floor, "T-MAIN-0002") == ("at_packing", lid)
    view, _ = get_tote(floor.db, "T-MAIN-0001")
    assert view.units == first.remaining and len(view.orders) == 1

    # Only a packer (or above) empties a tote, and only one waiting at packing.
    with pytest.raises(PermissionDenied):
        empty_tote(floor.db, floor.actors["pat"], code="T-MAIN-0001")
    with pytest.raises(InvalidTransition, match="waiting at packing"):
        empty_tote(floor.db, packer, code="T-MAIN-0001", how="sorted")
    got = empty_tote(floor.db, packer, code="t-main-0001", package="PKG-1")  # Caps Lock read
    assert got.status == "free"
    empty_tote(floor.db, packer, code="T-MAIN-0002")
    assert _status(floor, "T-MAIN-0001") == ("free", None)
    assert _status(floor, "T-MAIN-0002") == ("free", None)
    with pytest.raises(InvalidTransition, match="already empty"):
        empty_tote(floor.db, packer, code="T-MAIN-0002")
    audit = rows(
        floor.db,
        "SELECT entity_id, reason_code, user_id FROM audit_log WHERE action = 'tote_emptied' "
        "ORDER BY id",
    )
    assert audit == [
        ("T-MAIN-0001", "PACKED", packer.user_id),
        ("T-MAIN-0002", "PACKED", packer.user_id),
    ]
    _, history = get_tote(floor.db, "T-MAIN-0001")
    assert history[0].action == "tote_emptied" and history[0].detail["units"] == first.remaining
    assert history[0].detail["package"] == "PKG-1"

    # Free again: the next list takes it.
    floor.order([(4, 1)])
    floor.release()
    lid2 = _claim(floor)
    (task,) = get_list(floor.db, lid2).open_tasks
    _pick(floor, lid2, task.task_id, 1, "T-MAIN-0001", "p3")
    assert _status(floor, "T-MAIN-0001") == ("at_packing", lid2)


def test_a_tote_still_on_a_list_cannot_be_emptied(floor: Floor):
    packer = _packer(floor)
    floor.order([(1, 1), (3, 1)])
    floor.release()
    lid = _claim(floor)
    task = get_list(floor.db, lid).open_tasks[0]
    _pick(floor, lid, task.task_id, 1, "T-MAIN-0005", "p1")
    with pytest.raises(InvalidTransition, match=f"still on pick list {lid}"):
        empty_tote(floor.db, packer, code="T-MAIN-0005")
    with pytest.raises(ValidationError, match="tote label"):
        empty_tote(floor.db, packer, code="L-MAIN-01-01-1L")
    assert _status(floor, "T-MAIN-0005") == ("in_use", lid)


def test_batch_tote_with_several_orders_is_sorted_before_it_is_free(floor: Floor):
    packer = _packer(floor)
    floor.order([(1, 1)])
    floor.order([(3, 1)])
    floor.release("batch")
    lid = _claim(floor)
    for n, task in enumerate(get_list(floor.db, lid).open_tasks):
        _pick(floor, lid, task.task_id, 1, "T-MAIN-0009" if n == 0 else None, f"b{n}")
    assert _status(floor, "T-MAIN-0009") == ("at_sorting", lid)
    with pytest.raises(InvalidTransition, match="sort it at consolidation"):
        empty_tote(floor.db, packer, code="T-MAIN-0009")
    empty_tote(floor.db, packer, code="T-MAIN-0009", how="sorted")
    assert _status(floor, "T-MAIN-0009") == ("free", None)


def test_checking_a_tote_binds_nothing_the_pick_does(floor: Floor):
    floor.order([(3, 2)])  # product 3 has one location: a short pick back-orders the rest
    floor.release()
    lid = _claim(floor)
    (task,) = get_list(floor.db, lid).open_tasks
    before = scalar(floor.db, "SELECT COUNT(*) FROM tote")
    r = service.check_step(
        floor.db, floor.actors["pat"], scan_id="t1", task_id=task.task_id, step="tote",
        code="T-MAIN-0003",
    )  # fmt: skip
    # The label passes (a tote not seen before is fine), but a check changes nothing: no tote
    # row made, none bound; another list may still take it.
    assert r.accepted and r.data["tote"] == "T-MAIN-0003"
    assert scalar(floor.db, "SELECT COUNT(*) FROM tote") == before
    assert get_list(floor.db, lid).totes == {}
    r = exc.report_short(floor.db, floor.actors["pat"], scan_id="s1", task_id=task.task_id, found=0)
    assert r.accepted and r.data["list_done"], r
    assert scalar(floor.db, "SELECT COUNT(*) FROM tote WHERE status <> 'free'") == 0


def test_two_lists_check_one_free_tote_the_first_pick_takes_it(floor: Floor):
    floor.order([(1, 1)])
    floor.order([(4, 1)])
    floor.release()
    mine, theirs = _claim(floor, "pat"), _claim(floor, "quinn")
    (a,) = get_list(floor.db, mine).open_tasks
    (b,) = get_list(floor.db, theirs).open_tasks
    for who, task in (("pat", a), ("quinn", b)):
        r = service.check_step(
            floor.db, floor.actors[who], scan_id=f"c-{who}", task_id=task.task_id, step="tote",
            code="T-MAIN-0031",
        )  # fmt: skip
        assert r.accepted, r
    _pick(floor, mine, a.task_id, 1, "T-MAIN-0031", "p1")
    assert _status(floor, "T-MAIN-0031") == ("at_packing", mine)
    late = service.confirm_pick(
        floor.db, floor.actors["quinn"], scan_id="p2", task_id=b.task_id, qty=1, tote="T-MAIN-0031"
    )
    assert not late.accepted and late.message == M.fmt(M.TOTE_BUSY, tote="T-MAIN-0031")
    assert get_list(floor.db, theirs).open_tasks[0].remaining == 1  # nothing picked


def test_cancelled_lists_free_their_totes(floor: Floor):
    floor.order([(1, 1), (3, 1), (4, 1)])
    floor.release()
    lid = _claim(floor)
    first, second, _ = get_list(floor.db, lid).open_tasks
    _pick(floor, lid, first.task_id, 1, "T-MAIN-0021", "p1")
    exc.full_tote(floor.db, floor.actors["pat"], scan_id="f1", task_id=second.task_id)
    _pick(floor, lid, second.task_id, 1, "T-MAIN-0022", "p2")
    with floor.db.transaction() as s:
        freed = free_totes_of_lists(s, [lid, 9999])
    assert freed == ["T-MAIN-0021", "T-MAIN-0022"]
    assert {v.code: v.status for v in list_totes(floor.db)} == {
        "T-MAIN-0021": "free",
        "T-MAIN-0022": "free",
    }
    with floor.db.transaction() as s:
        assert free_totes_of_lists(s, []) == []
    assert [v.code for v in list_totes(floor.db, status="free", warehouse="MAIN")] == [
        "T-MAIN-0021",
        "T-MAIN-0022",
    ]
    with pytest.raises(ValidationError):
        list_totes(floor.db, status="lost")


def _before_tote_life_cycle() -> str:
    """The revision before the migration that gives totes their life cycle."""
    from alembic.script import ScriptDirectory

    from wms_terminal.core.migrate import _config

    script = ScriptDirectory.from_config(_config())
    (rev,) = [r for r in script.walk_revisions() if "tote life cycle" in (r.doc or "")]
    return str(rev.down_revision)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    return str(request.getfixturevalue("pg_scratch_url"))


def test_the_migration_moves_totes_stuck_on_finished_lists(empty_url: str):
    from sqlalchemy import text

    from wms_terminal.core import migrate
    from wms_terminal.core.db import make_engine

    engine = make_engine(empty_url)
    migrate.upgrade(engine, _before_tote_life_cycle())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO warehouse (id, code, name, street, city, postcode, country, "
                "latitude, longitude, layout) VALUES (1, 'MAIN', 'Main', 's', 'c', 'p', 'NL', "
                "0, 0, '{}')"
            )
        )
        for lid, status in ((1, "done"), (2, "cancelled"), (3, "claimed")):
            conn.execute(
                text(
                    "INSERT INTO pick_list (id, warehouse_id, strategy, status, priority, "
                    "terminal, routing_method, route_length_m, tote_count, created_at) "
                    "VALUES (:id, 1, 'per-order', :s, 0, '', 'optimal', 0, 1, :now)"
                ),
                {"id": lid, "s": status, "now": "2026-01-01T00:00:00+00:00"},
            )
        for n, (status, lid) in enumerate(
            [("in_use", 1), ("full", 1), ("full", 2), ("in_use", 3), ("free", None)], start=1
        ):
            conn.execute(
                text(
                    "INSERT INTO tote (warehouse_id, code, status, pick_list_id) "
                    "VALUES (1, :c, :s, :l)"
                ),
                {"c": f"T-MAIN-{n:04d}", "s": status, "l": lid},
            )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        got = conn.execute(text("SELECT code, status, pick_list_id FROM tote ORDER BY code")).all()
    engine.dispose()
    assert [tuple(r) for r in got] == [
        ("T-MAIN-0001", "at_packing", 1),
        ("T-MAIN-0002", "at_packing", 1),
        ("T-MAIN-0003", "free", None),
        ("T-MAIN-0004", "in_use", 3),
        ("T-MAIN-0005", "free", None),
    ]


def test_cancelling_a_wave_frees_the_tote_picked_into(floor: Floor):
    from wms_terminal.picking.wave_admin import cancel_wave

    floor.order([(1, 1), (3, 1)])
    wave = floor.release()
    lid = _claim(floor)
    first, _ = get_list(floor.db, lid).open_tasks
    _pick(floor, lid, first.task_id, 1, "T-MAIN-0051", "p1")
    assert _status(floor, "T-MAIN-0051") == ("in_use", lid)
    got = cancel_wave(floor.db, floor.actors["boss"], wave.number, reason="test")
    assert got.totes_freed == 1
    assert _status(floor, "T-MAIN-0051") == ("free", None)
