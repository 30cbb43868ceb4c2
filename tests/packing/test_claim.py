"""Two stations racing for one order: exactly one opens it, the other is told who has it and
offered the next order; the claim ends when the order is held or set aside, and a supervisor
frees a claim a station left behind; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.auth import Actor, authenticate, create_user
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database, make_engine
from wms_terminal.packing import claim
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.reading import order_id_by_number
from wms_terminal.packing.work import waiting

from .conftest import Station


def _second_packer(station: Station) -> Actor:
    with station.db.transaction() as s:
        u = create_user(s, username="paul", name="Paul", role="packer", pin=f.CLI_PIN)
        assert u.id is not None
        return Actor(u.id, "paul", "packer", terminal="PACK-2")


def _claimed_by(db: Database, number: str) -> str | None:
    with db.reading() as s:
        got = s.execute(
            text("SELECT pack_claim_terminal FROM sales_order WHERE number = :n"), {"n": number}
        ).scalar_one()
    return str(got) or None


def _age(db: Database, number: str, age: timedelta) -> None:
    with db.transaction() as s:
        s.execute(
            text("UPDATE sales_order SET pack_claimed_at = :t WHERE number = :n"),
            {"t": datetime.now(UTC) - age, "n": number},
        )


def test_two_stations_race_for_one_order_and_exactly_one_gets_it(station: Station, db_url: str):
    fl = station.floor
    first = fl.order([(1, 1)])
    second = fl.order([(2, 1)])
    station.pick_all()
    paul = _second_packer(station)
    results: dict[str, tuple[str, str, str]] = {}
    barrier = threading.Barrier(2)

    def work(actor: Actor) -> None:
        db = Database(make_engine(db_url))
        try:
            flow = PackFlow(db, actor)
            barrier.wait()
            v = flow.open(order=first)
            results[actor.terminal] = (v.expect, v.error, v.message)
        finally:
            db.dispose()

    threads = [threading.Thread(target=work, args=(a,)) for a in (station.packer, paul)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r[0] for r in results.values()) == ["product", "tote"]
    winner = next(k for k, r in results.items() if r[0] == "product")
    loser = results["PACK-2" if winner == "PACK-1" else "PACK-1"]
    name = "Penny" if winner == "PACK-1" else "Paul"
    assert f"{first} is being packed at {winner} by {name}" in loser[1]
    assert f"next order: {second}" in loser[2]
    assert _claimed_by(station.db, first) == winner


def test_the_loser_cannot_verify_into_the_claimed_order(station: Station):
    fl = station.floor
    number = fl.order([(1, 2)])
    station.pick_all()
    paul = _second_packer(station)
    penny_flow, paul_flow = PackFlow(station.db, station.packer), PackFlow(station.db, paul)
    assert penny_flow.open(order=number).expect == "product"
    v = paul_flow.open(order=number)
    assert v.expect == "tote" and "being packed at PACK-1 by Penny" in v.error
    with station.db.reading() as s:
        oid = order_id_by_number(s, number)
        assert [w.number for w in waiting(s, fl.warehouse_id, paul.user_id or 0)] == []
        mine = waiting(s, fl.warehouse_id, station.packer.user_id or 0, terminal="PACK-1")
        assert [w.number for w in mine] == [number]
    from wms_terminal.packing import service

    r = service.verify(station.db, paul, scan_id="x1", order_id=oid, raw=fl.gtin(1), symbology=None)
    assert not r.accepted and r.code == "claimed"


def test_hold_and_set_aside_end_the_claim_so_another_station_takes_the_order(station: Station):
    fl = station.floor
    number = fl.order([(1, 2)])
    station.pick_all()
    paul = _second_packer(station)
    penny_flow, paul_flow = PackFlow(station.db, station.packer), PackFlow(station.db, paul)
    assert penny_flow.open(order=number).expect == "product"
    v = penny_flow.scan(fl.gtin(1))
    assert not v.error, v.error
    v = penny_flow.command(Command.CANCEL)  # set aside: its package stays open
    assert v.expect == "tote" and _claimed_by(station.db, number) is None
    v = paul_flow.open(order=number)
    assert v.expect == "product", v.error
    assert _claimed_by(station.db, number) == "PACK-2"
    v = paul_flow.command(Command.SKIP)  # held: set aside for the missing unit
    assert v.expect == "tote" and "on hold" in v.message
    assert _claimed_by(station.db, number) is None
    # Penny resumes it: scan it (on hold), scan it again (resume) - hers now.
    assert penny_flow.open(order=number).expect == "order"
    assert penny_flow.open(order=number).expect == "product"
    assert _claimed_by(station.db, number) == "PACK-1"


def test_a_supervisor_frees_a_claim_left_behind_and_an_old_claim_lapses(station: Station):
    fl = station.floor
    number = fl.order([(1, 2)])
    station.pick_all()
    paul = _second_packer(station)
    assert PackFlow(station.db, station.packer).open(order=number).expect == "product"
    paul_flow = PackFlow(station.db, paul)
    assert paul_flow.open(order=number).expect == "tote"
    r = claim.free(station.db, paul, scan_id="f0", number=number)
    assert not r.accepted  # a packer may not
    sue = authenticate(station.db, badge=station.sup_badge, pin=f.CLI_PIN, terminal="SUP-1")
    r = claim.free(station.db, sue, scan_id="f1", number=number)
    assert r.accepted, r
    assert "was open at PACK-1" in r.message
    assert paul_flow.open(order=number).expect == "product"
    # A scan renews Paul's lease; then his station goes away: after the lease Penny's takes it.
    _age(station.db, number, claim.LEASE - timedelta(minutes=1))
    assert not paul_flow.scan(fl.gtin(1)).error
    assert PackFlow(station.db, station.packer).open(order=number).expect == "tote"
    _age(station.db, number, claim.LEASE + timedelta(minutes=1))
    assert PackFlow(station.db, station.packer).open(order=number).expect == "product"
    assert _claimed_by(station.db, number) == "PACK-1"


def test_shipments_free_frees_an_order_from_the_command_line(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    number = fl.order([(1, 1)])
    station.pick_all()
    assert PackFlow(station.db, station.packer).open(order=number).expect == "product"
    base = ["shipments", "free", number, "--database", db_url]
    assert main([*base, "--badge", station.picker_badge]) != 0  # a picker may not
    assert _claimed_by(station.db, number) == "PACK-1"
    capsys.readouterr()
    assert main([*base, "--badge", station.sup_badge, "--json"]) == 0
    assert "was open at PACK-1" in json.loads(capsys.readouterr().out)["message"]
    assert _claimed_by(station.db, number) is None
    assert main([*base, "--badge", station.sup_badge]) != 0  # nothing to free now
    assert "not open at any station" in capsys.readouterr().err
