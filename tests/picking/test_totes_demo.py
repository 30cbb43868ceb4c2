"""The demo warehouse picks more lists than it has totes: every tote comes back to free through
the packer's `empty_tote`, so the 201st list of the day gets a tote like the first."""

from __future__ import annotations

from datetime import date

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.demo import build_demo
from wms_terminal.demo.floor import warehouses
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.totes import empty_tote, list_totes
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

from .helpers import rows, scalar

MAIN = warehouses()[0]


def _actors(db: Database) -> dict[str, Actor]:
    got = rows(db, "SELECT id, username, role FROM app_user ORDER BY id")
    return {str(r): Actor(int(i), str(u), str(r), terminal=f"T-{u}") for i, u, r in got}


def _pick_list(db: Database, picker: Actor, lid: int, tote: str) -> None:
    pl = get_list(db, lid)
    for n, task in enumerate(pl.open_tasks):
        r = service.confirm_pick(
            db,
            picker,
            scan_id=f"d-{lid}-{n}",
            task_id=task.task_id,
            qty=task.remaining,
            tote=tote if n == 0 else None,
        )
        assert r.accepted, (lid, r)
    assert get_list(db, lid).status == "done"


def _empty_all(db: Database, packer: Actor) -> int:
    n = 0
    for status, how in (("at_packing", "packed"), ("at_sorting", "sorted")):
        for v in list_totes(db, warehouse=MAIN.code, status=status):
            empty_tote(db, packer, code=v.code, how=how)
            n += 1
    return n


def test_more_lists_than_the_demo_has_totes(db: Database):
    build_demo(db, orders=245, seed=7, today=date(2025, 3, 3))
    actors = _actors(db)
    picker, packer, boss = actors["picker"], actors["packer"], actors["supervisor"]
    assert len(list_totes(db, warehouse=MAIN.code, status="free")) == MAIN.totes == 200
    release_wave(db, boss, WaveFilter(warehouse=MAIN.code), strategy="per-order")
    wid = scalar(db, "SELECT id FROM warehouse WHERE code = :c", c=MAIN.code)
    lists = scalar(db, "SELECT COUNT(*) FROM pick_list WHERE warehouse_id = :w", w=wid)
    assert lists > MAIN.totes
    labels = [v.code for v in list_totes(db, warehouse=MAIN.code)]

    # A day's first 200 lists take every tote; none comes back until a packer empties it.
    done = 0
    for label in labels:
        lid = service.claim_next(db, picker, warehouse_id=wid)
        assert lid is not None
        _pick_list(db, picker, lid, label)
        done += 1
    assert not list_totes(db, warehouse=MAIN.code, status="free")
    lid = service.claim_next(db, picker, warehouse_id=wid)
    assert lid is not None
    task = get_list(db, lid).open_tasks[0]
    refused = service.confirm_pick(
        db, picker, scan_id="busy", task_id=task.task_id, qty=task.remaining, tote=labels[0]
    )
    assert not refused.accepted and refused.message == M.fmt(M.TOTE_BUSY, tote=labels[0])

    # Packing empties them: every tote is free again and the remaining lists are picked, each
    # tote emptied as soon as its list is done.
    assert _empty_all(db, packer) == MAIN.totes
    assert len(list_totes(db, warehouse=MAIN.code, status="free")) == MAIN.totes
    n = 0
    while lid is not None:
        _pick_list(db, picker, lid, labels[n % len(labels)])
        done += 1
        n += 1
        assert _empty_all(db, packer) >= 1
        lid = service.claim_next(db, picker, warehouse_id=wid)
    assert done == lists > MAIN.totes
    assert len(list_totes(db, warehouse=MAIN.code, status="free")) == MAIN.totes
    emptied = scalar(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'tote_emptied'")
    assert emptied >= lists
