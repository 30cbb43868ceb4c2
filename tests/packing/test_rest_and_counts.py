"""What does not ship with an order ships later, and "package n of N" is right on every label.

- A short at packing (some units found) packs the order and puts the missing units into a
  follow-up back-order `<number>-B1`, which waits for stock and then ships the usual way.
- An order with nothing of it at the station: CMD-SHORT cancels it (a count where it was
  picked), the follow-up carries all its units; it leaves the station's queue.
- N is the box plan's forecast at each close, and every package whose label said another N is
  relabelled (same SSCC) at the order's last close.
Both backends."""

from __future__ import annotations

from sqlalchemy import text

from tests.packing.conftest import Station, pack_tote
from tests.picking.helpers import rows, scalar
from wms_terminal.core.codes import Command
from wms_terminal.core.invariants import check
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.work import waiting
from wms_terminal.printing.sources import shipping_label


def _queue(station: Station) -> list[str]:
    with station.db.reading() as s:
        found = waiting(s, station.floor.warehouse_id, station.packer.user_id or 0)
    return [w.number for w in found]


def _close(flow: PackFlow) -> dict[str, object]:
    """The open box closed in BOX-L at its expected weight and its label scanned."""
    v = flow.command(Command.DONE) if flow.expect.value == "product" else flow.view()
    assert v.expect == "box", v
    v = flow.scan("BOX-L")
    assert v.expected_kg is not None, v.error
    v = flow.key_weight(round(v.expected_kg * 1000))
    assert v.expect == "label", v.error
    data = dict(v.data)
    flow.scan(str(data["sscc"]))
    return data


def test_units_short_at_packing_ship_later_as_a_follow_up_back_order(station: Station):
    fl = station.floor
    order = fl.order([(1, 3), (2, 1)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    flow.scan(fl.gtin(1))
    flow.scan(fl.gtin(2))
    v = flow.command(Command.SHORT)  # the third unit of product 1 is not in the tote
    assert v.expect == "box", v.error
    data = _close(flow)
    assert data["backorder"] == f"{order}-B1"
    assert f"ships later as {order}-B1" in flow.view().message
    assert scalar(station.db, "SELECT status FROM sales_order WHERE number = :n", n=order) == (
        "packed"
    )
    follow = rows(
        station.db,
        "SELECT so.status, ol.line_no, ol.qty, ol.qty_reserved, ol.qty_backordered, o.number "
        "FROM sales_order so JOIN order_line ol ON ol.order_id = so.id "
        "JOIN sales_order o ON o.id = so.backorder_of_id WHERE so.number = :n",
        n=f"{order}-B1",
    )
    # Stock is on the shelf: the follow-up is reserved at once (core.backorders.rereserve).
    assert follow == [("reserved", 1, 1, 1, 0, order)]

    # It ships later the usual way: a wave, picking, packing.
    (tote2,) = station.pick_all()
    closed = pack_tote(station, tote2)
    assert closed["backorder"] is None  # nothing left over this time
    assert rows(station.db, "SELECT number, status FROM sales_order ORDER BY number") == [
        (order, "packed"),
        (f"{order}-B1", "packed"),
    ]
    packed = rows(
        station.db,
        "SELECT so.number, SUM(pl.qty) FROM package_line pl JOIN package p "
        "ON p.id = pl.package_id JOIN sales_order so ON so.id = p.order_id "
        "WHERE p.status = 'closed' GROUP BY so.number ORDER BY so.number",
    )
    assert packed == [(order, 3), (f"{order}-B1", 1)]  # 4 ordered, 4 packed in all
    assert check(station.db) == []


def test_an_order_with_nothing_here_is_cancelled_and_ships_later_whole(station: Station):
    fl = station.floor
    order = fl.order([(1, 2)])
    (tote,) = station.pick_all()
    assert _queue(station) == [order]
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    v = flow.command(Command.SKIP)  # first held: the units may still turn up
    assert "hold" in v.message
    assert _queue(station) == []  # a held order waits for its units, not in the queue
    v = flow.scan(order)
    assert v.expect == "order" and "on hold" in v.message
    v = flow.command(Command.SHORT)  # nothing of it will turn up
    assert v.expect == "tote" and not v.error, v.error
    assert "nothing of it is here" in v.message and f"{order}-B1" in v.message
    assert rows(station.db, "SELECT number, status FROM sales_order ORDER BY number") == [
        (order, "cancelled"),
        (f"{order}-B1", "reserved"),
    ]
    assert scalar(station.db, "SELECT COUNT(*) FROM count_task") == 1  # where it was picked
    assert scalar(station.db, "SELECT status FROM tote WHERE code = :c", c=tote) == "free"
    assert rows(station.db, "SELECT DISTINCT status FROM package") == [("cancelled",)]
    assert _queue(station) == []

    (tote2,) = station.pick_all()
    pack_tote(station, tote2)
    status = scalar(station.db, "SELECT status FROM sales_order WHERE number = :n", n=f"{order}-B1")
    assert status == "packed"
    assert rows(
        station.db,
        "SELECT so.number, SUM(pl.qty) FROM package_line pl JOIN package p "
        "ON p.id = pl.package_id JOIN sales_order so ON so.id = p.order_id "
        "WHERE p.status = 'closed' GROUP BY so.number",
    ) == [(f"{order}-B1", 2)]
    assert check(station.db) == []


def _label_texts(station: Station) -> list[str]:
    with station.db.reading() as s:
        ids = [int(i) for (i,) in s.execute(text("SELECT id FROM package ORDER BY seq"))]
        return [shipping_label(s, i).package_text for i in ids]


def test_package_n_of_n_follows_the_plan_and_relabels_when_the_packer_departs_from_it(
    station: Station,
):
    fl = station.floor
    fl.order([(1, 3)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    v = flow.scan(tote)
    assert v.suggestion is not None and len(v.suggestion.packages) == 1  # one box holds it
    flow.scan(fl.gtin(1))
    first = _close(flow)  # the packer closes after one unit: the plan says 1 box for the rest
    assert first["count"] == 2 and _label_texts(station) == ["Package 1 of 2"]
    flow.scan(fl.gtin(1))
    second = _close(flow)  # and again
    assert second["count"] == 3 and _label_texts(station) == ["Package 1 of 2", "Package 2 of 3"]
    flow.scan(fl.gtin(1))
    last = _close(flow)
    assert last["count"] == 3 and last["relabel"] == [1]
    assert "Relabel package(s) 1: 3 in all" in flow.view().message
    assert _label_texts(station) == ["Package 1 of 3", "Package 2 of 3", "Package 3 of 3"]
    labels = rows(
        station.db,
        "SELECT p.seq, COUNT(*) FROM print_job j JOIN package p ON p.id = j.package_id "
        "WHERE j.kind = 'shipping_label' GROUP BY p.seq ORDER BY p.seq",
    )
    assert labels == [(1, 2), (2, 1), (3, 1)]  # package 1 relabelled, with its own SSCC
    assert (
        scalar(station.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'package_relabelled'")
        == 1
    )


def test_a_packer_who_follows_the_plan_gets_n_of_n_right_first_time(station: Station):
    fl = station.floor
    fl.order([(1, 2)])
    (tote,) = station.pick_all()
    data = pack_tote(station, tote)
    assert data["count"] == 1 and data["relabel"] == []
    assert _label_texts(station) == ["Package 1 of 1"]
