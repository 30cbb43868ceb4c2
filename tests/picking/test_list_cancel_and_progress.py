"""One pick list cancelled (orders back to reserved, the rest of the wave going on; the last list
takes the wave with it; picked units put back), refused when its orders are on other lists; and the
desk's live progress read: lists by status, lines per picker per hour, shorts, alerts."""

from __future__ import annotations

import pytest

from wms_terminal.core.errors import InvalidTransition, PermissionDenied
from wms_terminal.core.invariants import check
from wms_terminal.core.models import Product
from wms_terminal.picking import service, wave_admin
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.exceptions import report_short
from wms_terminal.picking.list_cancel import cancel_list
from wms_terminal.picking.progress import HOURS, floor_progress
from wms_terminal.picking.wave_map import released_map

from .conftest import Floor
from .helpers import rows, scalar


def test_a_list_cancelled_alone_then_the_last_one_takes_the_wave(floor: Floor) -> None:
    first_order = floor.order([(1, 2)])
    second_order = floor.order([(3, 1)])
    wave = floor.release()
    first, second = wave.pick_list_ids
    boss = floor.actors["boss"]
    with pytest.raises(PermissionDenied):
        cancel_list(floor.db, floor.actors["pat"], first)

    done = cancel_list(floor.db, boss, first, reason="wrong filter")
    assert (done.orders, done.wave_cancelled) == (1, False)
    statuses = dict(rows(floor.db, "SELECT number, status FROM sales_order"))
    assert statuses == {first_order: "reserved", second_order: "released"}
    assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :i", i=second) == "open"
    assert scalar(floor.db, "SELECT status FROM wave") == "released"
    assert check(floor.db) == []
    with pytest.raises(InvalidTransition, match="nothing to cancel"):
        cancel_list(floor.db, boss, first)

    last = cancel_list(floor.db, boss, second)
    assert last.wave_cancelled and last.wave == wave.number
    assert scalar(floor.db, "SELECT status FROM wave") == "cancelled"
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status = 'reserved'") == 2
    assert check(floor.db) == []
    # The orders go into the next wave as if nothing happened.
    assert floor.release().orders == 2


def test_a_wave_with_one_list_cancelled_can_still_be_cancelled(floor: Floor) -> None:
    floor.order([(1, 1)])
    floor.order([(3, 1)])
    wave = floor.release()
    boss = floor.actors["boss"]
    cancel_list(floor.db, boss, wave.pick_list_ids[0])
    result = wave_admin.cancel_wave(floor.db, boss, wave.number)
    assert (result.orders, result.pick_lists) == (1, 1)
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status = 'reserved'") == 2
    assert check(floor.db) == []


def test_a_list_sharing_its_orders_is_not_cancelled_one_picked_from_puts_back(floor: Floor) -> None:
    floor.order([(1, 1), (3, 1)])  # zone A and zone B: two lists for one order
    wave = floor.release(strategy="zone")
    assert len(wave.pick_list_ids) == 2
    boss = floor.actors["boss"]
    with pytest.raises(InvalidTransition, match="cancel the whole wave"):
        cancel_list(floor.db, boss, wave.pick_list_ids[0])

    number = floor.order([(5, 2)])
    alone = floor.release()
    [lid] = alone.pick_list_ids
    pat = floor.actors["pat"]
    wave_admin.reassign_list(floor.db, boss, lid, "pat")
    task = get_list(floor.db, lid).tasks[0]
    assert service.confirm_pick(floor.db, pat, scan_id="p1", task_id=task.task_id, qty=1).accepted
    # Picked from: the picked unit goes back to stock (emptied at receiving, put away again);
    # the order takes a free unit on the shelf in its place at once.
    done = cancel_list(floor.db, boss, lid, reason="stop")
    assert (done.units_put_back, done.wave_cancelled) == (1, True)
    assert done.put_back_location
    assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :i", i=lid) == "cancelled"
    assert scalar(floor.db, "SELECT status FROM sales_order WHERE number = :n", n=number) == (
        "reserved"
    )
    assert check(floor.db) == []


def test_progress_counts_lists_picker_lines_shorts_and_alerts(floor: Floor) -> None:
    floor.order([(3, 2), (5, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    first, second = get_list(floor.db, lid).tasks
    service.confirm_pick(floor.db, pat, scan_id="c1", task_id=first.task_id, qty=first.qty)
    report_short(floor.db, pat, scan_id="s1", task_id=second.task_id, found=0)
    with floor.db.transaction() as s:
        p = s.get(Product, floor.products[7].id)
        assert p is not None
        p.reorder_point, p.reorder_qty = 60, 10  # 50 on the shelf: at or under its point
        s.add(p)

    view = floor_progress(floor.db)
    assert view.waves == {"released": 1}
    [rate] = view.pickers
    assert (rate.username, rate.last_hour, len(rate.hourly)) == ("pat", 1, HOURS)
    assert rate.hourly[-1] == 1 and sum(rate.hourly) == 1
    [short] = view.shorts
    assert (short.pick_list_id, short.status, short.picker) == (lid, "short", "pat")
    assert [(a.sku, a.free, a.reorder_point) for a in view.alerts] == [(floor.sku(7), 50, 60)]
    assert view.open_counts >= 1  # the short made a count task


def test_the_map_of_a_released_wave_holds_its_open_picks_per_list_in_route_order(floor: Floor):
    floor.order([(1, 1), (6, 1), (3, 1)])
    floor.order([(4, 2)])
    wave = floor.release()
    view = released_map(floor.db, wave.number)
    assert [ml.label for ml in view.lists] == [str(i) for i in wave.pick_list_ids]
    for ml, lid in zip(view.lists, wave.pick_list_ids, strict=True):
        tasks = get_list(floor.db, lid).tasks  # route order (seq)
        assert [(p.aisle, p.bay) for p in ml.points] == [
            (floor.face[_n(floor, t.sku)].aisle, floor.face[_n(floor, t.sku)].bay) for t in tasks
        ]
    cancel_list(floor.db, floor.actors["boss"], wave.pick_list_ids[1])
    assert [ml.label for ml in released_map(floor.db, wave.number).lists] == [
        str(wave.pick_list_ids[0])
    ]


def _n(floor: Floor, sku: str) -> int:
    return next(n for n in floor.products if floor.sku(n) == sku)
