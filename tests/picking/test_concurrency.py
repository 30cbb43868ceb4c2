"""Many terminals at once: claims never double up; picks never oversell or over-pick."""

from __future__ import annotations

import multiprocessing
import random
import threading
import uuid
from typing import Any

from sqlalchemy import insert, text

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import PickList
from wms_terminal.core.models._base import utcnow
from wms_terminal.picking import service

from .conftest import build_floor
from .helpers import rows, scalar

PICKERS = 32
LISTS = 2_000


def test_32_pickers_claiming_2000_lists_never_share_one(db: Database, db_url: str):
    floor = build_floor(db)
    with db.transaction() as s:
        s.execute(
            insert(PickList.__table__),  # type: ignore[attr-defined]
            [
                {
                    "warehouse_id": floor.warehouse_id,
                    "strategy": "per-order",
                    "status": "open",
                    "priority": i % 7,
                    "terminal": "",
                    "routing_method": "optimal",
                    "route_length_m": 0.0,
                    "tote_count": 1,
                    "created_at": utcnow(),
                }
                for i in range(LISTS)
            ],
        )
        # One user per picker, created with SQL (no PIN hashing needed here).
        for i in range(PICKERS):
            s.execute(
                text(
                    "INSERT INTO app_user (username, name, role, badge_code, pin_hash, email, "
                    "active, failed_logins, created_at) "
                    "VALUES (:u, :u, 'picker', :b, 'x', '', :t, 0, :now)"
                ),
                {"u": f"picker{i}", "b": f"B-TEST{i:04d}", "t": True, "now": utcnow()},
            )
    ids = dict(rows(db, "SELECT username, id FROM app_user WHERE username LIKE 'picker%'"))
    claimed: list[list[tuple[int, int]]] = [[] for _ in range(PICKERS)]
    barrier = threading.Barrier(PICKERS)
    errors: list[BaseException] = []

    def picker(n: int) -> None:
        mine = Database(make_engine(db_url, pool_size=1))
        actor = Actor(ids[f"picker{n}"], f"picker{n}", "picker", terminal=f"T{n}")
        try:
            barrier.wait()
            while True:
                got = service.claim_next(mine, actor, warehouse_id=floor.warehouse_id, resume=False)
                if got is None:
                    return
                claimed[n].append((got, actor.user_id or 0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            mine.dispose()

    threads = [threading.Thread(target=picker, args=(n,)) for n in range(PICKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    every = [lid for got in claimed for lid, _ in got]
    assert len(every) == LISTS
    assert len(set(every)) == LISTS
    # The database agrees on who holds what.
    held = dict(rows(db, "SELECT id, claimed_by FROM pick_list WHERE status = 'claimed'"))
    assert held == {lid: uid for got in claimed for lid, uid in got}
    assert sum(1 for got in claimed if got) > 1  # the work was actually shared


PROCESSES = 20
PICKS_EACH = 500


def _picker_process(url: str, actor: dict[str, Any], task_ids: list[int], seed: int) -> int:
    db = Database(make_engine(url, pool_size=1))
    who = Actor(**actor)
    rng = random.Random(seed)
    accepted = 0
    try:
        for _ in range(PICKS_EACH):
            r = service.confirm_pick(
                db, who, scan_id=uuid.uuid4().hex, task_id=rng.choice(task_ids), qty=1
            )
            accepted += int(r.accepted)
    finally:
        db.dispose()
    return accepted


def test_20_processes_picking_scarce_stock_conserve_it(db: Database, db_url: str):
    # 8 products x 250 units, every unit reserved by the orders: 2,000 units for 10,000 tries.
    floor = build_floor(db, stock=250)
    with db.transaction() as s:
        s.execute(text("UPDATE location SET active = :f WHERE kind = 'reserve'"), {"f": False})
        s.execute(text("DELETE FROM stock_ledger WHERE 1 = 0"))
    for i in range(200):
        a, b = i % 8 + 1, (i + 3) % 8 + 1
        floor.order([(a, 5), (b, 5)])
    floor.release("batch")
    pat = floor.actors["pat"]
    with db.transaction() as s:
        s.execute(
            text("UPDATE pick_list SET status = 'claimed', claimed_by = :u"), {"u": pat.user_id}
        )
    before = dict(rows(db, "SELECT id, on_hand FROM stock"))
    reserved = scalar(db, "SELECT SUM(qty) FROM pick_task")
    assert reserved == 2_000
    task_ids = [r[0] for r in rows(db, "SELECT id FROM pick_task")]
    # Part of the stock is also picked under tighter contention: a few hot tasks.
    ctx = multiprocessing.get_context("spawn")
    actor = {"user_id": pat.user_id, "username": "pat", "role": "picker", "terminal": "mp"}
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            _picker_process, [(db_url, actor, task_ids, seed) for seed in range(PROCESSES)]
        )
    accepted = sum(results)
    assert 0 < accepted <= reserved
    after = dict(rows(db, "SELECT id, on_hand FROM stock"))
    picked_total = scalar(db, "SELECT SUM(qty_picked) FROM pick_task")
    # Every accepted scan moved exactly one unit, and the ledger saw each.
    assert picked_total == accepted
    assert scalar(db, "SELECT -SUM(on_hand_delta) FROM stock_ledger WHERE kind = 'pick'") == (
        accepted
    )
    assert sum(before.values()) - sum(after.values()) == accepted
    assert min(after.values()) >= 0
    assert scalar(db, "SELECT COUNT(*) FROM stock WHERE reserved < 0 OR reserved > on_hand") == 0
    # Per stock row: shelf loss equals the picks taken from it.
    per_row = dict(
        rows(
            db,
            "SELECT s.id, COALESCE(SUM(pt.qty_picked), 0) FROM stock s LEFT JOIN reservation r "
            "ON r.stock_id = s.id LEFT JOIN pick_task pt ON pt.reservation_id = r.id "
            "GROUP BY s.id",
        )
    )
    assert all(before[sid] - after[sid] == per_row[sid] for sid in before)
    # No line picked beyond its quantity, and lines agree with their tasks.
    assert scalar(db, "SELECT COUNT(*) FROM order_line WHERE qty_picked > qty") == 0
    assert scalar(db, "SELECT COUNT(*) FROM pick_task WHERE qty_picked > qty") == 0
    mismatch = scalar(
        db,
        "SELECT COUNT(*) FROM order_line ol WHERE ol.qty_picked <> (SELECT COALESCE("
        "SUM(pt.qty_picked), 0) FROM pick_task pt WHERE pt.order_line_id = ol.id)",
    )
    assert mismatch == 0
    # Reservations shrank exactly by what was picked.
    assert scalar(db, "SELECT SUM(qty) FROM reservation") == reserved - accepted
    assert scalar(db, "SELECT COUNT(*) FROM scan_record") == PROCESSES * PICKS_EACH
