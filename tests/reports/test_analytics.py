"""Manager analytics on both backends, checked against figures worked out by hand from the data
built here: orders from the import (three channels and currencies, one cancelled, one outside the
period), shipments against ship-by promises, two pickers' lists, mis-picks caught at packing,
returns by reason; and the same figures as CSV and JSON from the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    AuditEntry,
    OrderLine,
    PickList,
    PickTask,
    ReturnLine,
    ReturnOrder,
    SalesOrder,
    ScanRecord,
    Shipment,
    User,
)
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.reports.analytics import Period, report

NOV = Period.days(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Books:
    db: Database
    orders: dict[str, int]  # external id -> order id


@pytest.fixture
def books(db: Database) -> Books:
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "WH1", 52.0, 4.5)
        loc = f.location(s, wh, 1, 1)
        for n in (1, 2):
            f.put(s, loc, f.product(s, n), 100)
        f.cli_user(s, "pia", "picker")
        f.cli_user(s, "pete", "picker")
    placed = [
        (f.order("W-1", [("SKU-00001", 2)]), at(10, 8)),
        (f.order("W-2", [("SKU-00001", 1), ("SKU-00002", 3)]), at(10, 9)),
        (f.order("M-3", [("SKU-00002", 1)], channel="marketplace", currency="USD"), at(11, 10)),
        (f.order("P-4", [("SKU-00002", 1)], channel="phone", currency="GBP"), at(12, 9)),
        (f.order("W-5", [("SKU-00001", 1)]), at(1, 9, month=10)),
    ]
    import_orders(db, [replace(o, ordered_at=t) for o, t in placed], actor=SYSTEM)
    with db.transaction() as s:
        ids = {o.external_id: int(o.id or 0) for o in s.exec(select(SalesOrder)).all()}
        number = s.exec(select(SalesOrder.number).where(SalesOrder.external_id == "P-4")).one()
    cancel_order(db, SYSTEM, number=number, reason="customer")
    with db.transaction() as s:
        wid = int(s.exec(select(SalesOrder.warehouse_id).where(SalesOrder.id == ids["W-1"])).one())
        lines = {
            (ln.order_id, ln.product_id): ln
            for ln in s.exec(select(OrderLine)).all()  # one line per product and order
        }
        pia = s.exec(select(User).where(User.username == "pia")).one()
        pete = s.exec(select(User).where(User.username == "pete")).one()
        # Ship-by promises and first shipments: W-1 on time (7 h), W-2 late (48 h, shipped in
        # two parts), M-3 without a promise (2 h); W-5 shipped in October.
        promises = {"W-1": at(10, 17), "W-2": at(11, 17), "M-3": None, "W-5": at(2, 17, month=10)}
        for ext, by in promises.items():
            order = s.get(SalesOrder, ids[ext])
            assert order is not None
            order.ship_by = by
            s.add(order)
        for ext, shipped in (
            ("W-1", at(10, 15)),
            ("W-2", at(12, 9)),
            ("W-2", at(13, 9)),
            ("M-3", at(11, 12)),
            ("W-5", at(2, 9, month=10)),
        ):
            s.add(
                Shipment(warehouse_id=wid, order_id=ids[ext], status="shipped", shipped_at=shipped)
            )
        # Pia's list: claimed 09:00, three lines picked by 09:30 (6 lines an hour); Pete's: claimed
        # 10:00, one line at 10:15 (4 an hour); an October pick does not count.
        for who, claimed, picks in (
            (pia, at(10, 9), [("W-1", 1, at(10, 9, 10)), ("W-2", 1, at(10, 9, 20)),
                              ("W-2", 2, at(10, 9, 30))]),
            (pete, at(10, 10), [("M-3", 2, at(10, 10, 15))]),
            (pete, at(1, 10, month=10), [("W-5", 1, at(1, 11, month=10))]),
        ):  # fmt: skip
            pl = PickList(
                warehouse_id=wid,
                strategy="order",
                status="done",
                claimed_by=who.id,
                claimed_at=claimed,
            )
            s.add(pl)
            s.flush()
            for seq, (ext, product, when) in enumerate(picks, 1):
                ln = lines[(ids[ext], product)]
                s.add(
                    PickTask(
                        warehouse_id=wid,
                        pick_list_id=int(pl.id or 0),
                        seq=seq,
                        order_id=ids[ext],
                        order_line_id=int(ln.id or 0),
                        product_id=product,
                        location_id=1,
                        qty=ln.qty,
                        qty_picked=ln.qty,
                        status="picked",
                        picked_by=who.id,
                        picked_at=when,
                    )
                )
        # At packing: one wrong item scanned (refused), one accepted scan, a short of two lines
        # as missing (mis-picks), a short as damaged (not a picking error).
        for sid, accepted, code in (("s1", False, "wrong_item"), ("s2", True, "verified"),
                                    ("s3", False, "over_scan")):  # fmt: skip
            s.add(
                ScanRecord(
                    scan_id=sid,
                    warehouse_id=wid,
                    action="pack_verify",
                    accepted=accepted,
                    outcome={"code": code},
                    created_at=at(10, 16),
                )
            )
        for reason, units in (("MISSING", {"SKU-00001": 1, "SKU-00002": 2}), ("DAMAGED", {"X": 1})):
            s.add(
                AuditEntry(
                    action="pack_short",
                    warehouse_id=wid,
                    reason_code=reason,
                    detail={"units": units},
                    at=at(10, 17),
                )
            )
        # Returns: W-1 damaged (2 units), M-3 wrong size (1), a cancelled one not counted.
        for n, (ext, reason, status, product, qty) in enumerate(
            (
                ("W-1", "damaged", "received", 1, 2),
                ("M-3", "wrong_size", "open", 2, 1),
                ("W-2", "changed_mind", "cancelled", 2, 1),
            ),
            1,
        ):
            ro = ReturnOrder(
                warehouse_id=wid,
                number=f"RMA-{n:07d}",
                order_id=ids[ext],
                reason_code=reason,
                status=status,
                created_at=at(20, 10),
            )
            s.add(ro)
            s.flush()
            s.add(
                ReturnLine(
                    return_id=int(ro.id or 0),
                    order_line_id=int(lines[(ids[ext], product)].id or 0),
                    qty=qty,
                )
            )
    return Books(db, ids)


def _rows(db: Database, name: str) -> list[tuple[Any, ...]]:
    with db.reading() as s:
        return report(s, name, NOV).rows


def test_sales_by_channel_and_currency(books: Books):
    from decimal import Decimal

    assert _rows(books.db, "sales") == [
        # and in EUR at the stored rates (USD 0.92)
        ("marketplace", "USD", 1, Decimal("10.00"), Decimal("10.00"), Decimal("9.20")),
        ("web", "EUR", 2, Decimal("60.00"), Decimal("30.00"), Decimal("60.00")),
    ]


def test_on_time_rate_and_cycle_time_use_the_first_shipment(books: Books):
    assert _rows(books.db, "on-time") == [("WH1", 3, 1, 1, 1, 50.0)]
    # 7 h, 48 h and 2 h from arrival to the first shipment.
    assert _rows(books.db, "cycle-time") == [("WH1", 3, 19.0, 7.0, 48.0)]


def test_pick_accuracy_counts_mispicks_caught_at_packing(books: Books):
    # 4 lines picked in November; 1 wrong item + 2 lines short as missing: 3 mis-picks.
    assert _rows(books.db, "pick-accuracy") == [("WH1", 4, 1, 2, 25.0)]


def test_lines_per_hour_per_picker(books: Books):
    assert _rows(books.db, "pickers") == [("pete", 1, 0.25, 4.0), ("pia", 3, 0.5, 6.0)]


def test_returns_rate_by_reason(books: Books):
    assert _rows(books.db, "returns") == [("damaged", 1, 2, 33.3), ("wrong_size", 1, 1, 33.3)]


def test_a_warehouse_filter_and_an_unknown_warehouse(books: Books):
    with books.db.reading() as s:
        assert report(s, "on-time", replace(NOV, warehouse="WH1")).rows
        from wms_terminal.core.errors import NotFound

        with pytest.raises(NotFound):
            report(s, "on-time", replace(NOV, warehouse="NOPE"))


def test_analytics_as_csv_and_json_on_the_command_line(books: Books, db_url: str, capsys: Any):
    period = ["--from", "2026-11-01", "--to", "2026-11-30", "--database", db_url]
    assert main(["analytics", "sales", "--csv", *period]) == 0
    assert capsys.readouterr().out == (
        "channel,currency,orders,total,average,total_eur\n"
        "marketplace,USD,1,10.00,10.00,9.20\n"
        "web,EUR,2,60.00,30.00,60.00\n"
    )
    assert main(["analytics", "pickers", "--json", *period]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["columns"] == ["picker", "lines", "hours", "lines_per_hour"]
    assert data["rows"] == [["pete", 1, 0.25, 4.0], ["pia", 3, 0.5, 6.0]]
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30")
    assert main(["analytics", "returns", "--from", "2026-12-02", "--to", "2026-12-01",
                 "--database", db_url]) == 2  # fmt: skip
    assert "starts (2026-12-02) after it ends" in capsys.readouterr().err
    # A year-9999 (or year-1) period is a typing error: a clear message, not a crash.
    for start, end in (("9999-12-30", "9999-12-31"), ("0001-01-01", "2026-11-30")):
        assert main(["analytics", "sales", "--from", start, "--to", end,
                     "--database", db_url]) == 2  # fmt: skip
        assert "is outside 2000-01-01 to 2099-12-31" in capsys.readouterr().err


def test_a_wrong_item_scanned_at_the_station_counts_as_a_mispick(db: Database):
    """Through the real floor: a wave picked by Pat, the tote opened at packing, a product not
    on the order scanned (refused)."""
    from tests.packing.conftest import build_station
    from wms_terminal.packing.flow import PackFlow

    station = build_station(db)
    fl = station.floor
    fl.order([(1, 2), (3, 1)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    assert "wrong item" in flow.scan(fl.gtin(5)).error
    today = Period.days()
    with db.reading() as s:
        accuracy = report(s, "pick-accuracy", today).rows
        pickers = report(s, "pickers", today).rows
    assert accuracy == [("MAIN", 2, 1, 0, 50.0)]
    assert [(who, lines) for who, lines, _h, _r in pickers] == [("pat", 2)]
