"""The item check at the service takes the raw scan and the scanning layer's classification: a
case code counts its pack, GS1 scans record lot, expiry and serial on the pick, an expired lot is
refused, a Caps Lock location label is the location; a stored outcome answers only its user and
task."""

from __future__ import annotations

import threading
from typing import Any

from stdnum import ean

from wms_terminal.core.models import ProductBarcode
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.scanning.scan import GS

from .conftest import Floor
from .helpers import rows, scalar, snapshot, stock


def _case(floor: Floor, n: int, units: int = 12) -> str:
    """A GTIN-14 case barcode of product n holding `units`."""
    body = "1" + floor.gtin(n)[:12]
    code = body + ean.calc_check_digit(body)
    with floor.db.transaction() as s:
        s.add(
            ProductBarcode(
                product_id=floor.products[n].id, barcode=code, kind="gtin14", pack_qty=units
            )
        )
    return code


def _task(floor: Floor, lines: list[tuple[int, int]], who: str = "pat") -> Any:
    floor.order(lines)
    floor.release()
    lid = service.claim_next(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)
    assert lid is not None
    return get_list(floor.db, lid).tasks[0]


def test_a_case_of_12_confirms_12_units_and_the_ledger_follows(floor: Floor) -> None:
    case = _case(floor, 3)
    task = _task(floor, [(3, 24)])
    pat = floor.actors["pat"]
    r = service.check_step(
        floor.db, pat, scan_id="i1", task_id=task.task_id, step="item", code=case
    )
    assert r.accepted and r.data["units"] == 12, r
    each = service.check_step(
        floor.db, pat, scan_id="i2", task_id=task.task_id, step="item", code=floor.gtin(3)
    )
    assert each.accepted and each.data["units"] == 1, each
    before = snapshot(floor.db)
    # Units in whole packs only.
    odd = service.confirm_pick(floor.db, pat, scan_id="c0", task_id=task.task_id, qty=18, item=case)
    assert not odd.accepted and odd.code == "bad_qty", odd
    assert odd.message == M.fmt(M.PACK_MULTIPLE, units=12)
    assert {**snapshot(floor.db), "scan_record": 0} == {**before, "scan_record": 0}
    # One case scanned: one pack of 12 confirmed.
    r = service.confirm_pick(floor.db, pat, scan_id="c1", task_id=task.task_id, item=case)
    assert r.accepted and r.data["qty"] == 12 and r.data["task_status"] == "open", r
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (38, 12)
    assert rows(floor.db, "SELECT qty_picked, status FROM pick_task") == [(12, "open")]
    assert rows(
        floor.db, "SELECT on_hand_delta, reserved_delta FROM stock_ledger WHERE kind = 'pick'"
    ) == [(-12, -12)]
    r = service.confirm_pick(floor.db, pat, scan_id="c2", task_id=task.task_id, qty=12, item=case)
    assert r.accepted and r.data["task_status"] == "picked" and r.data["list_done"], r
    assert stock(floor.db, floor.face[3].id, floor.products[3].id) == (26, 0)
    assert (
        scalar(floor.db, "SELECT SUM(on_hand_delta) FROM stock_ledger WHERE kind = 'pick'") == -24
    )


def test_a_case_is_refused_where_fewer_units_are_needed(floor: Floor) -> None:
    case = _case(floor, 4)
    task = _task(floor, [(4, 5)])
    pat = floor.actors["pat"]
    before = snapshot(floor.db)
    r = service.check_step(
        floor.db, pat, scan_id="i1", task_id=task.task_id, step="item", code=case
    )
    assert not r.accepted and r.code == "pack_too_big", r
    assert r.message == M.fmt(M.PACK_TOO_BIG, units=12, qty=5)
    r = service.confirm_pick(floor.db, pat, scan_id="c1", task_id=task.task_id, item=case)
    assert not r.accepted and r.code == "pack_too_big", r
    after = snapshot(floor.db)
    assert after["scan_record"] == before["scan_record"] + 2
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}


def _gtin14(floor: Floor, n: int) -> str:
    return "0" + floor.gtin(n)


def test_gs1_scans_record_lot_expiry_and_serial_on_the_pick(floor: Floor) -> None:
    first = _task(floor, [(5, 2), (6, 1)])
    by_sku = {t.sku: t for t in get_list(floor.db, _list_of(floor, first.task_id)).tasks}
    task, nxt = by_sku[floor.sku(5)], by_sku[floor.sku(6)]
    pat = floor.actors["pat"]
    # Human-readable form with parentheses.
    hri = f"(01){_gtin14(floor, 5)}(17)351231(10)LOT7(21)SN-1"
    r = service.check_step(floor.db, pat, scan_id="i1", task_id=task.task_id, step="item", code=hri)
    assert r.accepted and r.data["units"] == 1, r
    r = service.confirm_pick(floor.db, pat, scan_id="c1", task_id=task.task_id, qty=2, item=hri)
    assert r.accepted, r
    assert rows(
        floor.db,
        "SELECT lot, CAST(expiry AS VARCHAR(10)), serial FROM pick_task WHERE id = :t",
        t=task.task_id,
    ) == [("LOT7", "2035-12-31", "SN-1")]
    # A GS1-128 element string as a scanner sends it (AIM id, GS after the variable lot).
    raw = f"]C101{_gtin14(floor, 6)}10B2{GS}17360101"
    r = service.confirm_pick(floor.db, pat, scan_id="c2", task_id=nxt.task_id, item=raw)
    assert r.accepted and r.data["qty"] == 1, r
    assert rows(
        floor.db,
        "SELECT lot, CAST(expiry AS VARCHAR(10)), serial FROM pick_task WHERE id = :t",
        t=nxt.task_id,
    ) == [("B2", "2036-01-01", None)]


