"""An order that comes back from a wave to wait takes the free stock on the shelves at once
(`backorders.rereserve`, in the same transaction): when its list ends with nothing picked, and
when its wave or list is cancelled. Before, it waited for the product's next arrival."""

from __future__ import annotations

from wms_terminal.core.invariants import check
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.counts import cancel_count
from wms_terminal.picking.list_cancel import cancel_list
from wms_terminal.picking.stock_change import adjust_stock
from wms_terminal.picking.wave_admin import cancel_wave

from .conftest import Floor
from .helpers import rows, scalar


def _order(floor: Floor, number: str) -> tuple[str, list[tuple[int, int, int]]]:
    status = scalar(floor.db, "SELECT status FROM sales_order WHERE number = :n", n=number)
    lines = rows(
        floor.db,
        "SELECT ol.product_id, ol.qty_reserved, ol.qty_backordered FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id WHERE so.number = :n ORDER BY ol.product_id",
        n=number,
    )
    return str(status), [(int(a), int(b), int(c)) for a, b, c in lines]


def _unserved(floor: Floor) -> list[tuple[int, int]]:
    """Free pickable units of a product some waiting order lacks (none may be left)."""
    got = rows(
        floor.db,
        "SELECT s.product_id, SUM(s.on_hand - s.reserved) FROM stock s "
        "JOIN location l ON l.id = s.location_id WHERE l.kind IN ('pick_face', 'reserve') "
        "AND NOT l.blocked GROUP BY s.product_id HAVING SUM(s.on_hand - s.reserved) > 0 "
        "AND EXISTS (SELECT 1 FROM order_line ol JOIN sales_order so ON so.id = ol.order_id "
        "WHERE ol.product_id = s.product_id AND ol.qty_backordered > 0 "
        "AND so.status IN ('backordered', 'partially_reserved'))",
    )
    return [(int(p), int(q)) for p, q in got]


def test_a_list_ending_with_nothing_picked_serves_its_order_from_free_stock(floor: Floor):
    number = floor.order([(3, 2), (4, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    first, second = get_list(floor.db, lid).open_tasks
    # Nothing on the shelf of the first: it is blocked and counted; the count is called off.
    r = exc.report_short(floor.db, pat, scan_id="s1", task_id=first.task_id, found=0)
    assert r.accepted, r
    count_id = int(r.data["count_task_id"])
    cancel_count(floor.db, floor.actors["boss"], count_id=count_id, reason="units were there")
    # Nothing on the second either: the list ends with nothing picked.
    r = exc.report_short(floor.db, pat, scan_id="s2", task_id=second.task_id, found=0)
    assert r.accepted and r.data["list_done"], r
    # The first product's shelf is open again with its units: the order takes them now; the
    # second's shelf is being counted and gives none.
    status, lines = _order(floor, number)
    assert status == "partially_reserved"
    by_product = {pid: (reserved, short) for pid, reserved, short in lines}
    assert by_product[first.product_id] == (first.qty, 0)
    assert by_product[second.product_id] == (0, second.qty)
    assert _unserved(floor) == [] and check(floor.db) == []


def _on_wave_short_of_free_stock(floor: Floor) -> str:
    """An order of 60 of product 3 (50 on the shelf) on a wave; 5 more found on the shelf
    meanwhile, free (the order is on a wave, not waiting)."""
    number = floor.order([(3, 60)])
    floor.release()
    adjust_stock(
        floor.db,
        floor.actors["boss"],
        location=floor.face[3].barcode,
        sku=floor.sku(3),
        reason_code="found",
        delta=5,
    )
    assert _order(floor, number)[1] == [(floor.products[3].id, 50, 10)]
    return number


def test_a_cancelled_wave_serves_its_orders_from_free_stock(floor: Floor):
    number = _on_wave_short_of_free_stock(floor)
    wave = scalar(floor.db, "SELECT number FROM wave")
    cancel_wave(floor.db, floor.actors["boss"], str(wave), reason="wrong filter")
    assert _order(floor, number) == ("partially_reserved", [(floor.products[3].id, 55, 5)])
    assert _unserved(floor) == [] and check(floor.db) == []


def test_a_cancelled_list_serves_its_orders_from_free_stock(floor: Floor):
    number = _on_wave_short_of_free_stock(floor)
    lid = int(scalar(floor.db, "SELECT id FROM pick_list"))
    cancel_list(floor.db, floor.actors["boss"], lid, reason="stop")
    assert _order(floor, number) == ("partially_reserved", [(floor.products[3].id, 55, 5)])
    assert _unserved(floor) == [] and check(floor.db) == []
