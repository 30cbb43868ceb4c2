"""Replenishment tasks: raised, claimed by one worker, done by scans, and the next one raised."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from tests import factories as f
from tests.core.stockyard import Yard, build, ledger_matches_stock
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.errors import PermissionDenied, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import MoveTask, StockMove
from wms_terminal.core.move_tasks import (
    cancel_task,
    claim_next,
    do_task,
    get_task,
    list_tasks,
    release_task,
)
from wms_terminal.core.stock_in_out import remove
from wms_terminal.core.task_sources import replenish_if_low
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter


@pytest.fixture
def yard(db: Database) -> Yard:
    return build(db)


def _raise(yard: Yard, n: int) -> int | None:
    def fn(s):  # type: ignore[no-untyped-def]
        task = replenish_if_low(s, location_id=yard.face[n].id, product_id=yard.product[n])
        return task.id if task else None

    return yard.db.run(fn)


def _do(yard: Yard, who: str, task_id: int, n: int, qty: int, **over: str):  # type: ignore[no-untyped-def]
    scans = {
        "from_location": yard.reserve[n].barcode,
        "item": yard.gtin(n),
        "to_location": yard.face[n].barcode,
        **over,
    }
    return do_task(yard.db, yard.actors[who], task_id=task_id, qty=qty, **scans)


def test_a_replenishment_walks_from_raised_to_done_and_the_next_is_raised(yard: Yard):
    first = _raise(yard, 1)
    assert first is not None
    assert _raise(yard, 1) is None  # an open task blocks a second one for the face

    got = claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh)
    assert got is not None and got.id == first and got.claimed_by == "ann"
    assert (got.from_location, got.to_location, got.qty) == (
        yard.reserve[1].code,
        yard.face[1].code,
        50,  # all the reserve holds (the face's maximum of 200 would take 197)
    )
    # The claimer asked again gets the same task back (one at a time).
    assert claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh).id == first  # type: ignore[union-attr]

    done = _do(yard, "ann", first, 1, 50)
    assert done.task.status == "done" and done.task.qty_moved == 50
    assert yard.stock(yard.face[1], 1) == (53, 0)
    assert yard.stock(yard.reserve[1], 1) == (0, 0)
    assert done.next_task_ids == ()  # 53 is above the minimum of 5
    with yard.db.reading() as s:
        moved = s.exec(select(StockMove).where(StockMove.kind == "transfer")).all()
        assert sorted((m.location_id, m.on_hand_delta) for m in moved) == sorted(
            [(yard.reserve[1].id, -50), (yard.face[1].id, 50)]
        )
    ledger_matches_stock(yard.db)

    # Picks take the face below its minimum again: a new task is raised (the old one is done).
    yard.db.run(
        lambda s: remove(
            s, location_id=yard.face[1].id, product_id=yard.product[1], qty=50, actor=SYSTEM
        )
    )
    with yard.db.transaction() as s:
        f.put(s, yard.reserve[1], _p(s, yard, 1), 10)  # a new pallet in reserve
    again = _raise(yard, 1)
    assert again is not None and again != first


def _p(s, yard: Yard, n: int):  # type: ignore[no-untyped-def]
    from wms_terminal.core.models import Product

    return s.get(Product, yard.product[n])


def test_moving_less_than_asked_raises_the_next_task_at_once(yard: Yard):
    task = _raise(yard, 2)
    assert task is not None
    claim_next(yard.db, yard.actors["bob"], warehouse_id=yard.wh)
    done = _do(yard, "bob", task, 2, 1)  # 2 + 1 = 3: still below the minimum of 5
    assert yard.stock(yard.face[2], 2) == (3, 0)
    assert len(done.next_task_ids) == 1
    nxt = get_task(yard.db, done.next_task_ids[0])
    assert (nxt.status, nxt.claimed_by, nxt.qty) == ("open", None, 39)
    ledger_matches_stock(yard.db)


def test_urgent_tasks_come_first(yard: Yard):
    older = _raise(yard, 1)
    newer = _raise(yard, 2)
    # An order takes both units of product 2's face and its pick list is released: a picker is
    # on the way to a face that holds no more than the pick needs.
    import_orders(yard.db, [f.order("URG", [(yard.sku(2), 2)])], actor=SYSTEM)
    release_wave(yard.db, yard.actors["sue"], WaveFilter(warehouse="MAIN"))
    listed = list_tasks(yard.db, warehouse_id=yard.wh)
    assert [(t.id, t.urgent) for t in listed] == [(newer, True), (older, False)]
    assert claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh).id == newer  # type: ignore[union-attr]
    assert claim_next(yard.db, yard.actors["bob"], warehouse_id=yard.wh).id == older  # type: ignore[union-attr]


def test_two_claimers_never_get_the_same_task(yard: Yard):
    tasks = {_raise(yard, 1), _raise(yard, 2)}
    results: dict[str, int | None] = {}
    barrier = threading.Barrier(3)

    def claim(who: str) -> None:
        barrier.wait()
        got = claim_next(yard.db, yard.actors[who], warehouse_id=yard.wh)
        results[who] = got.id if got else None

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("ann", "bob", "cy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = [v for v in results.values() if v is not None]
    assert sorted(got) == sorted(tasks)  # type: ignore[type-var]
    assert list(results.values()).count(None) == 1
    with yard.db.reading() as s:
        claimed = {t.id: t.claimed_by for t in s.exec(select(MoveTask))}
    assert len({claimed[i] for i in got}) == 2


def test_wrong_scans_change_nothing(yard: Yard):
    task = _raise(yard, 1)
    assert task is not None
    with pytest.raises(ValidationError, match="claim it first"):
        _do(yard, "ann", task, 1, 5)
    claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh)
    with pytest.raises(ValidationError, match="not claimed by you"):
        _do(yard, "bob", task, 1, 5)
    with pytest.raises(ValidationError, match=f"take the units from {yard.reserve[1].code}"):
        _do(yard, "ann", task, 1, 5, from_location=yard.reserve[2].barcode)
    with pytest.raises(ValidationError, match="wrong item: this task moves SKU-00001"):
        _do(yard, "ann", task, 1, 5, item=yard.gtin(2))
    with pytest.raises(ValidationError, match="wrong item"):
        _do(yard, "ann", task, 1, 5, item="4006381333931")
    with pytest.raises(ValidationError, match=f"put the units on {yard.face[1].code}"):
        _do(yard, "ann", task, 1, 5, to_location=yard.face[2].barcode)
    with pytest.raises(ValidationError, match="quantity must be 1 to 50"):
        _do(yard, "ann", task, 1, 51)
    assert yard.stock(yard.face[1], 1) == (3, 0)
    assert yard.stock(yard.reserve[1], 1) == (50, 0)
    view = get_task(yard.db, task)
    assert (view.status, view.claimed_by, view.qty_moved) == ("open", "ann", 0)
    ledger_matches_stock(yard.db)
    # The location's short code and the SKU work as well as the labels (keyed in by hand).
    done = _do(
        yard, "ann", task, 1, 5, from_location=yard.reserve[1].code.lower(), item=yard.sku(1)
    )
    assert done.task.status == "done"


def test_release_and_cancel_leave_every_state(yard: Yard):
    task = _raise(yard, 1)
    assert task is not None
    claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh)
    with pytest.raises(ValidationError, match="claimed by someone else"):
        release_task(yard.db, yard.actors["bob"], task_id=task)
    assert release_task(yard.db, yard.actors["ann"], task_id=task).claimed_by is None
    assert claim_next(yard.db, yard.actors["bob"], warehouse_id=yard.wh).id == task  # type: ignore[union-attr]
    assert release_task(yard.db, yard.actors["sue"], task_id=task).claimed_by is None
    with pytest.raises(PermissionDenied):
        cancel_task(yard.db, yard.actors["ann"], task_id=task, reason="no pallet")
    assert cancel_task(yard.db, yard.actors["sue"], task_id=task, reason="no pallet").status == (
        "cancelled"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        claim_next(yard.db, yard.actors["ann"], warehouse_id=yard.wh) or _do(
            yard, "ann", task, 1, 5
        )
    # A cancelled task no longer blocks the face: the next is raised.
    assert _raise(yard, 1) not in (None, task)
