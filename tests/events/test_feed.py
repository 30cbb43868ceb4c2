"""The business event feed on both backends: each event is written by the service that makes the
change, in its transaction (a refused change leaves none), and the cursor feed hands out every
event once, in order, even while several transactions emit at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.packing.conftest import Station
from tests.picking.helpers import scalar
from tests.returns.conftest import ship
from wms_terminal.core import events
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Product
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.order_input import ImportFileError
from wms_terminal.packing.delivered import mark_delivered
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return


def _kinds(db, after: int = 0) -> list[tuple[int, str]]:
    return [(e.id, e.kind) for e in events.read_feed(db, after=after, limit=500)]


def test_shipped_delivered_received_refunded_cancelled_and_stock_low_in_order(
    station: Station, tmp_path: Path
):
    fl = station.floor
    (order,) = ship(station, [(1, 2), (2, 1)])
    feed = events.read_feed(station.db)
    assert [e.kind for e in feed] == ["order.shipped"]
    shipped = feed[0].to_json()
    assert shipped["id"] == 1 and shipped["warehouse"] == "MAIN"
    data = shipped["data"]
    assert (data["order"], data["external_id"], data["channel"], data["complete"]) == (
        order,
        "T00001",
        "web",
        True,
    )
    (package,) = data["packages"]
    tracking = package["tracking_number"]
    assert tracking and package["sscc"]

    # A delivered file with a problem sets nothing and says nothing.
    bad = tmp_path / "bad.csv"
    bad.write_text(f"tracking_number,delivered_at\n{tracking},{utcnow():%Y-%m-%d %H:%M}\nNOPE,x\n")
    with pytest.raises(ImportFileError):
        mark_delivered(station.db, station.packer, bad)
    assert _kinds(station.db, after=1) == []
    good = tmp_path / "good.csv"
    when = (utcnow() + timedelta(minutes=1)).replace(microsecond=0)
    good.write_text(f"tracking_number,delivered_at\n{tracking},{when.isoformat()}\n")
    mark_delivered(station.db, station.packer, good)
    mark_delivered(station.db, station.packer, good)  # re-run: unchanged, no second event
    (delivered,) = events.read_feed(station.db, after=1)
    assert delivered.kind == "order.delivered"
    assert delivered.data["tracking_number"] == tracking
    assert delivered.data["complete"] is True and delivered.data["order"] == order

    rma = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 1)],
        reason="damaged",
        resolution="refund",
    ).rma
    flow = ReturnsFlow(station.db, station.packer)
    for code in (rma, fl.gtin(1), "resell"):
        assert not flow.scan(code).error
    issue_refund(station.db, station.packer, rma)
    received, refunded = events.read_feed(station.db, after=2)
    assert received.kind == "return.received" and received.data["rma"] == rma
    assert received.data["lines"] == [{"sku": fl.sku(1), "qty": 1, "received": 1}]
    assert refunded.kind == "order.refunded"
    assert (refunded.data["rma"], refunded.data["credit_note"], refunded.data["currency"]) == (
        rma,
        "CN-0000001",
        "EUR",
    )
    assert refunded.data["amount"] == "10.00"

    # Cancelled, then stock low (an import takes product 3 to its reorder point).
    other = fl.order([(4, 1)])
    cancel_order(station.db, station.floor.actors["boss"], number=other, reason="customer asked")
    with station.db.transaction() as s:
        p3 = s.exec(select(Product).where(col(Product.sku) == fl.sku(3))).one()
        p3.reorder_point, p3.reorder_qty = 45, 20
        s.add(p3)
    fl.order([(3, 10)])
    cancelled, low = events.read_feed(station.db, after=4)
    assert cancelled.kind == "order.cancelled"
    assert (cancelled.data["order"], cancelled.data["reason"]) == (other, "customer asked")
    assert low.kind == "stock.low"
    assert (low.data["sku"], low.data["available"], low.data["reorder_point"]) == (
        fl.sku(3),
        40,
        45,
    )
    assert low.data["purchase_order"].startswith("PO-")
    # Another import of the product while its purchase order is open: no second alarm.
    fl.order([(3, 1)])
    assert [k for _, k in _kinds(station.db)] == [
        "order.shipped",
        "order.delivered",
        "return.received",
        "order.refunded",
        "order.cancelled",
        "stock.low",
    ]
    assert [i for i, _ in _kinds(station.db)] == [1, 2, 3, 4, 5, 6]
    # The cursor and the kind filter.
    assert [e.id for e in events.read_feed(station.db, after=2, limit=2)] == [3, 4]
    assert [e.id for e in events.read_feed(station.db, kinds="stock.low,order.shipped")] == [1, 6]


def test_bad_feed_requests_are_refused_with_a_reason(db):
    with pytest.raises(ValidationError, match="limit is 1 to 500"):
        events.read_feed(db, limit=501)
    with pytest.raises(ValidationError, match="after is an event id"):
        events.read_feed(db, after=-1)
    with pytest.raises(ValidationError, match="unknown event kind"):
        events.read_feed(db, kinds="order.exploded")


def test_a_reader_following_the_cursor_misses_no_event_while_writers_race(db):
    """Four writers emit 30 events each while a reader follows the feed by its cursor: it sees
    all 120, each once, in id order (ids visible only in the order they were given)."""
    writers, each = 4, 30
    seen: list[int] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(each):
                db.run(
                    lambda s, i=i: events.emit(
                        s, events.STOCK_LOW, warehouse_id=None, writer=n, i=i
                    )
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            page = events.read_feed(db, after=cursor, limit=7)
            seen.extend(e.id for e in page)
            if page:
                cursor = page[-1].id
            elif finished:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join()
    assert not errors
    assert seen == list(range(1, writers * each + 1))
    assert scalar(db, "SELECT COUNT(*) FROM business_event") == writers * each
