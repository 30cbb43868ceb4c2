"""Wave planning and release.

A supervisor selects orders (cut-off, carrier service, channel, minimum priority, zone, special
flags; VIP and other flagged orders first by `OrderFlag.wave_priority`), previews the wave with
`plan_wave` and releases it with `release_wave`: the orders split into pick lists by the chosen
strategy, each list's tasks in route order for the chosen routing method, route length stored.

Planning (selection, batching, routing) reads outside any write lock; the release then moves
the orders to `released` with a conditional UPDATE (an order another release took meanwhile makes
it fail), checks that the orders' reservations are still those planned, and writes the wave, its
lists and tasks.

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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.bounds import date_problem, priority_problem
from wms_terminal.core.db import Database, analyze, insert_rows
from wms_terminal.core.errors import NotFound, ValidationError, WmsError
from wms_terminal.core.models import (
    CarrierService,
    OrderFlag,
    PickList,
    PickTask,
    Warehouse,
    Wave,
    Zone,
)
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.sequences import next_number
from wms_terminal.core.states import ORDER_TRANSITIONS, OrderStatus, can_transition
from wms_terminal.picking import messages as M
from wms_terminal.picking.batching import CartCapacity
from wms_terminal.picking.strategies import (
    OrderSource,
    PickSource,
    PlanContext,
    PlannedList,
    get_strategy,
)
from wms_terminal.picking.wave_batching import (
    DEFAULT_CART,
    METHODS,
    check_method,
    clamp,
    layout_of,
    route_points,
)

WALK_M_PER_S = 1.0
SECONDS_PER_PICK = 12.0
SECONDS_PER_LIST = 90.0
CHUNK = 900
# SQLite: picks written per release transaction, and the pause after each (see the docstring).
WRITE_CHUNK_PICKS = 400
CHUNK_PAUSE_S = 0.03
# Statistics refreshed after a release of at least this many picks (PostgreSQL).
ANALYZE_AFTER_PICKS = 2_000
MAX_ORDERS = 1_000_000  # the most orders one wave may be asked for
ANALYZED_TABLES = ("pick_list", "pick_task", "reservation", "order_line", "sales_order", "tote")


class WaveConflict(WmsError):
    """The selected orders changed between planning and release."""


@dataclass(frozen=True)
class WaveFilter:
    warehouse: str | None = None  # warehouse code; the only one when None
    cutoff: datetime | None = None  # ship_by at or before
    carrier_service: str | None = None  # carrier service code
    channel: str | None = None
    priority_min: int | None = None
    zone: str | None = None  # orders whose picks all lie in this zone
    flags: tuple[str, ...] = ()  # orders carrying any of these flags
    max_orders: int | None = None

    def __post_init__(self) -> None:
        problems = [
            self.cutoff and date_problem("the cut-off", self.cutoff),
            self.priority_min is not None
            and priority_problem("the minimum priority", self.priority_min),
        ]
        for problem in problems:
            if problem:
                raise ValidationError(problem)
        if self.max_orders is not None and not 1 <= self.max_orders <= MAX_ORDERS:
            raise ValidationError(f"the order limit must be 1 to {MAX_ORDERS:,}")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["cutoff"] = self.cutoff.isoformat() if self.cutoff else None
        out["flags"] = list(self.flags)
        return {k: v for k, v in out.items() if v not in (None, [])}


@dataclass
class RoutedList:
    zone_id: int | None
    priority: int
    tote_count: int
    route_length_m: float
    picks: list[tuple[PickSource, int | None]]  # in route order


@dataclass(frozen=True)
class WavePlan:
    warehouse_id: int
    warehouse_code: str
    strategy: str
    routing_method: str
    filters: dict[str, Any]
    order_numbers: tuple[str, ...]
    orders: int
    lines: int
    picks: int
    units: int
    lists: tuple[RoutedList, ...] = field(repr=False)
    travel_m: dict[str, float]
    picker_hours: float

    @property
    def pick_lists(self) -> int:
        return len(self.lists)

    def to_json(self) -> dict[str, Any]:
        return {
            "warehouse": self.warehouse_code,
            "strategy": self.strategy,
            "routing_method": self.routing_method,
            "filters": self.filters,
            "orders": self.orders,
            "lines": self.lines,
            "picks": self.picks,
            "units": self.units,
            "pick_lists": self.pick_lists,
            "travel_m": {k: round(v, 1) for k, v in self.travel_m.items()},
            "picker_hours": round(self.picker_hours, 2),
            "order_numbers": list(self.order_numbers),
        }


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


@dataclass(frozen=True)
class _Selection:
    warehouse: Warehouse
    orders: list[OrderSource]
    numbers: dict[int, str]
    statuses: dict[int, str]


def _warehouse(session: Session, code: str | None) -> Warehouse:
    if code:
        wh = session.exec(select(Warehouse).where(Warehouse.code == code)).first()
        if wh is None:
            raise NotFound(f"no warehouse {code!r}")
        return wh
    all_wh = session.exec(select(Warehouse).order_by(Warehouse.id)).all()  # type: ignore[arg-type]
    if len(all_wh) != 1:
        raise ValidationError(
            "name the warehouse (--warehouse): "
            + (", ".join(w.code for w in all_wh) or "none is set up")
        )
    return all_wh[0]


def _select(session: Session, flt: WaveFilter) -> _Selection:
    wh = _warehouse(session, flt.warehouse)
    assert wh.id is not None
    where = ["so.warehouse_id = :w", "so.status IN ('reserved', 'partially_reserved')"]
    params: dict[str, Any] = {"w": wh.id}
    expanding: list[Any] = []
    if flt.cutoff is not None:
        where.append("so.ship_by IS NOT NULL AND so.ship_by <= :cutoff")
        # Typed like the column, so SQLite compares its own stored text form (UTC).
        params["cutoff"] = flt.cutoff
        expanding.append(bindparam("cutoff", type_=UTC_DATETIME))
    if flt.carrier_service:
        cs = session.exec(
            select(CarrierService.id).where(CarrierService.code == flt.carrier_service)
        ).first()
        if cs is None:
            raise NotFound(f"no carrier service {flt.carrier_service!r}")
        where.append("so.carrier_service_id = :cs")
        params["cs"] = cs
    if flt.channel:
        where.append("so.channel = :ch")
        params["ch"] = flt.channel
    if flt.priority_min is not None:
        where.append("so.priority >= :pmin")
        params["pmin"] = flt.priority_min
    if flt.flags:
        codes = [f.upper() for f in flt.flags]
        known = set(session.exec(select(OrderFlag.code).where(OrderFlag.code.in_(codes))).all())  # type: ignore[attr-defined]
        unknown = sorted(set(codes) - known)
        if unknown:
            raise NotFound(f"no special-order flag {unknown[0]!r}")
        where.append(
            "EXISTS (SELECT 1 FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
            "WHERE sf.order_id = so.id AND f.code IN :flags)"
        )
        params["flags"] = codes
        expanding.append(bindparam("flags", expanding=True))
    zone_id = None
    if flt.zone:
        zone_id = session.exec(
            select(Zone.id).where(Zone.warehouse_id == wh.id, Zone.code == flt.zone)
        ).first()
        if zone_id is None:
            raise NotFound(f"no zone {flt.zone!r} in warehouse {wh.code}")
    cond = " AND ".join(where)
    head_sql = text(
        "SELECT so.id, so.number, so.status, so.priority, so.ship_by, "
        "COALESCE((SELECT MAX(f.wave_priority) FROM sales_order_flag sf "
        "JOIN order_flag f ON f.id = sf.flag_id WHERE sf.order_id = so.id), 0) "
        f"FROM sales_order so WHERE {cond}"
    )
    if expanding:
        head_sql = head_sql.bindparams(*expanding)
    heads = session.execute(head_sql, params).all()
    # The reservation status is tested here, not in SQL: with statistics not yet gathered after
    # a bulk import, PostgreSQL ANDed the whole `status` index into every order's lookup (9.6 s
    # for 10,000 orders instead of 0.2 s). An order's reservations are few; the order index does.
    picks_sql = text(
        "SELECT r.order_id, r.order_line_id, r.id, r.product_id, r.location_id, r.qty, "
        "l.zone_id, l.aisle, l.bay, p.length_mm * p.width_mm * p.height_mm / 1000.0, p.weight_g, "
        "r.status FROM reservation r JOIN sales_order so ON so.id = r.order_id "
        "JOIN location l ON l.id = r.location_id JOIN product p ON p.id = r.product_id "
        f"WHERE r.qty > 0 AND {cond} "
        "ORDER BY r.order_id, r.order_line_id, r.id"
    )
    if expanding:
        picks_sql = picks_sql.bindparams(*expanding)
    picks: dict[int, list[PickSource]] = defaultdict(list)
    for row in session.execute(picks_sql, params):
        if row[11] != "active":
            continue
        picks[row[0]].append(
            PickSource(
                int(row[0]),
                int(row[1]),
                int(row[2]),
                int(row[3]),
                int(row[4]),
                int(row[5]),
                int(row[6]),
                int(row[7]),
                int(row[8]),
                float(row[9] or 0.0),
                int(row[10] or 0),
            )
        )
    far = datetime.max
    ranked = []
    for oid, number, status, prio, ship_by, tier in heads:
        mine = picks.get(oid)
        if not mine:
            continue
        if zone_id is not None and any(p.zone_id != zone_id for p in mine):
            continue
        if isinstance(ship_by, str):  # SQLite hands back text from a plain SQL query
            ship_by = datetime.fromisoformat(ship_by)
        deadline = ship_by.replace(tzinfo=None) if ship_by is not None else far
        ranked.append(((-int(tier), -int(prio), deadline, oid), oid, number, status, prio, tier))
    ranked.sort(key=lambda r: r[0])
    if flt.max_orders is not None:
        ranked = ranked[: max(flt.max_orders, 0)]
    orders = [
        OrderSource(oid, number, int(tier), int(prio), tuple(picks[oid]))
        for _, oid, number, _status, prio, tier in ranked
    ]
    return _Selection(
        wh,
        orders,
        {o.order_id: o.number for o in orders},
        {r[1]: r[3] for r in ranked},
    )


def _route(planned: Sequence[PlannedList], ctx: PlanContext, method: str) -> list[RoutedList]:
    out = []
    for pl in planned:
        points = [clamp(ctx.layout, p.aisle, p.bay) for p, _ in pl.picks]
        r = route_points(ctx.layout, points, method)
        ordered = [pl.picks[i] for i in r.sequence]
        out.append(RoutedList(pl.zone_id, pl.priority, pl.tote_count, r.length_m, ordered))
    return out


def _plan(
    session: Session,
    flt: WaveFilter,
    strategy: str,
    method: str,
    capacity: CartCapacity,
    compare: Iterable[str],
) -> tuple[_Selection, WavePlan]:
    strat = get_strategy(strategy)
    check_method(method)
    sel = _select(session, flt)
    ctx = PlanContext(layout_of(sel.warehouse.layout, warehouse=sel.warehouse.code), capacity)
    planned = strat.split(sel.orders, ctx)
    routed = _route(planned, ctx, method)
    travel = {method: sum(r.route_length_m for r in routed)}
    for other in compare:
        if other != method:
            check_method(other)
            travel[other] = sum(r.route_length_m for r in _route(planned, ctx, other))
    picks = sum(len(o.picks) for o in sel.orders)
    hours = (
        travel[method] / WALK_M_PER_S + picks * SECONDS_PER_PICK + len(routed) * SECONDS_PER_LIST
    ) / 3600.0
    plan = WavePlan(
        warehouse_id=sel.warehouse.id or 0,
        warehouse_code=sel.warehouse.code,
        strategy=strategy,
        routing_method=method,
        filters=flt.to_json(),
        order_numbers=tuple(o.number for o in sel.orders),
        orders=len(sel.orders),
        lines=len({p.order_line_id for o in sel.orders for p in o.picks}),
        picks=picks,
        units=sum(p.qty for o in sel.orders for p in o.picks),
        lists=tuple(routed),
        travel_m=travel,
        picker_hours=hours,
    )
    return sel, plan


def plan_wave(
    db: Database,
    flt: WaveFilter,
    *,
    strategy: str = "per-order",
    routing_method: str = "optimal",
    capacity: CartCapacity | None = None,
    compare: Iterable[str] = METHODS,
) -> WavePlan:
    """Preview a wave: nothing is written. `compare` adds travel for other routing methods."""
    with db.reading() as session:
        return _plan(session, flt, strategy, routing_method, capacity or DEFAULT_CART, compare)[1]


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
            sel, plan = _plan(session, flt, strategy, routing_method, cap, ())
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


def _write_in_parts(db: Database, actor: Actor, sel: _Selection, plan: WavePlan) -> ReleasedWave:
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
        chunk = _Selection(sel.warehouse, [by_id[o] for o in oids], sel.numbers, sel.statuses)
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
    sel: _Selection,
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
    # Take the orders: an order released (or changed) by someone else meanwhile stops us here.
    # PostgreSQL: one statement with an array parameter; SQLite: IN lists of CHUNK ids.
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        upd = text(
            "UPDATE sales_order SET status = 'released', updated_at = :now "
            "WHERE id = ANY(CAST(:ids AS INTEGER[])) "
            "AND status IN ('reserved', 'partially_reserved')"
        )
        check = text(
            "SELECT id, qty, status FROM reservation "
            "WHERE order_id = ANY(CAST(:ids AS INTEGER[])) AND qty > 0"
        )
        parts: Iterable[Sequence[int]] = [order_ids]
    else:
        upd = text(
            "UPDATE sales_order SET status = 'released', updated_at = :now "
            "WHERE id IN :ids AND status IN ('reserved', 'partially_reserved')"
        ).bindparams(bindparam("ids", expanding=True))
        check = text(
            "SELECT id, qty, status FROM reservation WHERE order_id IN :ids AND qty > 0"
        ).bindparams(bindparam("ids", expanding=True))
        parts = list(_chunks(order_ids))
    for part in parts:
        got = session.execute(upd, {"ids": list(part), "now": now}).rowcount  # type: ignore[attr-defined]
        if got != len(part):
            raise WaveConflict(M.WAVE_CHANGED)
    # The reservations must still be those planned (status tested here: see `_select`).
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
