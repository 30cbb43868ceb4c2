"""A blocked location (being counted, reported empty) is neither reserved from, by an import that
planned on it a moment before the block, nor drawn from or filled by replenishment and put-away;
the count's end opens it again for all of them."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.move_tasks import claim_next, do_task
from wms_terminal.core.task_sources import replenish_if_low
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.counts import cancel_count
from wms_terminal.picking.location_block import block, raise_count

from .conftest import Floor
from .helpers import rows, scalar, stock


def _count(floor: Floor, location_id: int, n: int) -> int:
    with floor.db.transaction() as s:
        return raise_count(
            s,
            warehouse_id=floor.warehouse_id,
            location_id=location_id,
            product_id=floor.products[n].id,
            reason="test",
            actor=SYSTEM,
        )


def test_an_import_racing_a_block_reserves_nothing_there(floor: Floor):
    face = floor.face[3]  # product 3's only location
    started = threading.Event()
    numbers: list[str] = []

    def importer() -> None:
        started.set()
        numbers.append(floor.order([(3, 2)]))

    with floor.db.transaction() as s:
        block(s, face.id, "empty")  # not committed yet: the import may plan on the shelf
        t = threading.Thread(target=importer)
        t.start()
        started.wait()
        time.sleep(1.5)  # the import reaches its reservation and waits for the block
    t.join(timeout=60)
    assert numbers and numbers[0]
    assert stock(floor.db, face.id, floor.products[3].id) == (50, 0)
    got = rows(
        floor.db,
        "SELECT status FROM sales_order WHERE number = :n",
        n=numbers[0],
    )
    assert got == [("backordered",)]
    assert (
        scalar(floor.db, "SELECT COUNT(*) FROM reservation WHERE location_id = :l", l=face.id) == 0
    )


def test_replenishment_skips_a_blocked_reserve_until_its_count_ends(floor: Floor):
    reserve = floor.reserve[2]
    count_id = _count(floor, reserve.id, 2)
    floor.order([(2, 6)])  # the face holds 50, minimum 45: 44 after the pick
    floor.release()
    lid = service.claim_next(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert lid is not None
    (task,) = get_list(floor.db, lid).open_tasks
    r = service.confirm_pick(
        floor.db, floor.actors["pat"], scan_id="p1", task_id=task.task_id, qty=6
    )
    assert r.accepted and "replenishment" not in r.data, r  # the only reserve is being counted
    assert scalar(floor.db, "SELECT COUNT(*) FROM replenishment_task") == 0

    cancel_count(floor.db, floor.actors["boss"], count_id=count_id, reason="recounted by hand")
    got = floor.db.run(
        lambda s: replenish_if_low(s, location_id=floor.face[2].id, product_id=floor.products[2].id)
    )
    assert got is not None and got.from_location_id == reserve.id


def test_a_task_from_a_location_blocked_after_it_was_raised_waits_for_the_count(floor: Floor):
    face, reserve, pid = floor.face[2], floor.reserve[2], floor.products[2].id
    with floor.db.transaction() as s:
        s.execute(
            text("UPDATE stock SET on_hand = 40 WHERE location_id = :l AND product_id = :p"),
            {"l": face.id, "p": pid},
        )
    task = floor.db.run(lambda s: replenish_if_low(s, location_id=face.id, product_id=pid))
    assert task is not None and task.id is not None
    count_id = _count(floor, reserve.id, 2)
    worker = floor.actors["boss"]
    claimed = claim_next(floor.db, worker, warehouse_id=floor.warehouse_id)
    assert claimed is not None and claimed.id == task.id

    def do() -> object:
        return do_task(
            floor.db, worker, task_id=task.id, from_location=reserve.barcode,
            item=floor.gtin(2), qty=task.qty, to_location=face.barcode,
        )  # fmt: skip

    with pytest.raises(ValidationError, match="being counted: do this task when the count ends"):
        do()
    assert stock(floor.db, reserve.id, pid) == (100, 0)  # nothing moved
    cancel_count(floor.db, floor.actors["boss"], count_id=count_id, reason="checked")
    do()
    assert stock(floor.db, reserve.id, pid) == (100 - task.qty, 0)