def _list_of(floor: Floor, task_id: int) -> int:
    return int(scalar(floor.db, "SELECT pick_list_id FROM pick_task WHERE id = :t", t=task_id))


def test_an_expired_lot_is_refused_and_changes_nothing(floor: Floor) -> None:
    task = _task(floor, [(5, 1)])
    pat = floor.actors["pat"]
    before = snapshot(floor.db)
    expired = f"(01){_gtin14(floor, 5)}(17)200131(10)OLD"
    r = service.confirm_pick(floor.db, pat, scan_id="c1", task_id=task.task_id, item=expired)
    assert not r.accepted and r.code == "expired", r
    assert r.message == M.fmt(M.EXPIRED, date="2020-01-31")
    r = service.check_step(
        floor.db, pat, scan_id="i1", task_id=task.task_id, step="item", code=expired
    )
    assert not r.accepted and r.code == "expired", r
    after = snapshot(floor.db)
    assert {**after, "scan_record": 0} == {**before, "scan_record": 0}


def test_a_lower_case_location_label_is_the_location(floor: Floor) -> None:
    task = _task(floor, [(5, 1)])
    pat = floor.actors["pat"]
    label = floor.face[5].barcode
    r = service.check_step(
        floor.db, pat, scan_id="l1", task_id=task.task_id, step="location", code=label.lower()
    )
    assert r.accepted and r.code == "location_ok", r
    wrong = floor.face[6].barcode.lower()
    r = service.check_step(
        floor.db, pat, scan_id="l2", task_id=task.task_id, step="location", code=wrong
    )
    assert not r.accepted and r.code == "wrong_location", r
    # A location label scanned with the confirmation, in lower case too.
    r = service.confirm_pick(
        floor.db, pat, scan_id="c1", task_id=task.task_id, qty=1, location=label.lower()
    )
    assert r.accepted, r


def test_a_replayed_scan_id_answers_only_its_user_and_task(floor: Floor) -> None:
    pat, quinn = floor.actors["pat"], floor.actors["quinn"]
    mine = _task(floor, [(3, 1), (4, 1)])
    other = next(t for t in get_list(floor.db, _list_of(floor, mine.task_id)).tasks if t != mine)
    hers = _task(floor, [(5, 1)], who="quinn")
    first = service.confirm_pick(floor.db, pat, scan_id="s1", task_id=mine.task_id, qty=1)
    assert first.accepted, first
    before = snapshot(floor.db)
    # Another user sending the same scan id for her own task: refused, nothing changes.
    r = service.confirm_pick(floor.db, quinn, scan_id="s1", task_id=hers.task_id, qty=1)
    assert not r.accepted and r.code == "scan_id_reused" and not r.replayed, r
    # The same user, the same id, another task: refused too.
    r = service.confirm_pick(floor.db, pat, scan_id="s1", task_id=other.task_id, qty=1)
    assert not r.accepted and r.code == "scan_id_reused", r
    r = service.check_step(
        floor.db, quinn, scan_id="s1", task_id=mine.task_id, step="location", code="x"
    )
    assert not r.accepted and r.code == "scan_id_reused", r
    assert snapshot(floor.db) == before
    # Its own user and task get the stored outcome.
    again = service.confirm_pick(floor.db, pat, scan_id="s1", task_id=mine.task_id, qty=1)
    assert again.replayed and again.accepted and again.data == first.data
    assert snapshot(floor.db) == before


def test_the_last_two_tasks_confirmed_at_once_finish_the_list(floor: Floor) -> None:
    """One picker, two terminals, a batch list's last two tasks (two orders) confirmed at the
    same moment: the list ends done every time (PostgreSQL left it claimed with nothing open)."""
    pat = floor.actors["pat"]
    for round_ in range(8):
        floor.order([(3, 1)])
        floor.order([(4, 1)])
        wave = floor.release("batch")
        assert len(wave.pick_list_ids) == 1, wave
        lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
        assert lid == wave.pick_list_ids[0]
        tasks = get_list(floor.db, lid).tasks
        assert len({t.order_id for t in tasks}) == 2
        results = _at_once(floor, tasks, f"r{round_}")
        assert all(r.accepted for r in results), results
        assert sum(bool(r.data["list_done"]) for r in results) == 1, results
        assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :l", l=lid) == "done"
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status <> 'picked'") == 0


def _at_once(floor: Floor, tasks: Any, prefix: str) -> list[Any]:
    """Confirm every task of `tasks` from its own thread (terminal), all at the same moment."""
    pat = floor.actors["pat"]
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = []

    def confirm(task: Any) -> None:
        barrier.wait()
        results.append(
            service.confirm_pick(
                floor.db, pat, scan_id=f"{prefix}-{task.task_id}", task_id=task.task_id, qty=1
            )
        )

    threads = [threading.Thread(target=confirm, args=(t,)) for t in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
