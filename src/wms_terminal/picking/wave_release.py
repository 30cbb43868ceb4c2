"""Releasing a wave: its orders taken, its pick lists and tasks written.

Planning (selection, batching, routing: `wave_plan`) reads outside any write lock; the release
then moves the orders to `released` with a conditional UPDATE (an order another release took
meanwhile makes it fail), checks that the orders' reservations are still those planned, and writes
the wave, its lists and tasks.

PostgreSQL writes it all in one transaction (row locks: confirms run alongside). SQLite has one
writer at a time, so a 10,000-order release written at once held every terminal for seconds: it
writes in short transactions of about WRITE_CHUNK_PICKS picks, whole lists with all lists of their
orders, pausing between them so that the terminals' confirms get the write lock. Each part is
all-or-nothing and leaves a consistent state: its orders released with their lists and tasks, or
untouched (still reserved, for the next wave). The first part creates the wave; if it finds the
orders changed, nothing was written and the release plans again. A later part whose orders
changed meanwhile is left out and counted in `ReleasedWave.skipped_orders`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.bulk_sql import insert_rows
from wms_terminal.core.db import Database, analyze
from wms_terminal.core.errors import ValidationError, WmsError
from wms_terminal.core.models import PickList, PickTask, Wave
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.release_rule import RELEASABLE_SQL
from wms_terminal.core.sequences import next_number
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, can_transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.batch_problem import CartCapacity
from wms_terminal.picking.wave_batching import DEFAULT_CART
from wms_terminal.picking.wave_plan import RoutedList, WavePlan, plan_selection
from wms_terminal.picking.wave_selection import Selection, WaveFilter

CHUNK = 900
# SQLite: picks written per release transaction, and the pause after each (see the docstring).
WRITE_CHUNK_PICKS = 400
CHUNK_PAUSE_S = 0.03
# Statistics refreshed after a release of at least this many picks (PostgreSQL).
ANALYZE_AFTER_PICKS = 2_000
ANALYZED_TABLES = ("pick_list", "pick_task", "reservation", "order_line", "sales_order", "tote")


class WaveConflict(WmsError):
    """The selected orders changed between planning and release."""


@dataclass(frozen=True)
class ReleasedWave:
    wave_id: int
    number: str
    pick_list_ids: tuple[int, ...]
    orders: int
    lines: int
    picks: int
    route_length_m: float
    skipped_orders: int = 0  # orders left out because they changed during the release


def release_wave(
    db: Database,
    actor: Actor,
    flt: WaveFilter,
    *,
    strategy: str = "per-order",
    routing_method: str = "optimal",
    capacity: CartCapacity | None = None,
    attempts: int = 3,
) -> ReleasedWave:
    """Release the selected orders as a wave (supervisors and managers only)."""
    require(actor, "release_wave")
    cap = capacity or DEFAULT_CART
    for attempt in range(1, attempts + 1):
        with db.reading() as session:
            sel, plan = plan_selection(session, flt, strategy, routing_method, cap, ())
        if not sel.orders:
            raise ValidationError(M.WAVE_EMPTY)
        try:
            released = _write_in_parts(db, actor, sel, plan)
        except WaveConflict:
            if attempt == attempts:
                raise
            continue
        if db.dialect == "postgresql" and released.picks >= ANALYZE_AFTER_PICKS:
            # A large wave changes the shape of the pick tables: refresh the statistics so the
            # claim and the pick list read keep their index plans (after the release committed).
            analyze(db, ANALYZED_TABLES)
        return released
    raise AssertionError("unreachable")


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


_pause = time.sleep


def _parts(plan: WavePlan, limit: int) -> list[list[int]]:
    """Indexes of `plan.lists` in write parts: lists sharing an order stay in one part (an order
    is taken in one transaction), whole groups packed up to about `limit` picks, plan order."""
    parent = list(range(len(plan.lists)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[int, int] = {}
    for i, rl in enumerate(plan.lists):
        for p, _ in rl.picks:
            j = first.setdefault(p.order_id, i)
            if root(i) != root(j):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(plan.lists)):
        groups.setdefault(root(i), []).append(i)
    parts: list[list[int]] = []
    size = 0
    for members in groups.values():  # in the order of their first list
        picks = sum(len(plan.lists[i].picks) for i in members)
        if parts and size + picks <= limit:
            parts[-1].extend(members)
            size += picks
        else:
            parts.append(list(members))
            size = picks
    return [sorted(part) for part in parts]


def _write_in_parts(db: Database, actor: Actor, sel: Selection, plan: WavePlan) -> ReleasedWave:
    sqlite = db.dialect == "sqlite"
    parts = _parts(plan, WRITE_CHUNK_PICKS) if sqlite else [list(range(len(plan.lists)))]
    by_id = {o.order_id: o for o in sel.orders}
    wave_id = 0
    number = ""
    list_ids: list[int] = []
    orders = lines = picks = skipped = 0
    metres = 0.0
    for n, part in enumerate(parts):
        lists = [plan.lists[i] for i in part]
        oids = list(dict.fromkeys(p.order_id for rl in lists for p, _ in rl.picks))
        chunk = Selection(sel.warehouse, [by_id[o] for o in oids], sel.numbers, sel.statuses)
        if n > 0 and CHUNK_PAUSE_S:
            _pause(CHUNK_PAUSE_S)  # the terminals' turn for the write lock
        try:
            wave_id, number, ids = db.run(
                lambda s, c=chunk, ls=lists, w=wave_id, nb=number: _write(  # type: ignore[misc]
                    s, actor, c, plan, ls, wave_id=w, number=nb
                ),
                what="release a wave",
            )
        except WaveConflict:
            if n == 0:
                raise  # nothing written: plan again
            skipped += len(oids)
            continue
        list_ids.extend(ids)
        orders += len(oids)
        lines += len({p.order_line_id for rl in lists for p, _ in rl.picks})
        picks += sum(len(rl.picks) for rl in lists)
        metres += sum(rl.route_length_m for rl in lists)
    if skipped:
        db.run(
            lambda s: record(
                s,
                action="wave_release_skipped",
                user_id=actor.user_id,
                terminal=actor.terminal,
                warehouse_id=sel.warehouse.id,
                entity="wave",
                entity_id=number,
                skipped_orders=skipped,
            ),
            what="record a partial release",
        )
    return ReleasedWave(
        wave_id=wave_id,
        number=number,
        pick_list_ids=tuple(list_ids),
        orders=orders,
        lines=lines,
        picks=picks,
        route_length_m=metres,
        skipped_orders=skipped,
    )


def _write(
    session: Session,
    actor: Actor,
    sel: Selection,
    plan: WavePlan,
    lists: Sequence[RoutedList],
    *,
    wave_id: int,
    number: str,
) -> tuple[int, str, list[int]]:
    """Take `sel`'s orders and write `lists` (one part of the plan); the first part (no
    `wave_id` yet) creates the wave. Returns (wave id, number, new list ids)."""
    now = utcnow()
    wid = sel.warehouse.id
    assert wid is not None
    order_ids = [o.order_id for o in sel.orders]
    for oid in order_ids:
        if not can_transition(ORDER_TRANSITIONS, sel.statuses[oid], OrderStatus.RELEASED):
            raise WaveConflict(M.WAVE_CHANGED)
    # Take the orders: an order released (or changed, or held: `core.release_rule`) by someone
    # else meanwhile stops us here.
    # PostgreSQL: one statement with an array parameter; SQLite: IN lists of CHUNK ids.
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        upd = text(
            "UPDATE sales_order SET status = 'released', updated_at = :now "
            f"WHERE id = ANY(CAST(:ids AS INTEGER[])) AND {RELEASABLE_SQL}"
        )
        check = text(
            "SELECT id, qty, status FROM reservation "
            "WHERE order_id = ANY(CAST(:ids AS INTEGER[])) AND qty > 0"
        )
        parts: Iterable[Sequence[int]] = [order_ids]
    else:
        upd = text(
            "UPDATE sales_order SET status = 'released', updated_at = :now "
            f"WHERE id IN :ids AND {RELEASABLE_SQL}"
        ).bindparams(bindparam("ids", expanding=True))
        check = text(
            "SELECT id, qty, status FROM reservation WHERE order_id IN :ids AND qty > 0"
        ).bindparams(bindparam("ids", expanding=True))
        parts = list(_chunks(order_ids))
    for part in parts:
        got = session.execute(upd, {"ids": list(part), "now": now}).rowcount  # type: ignore[attr-defined]
        if got != len(part):
            raise WaveConflict(M.WAVE_CHANGED)
    # The reservations must still be those planned (status tested here: see
    # `wave_selection.select_orders`).
    planned = {(p.reservation_id, p.qty) for o in sel.orders for p in o.picks}
    now_held: set[tuple[int, int]] = set()
    for part in parts:
        now_held.update(
            (int(a), int(b))
            for a, b, st in session.execute(check, {"ids": list(part)})
            if st == "active"
        )
    if now_held != planned:
        raise WaveConflict(M.WAVE_CHANGED)
    if not wave_id:
        number = f"W-{next_number(session, 'wave'):06d}"
        wave = Wave(
            warehouse_id=wid,
            number=number,
            status="released",
            strategy=plan.strategy,
            routing_method=plan.routing_method,
            filters=plan.filters,
            created_by=actor.user_id,
            released_at=now,
        )
        session.add(wave)
        session.flush()
        assert wave.id is not None
        wave_id = wave.id
        record(
            session,
            action="wave_released",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=wid,
            entity="wave",
            entity_id=number,
            strategy=plan.strategy,
            routing_method=plan.routing_method,
            orders=plan.orders,
            pick_lists=len(plan.lists),
            filters=plan.filters,
        )
    list_rows = [
        {
            "warehouse_id": wid,
            "wave_id": wave_id,
            "zone_id": rl.zone_id,
            "strategy": plan.strategy,
            "status": "open",
            "priority": rl.priority,
            "terminal": "",
            "routing_method": plan.routing_method,
            "route_length_m": round(rl.route_length_m, 3),
            "tote_count": rl.tote_count,
            "created_at": now,
        }
        for rl in lists
    ]
    # Many rows per statement (PostgreSQL: one INSERT ... SELECT FROM unnest per table).
    list_ids = insert_rows(session, PickList, list_rows)
    task_rows = [
        {
            "warehouse_id": wid,
            "pick_list_id": lid,
            "seq": seq,
            "order_id": p.order_id,
            "order_line_id": p.order_line_id,
            "reservation_id": p.reservation_id,
            "product_id": p.product_id,
            "location_id": p.location_id,
            "qty": p.qty,
            "qty_picked": 0,
            "tote_slot": slot,
            "status": "open",
            "reason_code": "",
        }
        for lid, rl in zip(list_ids, lists, strict=True)
        for seq, (p, slot) in enumerate(rl.picks, start=1)
    ]
    insert_rows(session, PickTask, task_rows, returning_ids=False)
    return wave_id, number, list_ids
