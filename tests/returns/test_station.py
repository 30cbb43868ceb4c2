"""The returns station (`returns.flow.ReturnsFlow`, services in `returns.station`): a whole cycle
from a shipped order to stock back on the shelf and a back-order served, unexpected units
recorded, serials checked against what shipped, a grade scan sent twice applied once."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from tests.picking.helpers import rows, scalar, stock
from wms_terminal.core.invariants import check
from wms_terminal.core.models import SalesOrder
from wms_terminal.core.move_tasks import claim_next, do_task
from wms_terminal.returns.flow import Expect, ReturnsFlow
from wms_terminal.returns.rma import open_return, show_return
from wms_terminal.returns.station import grade_unit
from wms_terminal.scanning.scan import Scan, Source

from .conftest import Station, ship


def _rma(station: Station, order: str, lines: list[tuple[int, int]]) -> str:
    fl = station.floor
    return open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(n), q) for n, q in lines],
        reason="damaged",
        resolution="refund",
    ).rma


def test_receive_grade_put_away_and_the_back_order_is_served(station: Station):
    fl = station.floor
    (order,) = ship(station, [(3, 2), (4, 1)])
    rma = _rma(station, order, [(3, 2), (4, 1)])
    # 48 of product 3 left on its face: an order for 50 waits for 2.
    waiting = fl.order([(3, 50)])
    with station.db.reading() as s:
        assert s.exec(select(SalesOrder.status).where(SalesOrder.number == waiting)).one() == (
            "partially_reserved"
        )

    flow = ReturnsFlow(station.db, station.packer)
    v = flow.scan(order)  # the customer wrote the order number, not the RMA
    assert v.expect == Expect.PRODUCT and v.rma == rma and not v.error
    v = flow.scan(fl.gtin(3))
    assert v.expect == Expect.GRADE and v.choices == ("resell", "refurbish", "quarantine", "scrap")
    v = flow.scan("banana")
    assert v.expect == Expect.GRADE and "a grade is one of" in v.error
    v = flow.scan("1")
    assert v.expect == Expect.PRODUCT and "resell" in v.message and waiting in v.message
    v = flow.scan(fl.gtin(3))
    v = flow.scan("resell")
    v = flow.scan(fl.gtin(4))
    v = flow.scan("4")  # scrap: the last unit closes the receipt
    assert v.expect == Expect.RMA and f"{rma} received: 3 of 3" in v.message

    got = show_return(station.db, rma)
    assert got["status"] == "received"
    assert [(x["sku"], x["received"], x["grade"]) for x in got["lines"]] == [
        (fl.sku(3), 2, "resell"),
        (fl.sku(4), 1, "scrap"),
    ]
    # The ledger says why: two units back in, one in and written off.
    moves = rows(
        station.db,
        "SELECT kind, on_hand_delta, reason FROM stock_ledger WHERE reason LIKE :r ORDER BY id",
        r=f"{rma}%",
    )
    assert moves == [
        ("return", 1, f"{rma} resell"),
        ("return", 1, f"{rma} resell"),
        ("return", 1, f"{rma} scrap"),
        ("adjustment", -1, f"{rma} scrap"),
    ]
    # One put-away task per unit graded; put away to the pick face, the waiting order gets its
    # 2 units and is wholly reserved.
    filled: list[str] = []
    for _ in range(2):
        task = claim_next(
            station.db, fl.actors["boss"], warehouse_id=fl.warehouse_id, kind="putaway"
        )
        assert task is not None and task.qty == 1 and task.sku == fl.sku(3)
        done = do_task(
            station.db,
            fl.actors["boss"],
            task_id=task.id,
            from_location=str(task.from_barcode),
            item=fl.gtin(3),
            qty=1,
            to_location=task.to_barcode,
        )
        filled += done.backorders_filled
    assert filled == [waiting, waiting]
    with station.db.reading() as s:
        assert s.exec(select(SalesOrder.status).where(SalesOrder.number == waiting)).one() == (
            "reserved"
        )
    assert stock(station.db, fl.face[3].id, fl.products[3].id) == (50, 50)
    assert check(station.db) == []


def test_unexpected_units_are_recorded_and_a_grade_sent_twice_counts_once(station: Station):
    fl = station.floor
    (order,) = ship(station, [(5, 1)])
    rma = _rma(station, order, [(5, 1)])
    flow = ReturnsFlow(station.db, station.packer)
    assert flow.scan(rma.lower()).expect == Expect.PRODUCT
    # A product the return does not name, and a code no product has: kept, graded.
    flow.scan(fl.gtin(6))
    v = flow.scan("quarantine")
    assert "unexpected: not on this return" in v.message and v.unexpected == 1
    flow.scan("NOT-A-PRODUCT-<b>")
    v = flow.scan("3")
    assert "unexpected: no product has this code" in v.message and v.unexpected == 2
    # CMD-CANCEL at the grade: nothing applied.
    flow.scan(fl.gtin(5))
    v = flow.scan("CMD-CANCEL")
    assert v.expect == Expect.PRODUCT and v.lines[0].received == 0
    # The grade is stored but its answer is lost (the connection dropped): the terminal sends
    # the same scan again, under the same id, and the unit is counted once.
    flow.scan(fl.gtin(5))
    grade = Scan(text="resell", source=Source.WEDGE)
    first = grade_unit(
        station.db, station.packer, rma=rma, item=fl.gtin(5), grade="resell", scan_id=grade.id
    )
    assert not first.again and first.view.status == "received"
    v = flow.scan(grade)
    assert v.expect == Expect.RMA and f"{rma} received: 1 of 1 unit(s), 2 unexpected" in v.message
    assert scalar(station.db, "SELECT COUNT(*) FROM return_unit") == 3
    v = flow.scan(rma)  # received already: refused
    assert v.expect == Expect.RMA and "is received: nothing more to receive" in v.error
    assert show_return(station.db, rma)["lines"][0]["received"] == 1
    # Product 6 is in the damaged cage (quarantine), the unknown code moved no stock.
    assert (
        scalar(
            station.db,
            "SELECT SUM(on_hand_delta) FROM stock_ledger WHERE reason = :r",
            r=f"{rma} quarantine",
        )
        == 1
    )
    assert check(station.db) == []


def test_a_serial_that_was_not_shipped_is_unexpected_and_done_closes_a_short_parcel(
    station: Station,
):
    fl = station.floor
    (order,) = ship(station, [(7, 2)])
    with station.db.transaction() as s:
        s.execute(
            text(
                "UPDATE pick_task SET serial = 'SN-SHIPPED' WHERE order_id = "
                "(SELECT id FROM sales_order WHERE number = :o)"
            ),
            {"o": order},
        )
    rma = _rma(station, order, [(7, 2)])
    flow = ReturnsFlow(station.db, station.packer)
    flow.scan(rma)
    gtin14 = "0" + fl.gtin(7)
    v = flow.scan(f"01{gtin14}21SN-OTHER")
    assert v.unit is not None and v.unit.serial == "SN-OTHER"
    v = flow.scan("quarantine")
    assert "serial SN-OTHER was not shipped on this order" in v.message
    flow.scan(f"01{gtin14}21SN-SHIPPED")
    v = flow.scan("resell")
    assert not v.error and "unexpected" not in v.message and v.lines[0].received == 1
    v = flow.scan("CMD-DONE")
    assert v.expect == Expect.RMA and f"{rma} received: 1 of 2 unit(s), 1 unexpected" in v.message
    assert show_return(station.db, rma)["status"] == "received"


def test_one_grade_sent_by_two_terminals_at_once_is_applied_once(station: Station):
    # The scan's replay check reads after the return's lock: the later of the two sees the
    # earlier's unit and answers with it (no duplicate key, no second unit).
    import threading

    fl = station.floor
    (order,) = ship(station, [(5, 2)])
    rma = _rma(station, order, [(5, 2)])
    start = threading.Barrier(2)
    got: list[object] = []

    def grade() -> None:
        start.wait()
        got.append(
            grade_unit(
                station.db, station.packer, rma=rma, item=fl.gtin(5), grade="resell", scan_id="dup"
            )
        )

    threads = [threading.Thread(target=grade) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 2, got
    assert sorted(g.again for g in got) == [False, True]  # type: ignore[attr-defined]
    assert scalar(station.db, "SELECT COUNT(*) FROM return_unit") == 1
    assert show_return(station.db, rma)["lines"][0]["received"] == 1
    assert check(station.db) == []
