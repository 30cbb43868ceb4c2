"""Wave selection and release: filters, VIP first, strategies, all-or-nothing, permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from wms_terminal.core.errors import PermissionDenied, ValidationError
from wms_terminal.picking import service, wave_release
from wms_terminal.picking.strategies import STRATEGIES
from wms_terminal.picking.wave_plan import plan_wave
from wms_terminal.picking.wave_release import WaveConflict, release_wave
from wms_terminal.picking.wave_selection import WaveFilter

from .conftest import WH, Floor
from .helpers import rows, scalar, snapshot


def test_strategies_are_a_registry():
    assert set(STRATEGIES) >= {"per-order", "batch", "cluster", "zone"}
    assert all(s.name == name for name, s in STRATEGIES.items())


def test_vip_orders_come_first_and_max_orders_cuts_the_rest(floor: Floor):
    plain = [floor.order([(1, 1)]) for _ in range(3)]
    vip = floor.order([(3, 1)], flags=("VIP",))
    gift = floor.order([(4, 1)], flags=("GIFT",))
    plan = plan_wave(floor.db, WaveFilter(warehouse=WH, max_orders=2))
    assert plan.order_numbers == (vip, gift)
    wave = floor.release(max_orders=2)
    assert wave.orders == 2
    statuses = dict(rows(floor.db, "SELECT number, status FROM sales_order"))
    assert statuses[vip] == statuses[gift] == "released"
    assert all(statuses[n] == "reserved" for n in plain)
    # The VIP list is claimed first.
    lid = service.claim_next(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert (
        scalar(
            floor.db,
            "SELECT DISTINCT so.number FROM pick_task pt JOIN sales_order so "
            "ON so.id = pt.order_id WHERE pt.pick_list_id = :l",
            l=lid,
        )
        == vip
    )


def test_filters_select_by_channel_flag_priority_and_cutoff(floor: Floor, db):
    a = floor.order([(1, 1)])
    b = floor.order([(3, 1)], flags=("GIFT",))
    c = floor.order([(4, 1)])
    soon = datetime.now(UTC) + timedelta(hours=2)
    with db.transaction() as s:
        s.execute(
            text("UPDATE sales_order SET channel = 'phone', priority = 5 WHERE number = :n"),
            {"n": a},
        )
        s.execute(
            text("UPDATE sales_order SET ship_by = :t WHERE number = :n"), {"t": soon, "n": c}
        )
    assert plan_wave(floor.db, WaveFilter(channel="phone")).order_numbers == (a,)
    assert plan_wave(floor.db, WaveFilter(flags=("GIFT",))).order_numbers == (b,)
    assert plan_wave(floor.db, WaveFilter(priority_min=1)).order_numbers == (a,)
    later = soon + timedelta(hours=1)
    assert plan_wave(floor.db, WaveFilter(cutoff=later)).order_numbers == (c,)
    assert plan_wave(floor.db, WaveFilter(zone="B")).order_numbers == (b, c)
    with pytest.raises(ValidationError):
        plan_wave(floor.db, WaveFilter(channel="phone"), strategy="telepathy")


def test_plan_writes_nothing_and_reports_travel_per_method(floor: Floor):
    for n in range(1, 7):
        floor.order([(n, 1), ((n + 2) % 8 + 1, 2)])
    before = snapshot(floor.db)
    plan = plan_wave(floor.db, WaveFilter(), strategy="cluster")
    assert snapshot(floor.db) == before
    assert plan.orders == 6 and plan.lines == 12 and plan.units == 18
    assert set(plan.travel_m) == {"s-shape", "largest-gap", "combined", "optimal"}
    assert plan.travel_m["optimal"] <= min(plan.travel_m.values()) + 1e-9
    assert plan.picker_hours > 0
    assert plan.to_json()["pick_lists"] == plan.pick_lists


def test_zone_lists_never_mix_zones(floor: Floor):
    for n in range(1, 9):
        floor.order([(n, 1), (n % 8 + 1, 1), ((n + 3) % 8 + 1, 1)])
    wave = floor.release("zone")
    assert len(wave.pick_list_ids) >= 2
    mixed = rows(
        floor.db,
        "SELECT pl.id, COUNT(DISTINCT l.zone_id), MIN(l.zone_id), MIN(pl.zone_id) "
        "FROM pick_list pl JOIN pick_task pt ON pt.pick_list_id = pl.id "
        "JOIN location l ON l.id = pt.location_id GROUP BY pl.id",
    )
    for _, zones, zone, list_zone in mixed:
        assert zones == 1 and zone == list_zone
    # Each order keeps one slot number across its zones, for consolidation at packing.
    slots = rows(
        floor.db, "SELECT order_id, COUNT(DISTINCT tote_slot) FROM pick_task GROUP BY order_id"
    )
    assert all(n == 1 for _, n in slots)


@pytest.mark.parametrize("strategy", ["per-order", "batch", "cluster", "zone"])
def test_every_reserved_unit_becomes_exactly_one_pick_in_route_order(floor: Floor, strategy):
    for n in range(1, 9):
        floor.order([(n, 2), ((n + 4) % 8 + 1, 1)])
    wave = floor.release(strategy)
    assert rows(floor.db, "SELECT COUNT(*), SUM(qty) FROM pick_task") == [(16, 24)]
    assert rows(floor.db, "SELECT COUNT(DISTINCT reservation_id) FROM pick_task") == [(16,)]
    # Sequences are 1..n per list; route length stored on each list.
    for lid in wave.pick_list_ids:
        seqs = [
            r[0]
            for r in rows(
                floor.db, "SELECT seq FROM pick_task WHERE pick_list_id = :l ORDER BY seq", l=lid
            )
        ]
        assert seqs == list(range(1, len(seqs) + 1))
        assert scalar(floor.db, "SELECT route_length_m FROM pick_list WHERE id = :l", l=lid) > 0
    if strategy == "per-order":
        assert len(wave.pick_list_ids) == 8
    else:
        assert len(wave.pick_list_ids) < 8 * (2 if strategy == "zone" else 1)


def test_a_picker_cannot_release_a_wave(floor: Floor):
    floor.order([(1, 1)])
    before = snapshot(floor.db)
    with pytest.raises(PermissionDenied):
        release_wave(floor.db, floor.actors["pat"], WaveFilter())
    assert snapshot(floor.db) == before


def test_a_failed_release_leaves_nothing_half_made(floor: Floor, monkeypatch):
    for n in range(1, 5):
        floor.order([(n, 1)])
    before = snapshot(floor.db)
    real_record = wave_release.record

    def boom(*args, **kwargs):  # fails after the lists and tasks were inserted
        raise RuntimeError("disk full")

    monkeypatch.setattr(wave_release, "record", boom)
    with pytest.raises(RuntimeError):
        floor.release("cluster")
    assert snapshot(floor.db) == before
    assert scalar(floor.db, "SELECT COUNT(*) FROM wave") == 0
    monkeypatch.setattr(wave_release, "record", real_record)
    assert floor.release("cluster").orders == 4


def test_release_refuses_orders_taken_meanwhile(floor: Floor, monkeypatch):
    for n in range(1, 4):
        floor.order([(n, 1)])
    real_write = wave_release._write

    def racing(session, actor, sel, *args, **kwargs):
        # Another supervisor releases one of the orders between our plan and our write.
        session.execute(
            text("UPDATE sales_order SET status = 'released' WHERE id = :i"),
            {"i": sel.orders[-1].order_id},
        )
        return real_write(session, actor, sel, *args, **kwargs)

    monkeypatch.setattr(wave_release, "_write", racing)
    before = snapshot(floor.db)
    with pytest.raises(WaveConflict):
        floor.release()
    assert snapshot(floor.db) == before


def test_nothing_to_release(floor: Floor):
    with pytest.raises(ValidationError):
        floor.release()
