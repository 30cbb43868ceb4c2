"""Seeing and steering released work: waves and pick lists listed and shown, a wave cancelled, a
pick list reassigned to another picker (a list is given back with `claims.release_list`).

Cancelling a wave (a wrong filter, a changed plan, a stop half-way) cancels its unfinished pick
lists and their tasks and frees their totes. Units already picked go back to stock
(`put_back`): the totes are emptied at the receiving location and put-away tasks take the units
to the shelves; their orders back-order them meanwhile. The orders go back to reserved (partially
reserved or back-ordered when they gave units up) with their remaining reservations kept, and
free stock on the shelves serves the waiting orders at once (`backorders.rereserve`). A wave
with a finished list cannot be cancelled (its totes went on to packing). One transaction each,
audited, supervisors and managers only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound, ValidationError
from wms_terminal.core.models import OrderLine, PickList, SalesOrder, User, UserKind, Wave
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import (
    ORDER_TRANSITIONS,
    PICK_LIST_TRANSITIONS,
    PICK_TASK_TRANSITIONS,
    OrderStatus,
    PickListStatus,
    PickTaskStatus,
    require_transition,
    transition,
)
from wms_terminal.picking import totes
from wms_terminal.picking.put_back import put_back

_ON_WAVE = (OrderStatus.RELEASED, OrderStatus.PICKING, OrderStatus.PICKED)


class WaveStatus:
    RELEASED = "released"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ListRow:
    id: int
    wave: str | None
    status: str
    strategy: str
    claimed_by: str | None
    tasks: int
    open_tasks: int
    route_length_m: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WaveRow:
    number: str
    warehouse: str
    status: str
    strategy: str
    routing_method: str
    released_at: datetime | None
    orders: int
    lists: dict[str, int]  # pick lists by status

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["released_at"] = self.released_at.isoformat() if self.released_at else None
        return out


@dataclass(frozen=True)
class WaveDetail:
    wave: WaveRow
    filters: dict[str, Any]
    order_numbers: tuple[str, ...]
    pick_lists: tuple[ListRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.wave.to_json(),
            "filters": self.filters,
            "order_numbers": list(self.order_numbers),
            "pick_lists": [p.to_json() for p in self.pick_lists],
        }


@dataclass(frozen=True)
class CancelledWave:
    number: str
    orders: int
    pick_lists: int
    totes_freed: int
    units_put_back: int = 0  # picked units back to stock, waiting at `put_back_location`
    put_back_location: str = ""
    putaway_task_ids: tuple[int, ...] = ()
    totes_to_empty: tuple[str, ...] = ()  # the totes holding them: emptied there


_WAVES = (
    "SELECT wv.id, wv.number, w.code, wv.status, wv.strategy, wv.routing_method, wv.released_at, "
    "(SELECT COUNT(DISTINCT pt.order_id) FROM pick_task pt JOIN pick_list pl "
    " ON pl.id = pt.pick_list_id WHERE pl.wave_id = wv.id) "
    "FROM wave wv JOIN warehouse w ON w.id = wv.warehouse_id"
)
_LISTS = (
    "SELECT pl.id, wv.number, pl.status, pl.strategy, u.username, "
    "(SELECT COUNT(*) FROM pick_task pt WHERE pt.pick_list_id = pl.id), "
    "(SELECT COUNT(*) FROM pick_task pt WHERE pt.pick_list_id = pl.id AND pt.status = 'open'), "
    "pl.route_length_m FROM pick_list pl LEFT JOIN wave wv ON wv.id = pl.wave_id "
    "LEFT JOIN app_user u ON u.id = pl.claimed_by"
)


def list_waves(
    db: Database, *, status: str | None = None, warehouse: str | None = None, limit: int = 50
) -> list[WaveRow]:
    """The newest waves first (read-only)."""
    where, params = _where(("wv.status", status), ("w.code", warehouse))
    sql = f"{_WAVES}{where} ORDER BY wv.id DESC LIMIT :limit"
    with db.reading() as s:
        rows = s.execute(text(sql), {**params, "limit": limit}).all()
        return [_wave_row(s, r) for r in rows]


def show_wave(db: Database, number: str) -> WaveDetail:
    with db.reading() as s:
        row = s.execute(text(f"{_WAVES} WHERE wv.number = :n"), {"n": number.strip()}).first()
        if row is None:
            raise NotFound(f"no wave {number!r}")
        wave = s.get(Wave, row[0])
        assert wave is not None
        orders = s.execute(
            text(
                "SELECT DISTINCT so.number FROM sales_order so JOIN pick_task pt "
                "ON pt.order_id = so.id JOIN pick_list pl ON pl.id = pt.pick_list_id "
                "WHERE pl.wave_id = :w ORDER BY so.number"
            ),
            {"w": row[0]},
        ).scalars()
        lists = s.execute(text(f"{_LISTS} WHERE pl.wave_id = :w ORDER BY pl.id"), {"w": row[0]})
        return WaveDetail(
            _wave_row(s, row), dict(wave.filters), tuple(orders), tuple(_list_row(r) for r in lists)
        )


def list_pick_lists(
    db: Database, *, wave: str | None = None, status: str | None = None, limit: int = 200
) -> list[ListRow]:
    where, params = _where(("wv.number", wave), ("pl.status", status))
    sql = f"{_LISTS}{where} ORDER BY pl.id DESC LIMIT :limit"
    with db.reading() as s:
        return [_list_row(r) for r in s.execute(text(sql), {**params, "limit": limit})]


def show_pick_list(db: Database, pick_list_id: int) -> tuple[ListRow, list[dict[str, Any]]]:
    """A list and its tasks in route order."""
    with db.reading() as s:
        row = s.execute(text(f"{_LISTS} WHERE pl.id = :l"), {"l": pick_list_id}).first()
        if row is None:
            raise NotFound(f"no pick list {pick_list_id}")
        tasks = s.execute(
            text(
                "SELECT pt.seq, so.number, p.sku, l.code, pt.qty, pt.qty_picked, pt.status, "
                "pt.tote_slot FROM pick_task pt JOIN sales_order so ON so.id = pt.order_id "
                "JOIN product p ON p.id = pt.product_id JOIN location l ON l.id = pt.location_id "
                "WHERE pt.pick_list_id = :l ORDER BY pt.seq, pt.id"
            ),
            {"l": pick_list_id},
        ).all()
    keys = ("seq", "order", "sku", "location", "qty", "qty_picked", "status", "tote_slot")
    return _list_row(row), [dict(zip(keys, t, strict=True)) for t in tasks]


def cancel_wave(db: Database, actor: Actor, number: str, *, reason: str = "") -> CancelledWave:
    """Cancel a wave's unfinished lists: picked units put back to stock, orders back to waiting
    (remaining reservations kept), lists and tasks cancelled, totes freed."""
    require(actor, "release_wave")

    def work(s: Session) -> CancelledWave:
        wave = s.exec(select(Wave).where(Wave.number == number.strip()).with_for_update()).first()
        if wave is None:
            raise NotFound(f"no wave {number!r}")
        if wave.status != WaveStatus.RELEASED:
            raise InvalidTransition(f"wave {wave.number} is {wave.status}: nothing to cancel")
        lists = s.exec(select(PickList).where(PickList.wave_id == wave.id).with_for_update()).all()
        # Lists cancelled one by one before (`list_cancel`) are left as they are.
        lists = [pl for pl in lists if pl.status != PickListStatus.CANCELLED]
        list_ids = [int(pl.id) for pl in lists if pl.id is not None]
        done = [str(pl.id) for pl in lists if pl.status == PickListStatus.DONE]
        if done:
            raise InvalidTransition(
                f"wave {wave.number}: pick list(s) {', '.join(done)} are done and their totes "
                "went on to packing; cancel their orders instead"
            )
        back = put_back(s, actor, list_ids, reason=f"wave {wave.number} cancelled")
        orders, freed = cancel_lists(s, lists, actor)
        wave.status = WaveStatus.CANCELLED
        s.add(wave)
        record(
            s,
            action="wave_cancelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=wave.warehouse_id,
            entity="wave",
            entity_id=wave.number,
            reason=reason,
            orders=len(orders),
            pick_lists=len(list_ids),
            totes_freed=freed,
            **back.audit(),
        )
        return CancelledWave(
            wave.number,
            len(orders),
            len(list_ids),
            freed,
            back.units,
            back.location,
            back.putaway_task_ids,
            back.totes,
        )

    return db.run(work, what="cancel a wave")


def reassign_list(db: Database, actor: Actor, pick_list_id: int, to: str) -> ListRow:
    """Hand an open or claimed pick list to another picker (username or badge)."""
    require(actor, "release_wave")

    def work(s: Session) -> None:
        pl = s.get(PickList, pick_list_id, with_for_update=True)
        if pl is None:
            raise NotFound(f"no pick list {pick_list_id}")
        user = s.exec(
            select(User).where(
                (User.username == to.strip()) | (User.badge_code == to.strip()),
                User.kind == UserKind.PERSON,
                col(User.active).is_(True),
            )
        ).first()
        if user is None:
            raise NotFound(f"no active user or badge {to!r}")
        if not Actor(user.id, user.username, user.role).can("pick"):
            raise ValidationError(f"{user.username} ({user.role}) does not pick")
        before = pl.claimed_by
        if pl.status not in (PickListStatus.OPEN, PickListStatus.CLAIMED):
            raise InvalidTransition(f"pick list {pick_list_id} is {pl.status}: nothing to reassign")
        transition(pl, PickListStatus.CLAIMED, PICK_LIST_TRANSITIONS)
        pl.claimed_by = user.id
        pl.claimed_at = utcnow()
        pl.terminal = ""
        s.add(pl)
        record(
            s,
            action="pick_list_reassigned",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=pl.warehouse_id,
            entity="pick_list",
            entity_id=str(pick_list_id),
            from_user=before,
            to_user=user.id,
        )

    db.run(work, what="reassign a pick list")
    return show_pick_list(db, pick_list_id)[0]


def cancel_lists(s: Session, lists: Sequence[PickList], actor: Actor) -> tuple[list[int], int]:
    """Cancel locked pick lists with nothing picked on them (none picked, or put back first):
    their open tasks cancelled, their orders back to waiting (reservations kept), their totes
    freed, and free stock of what the orders lack reserved for the waiting orders at once
    (`backorders.rereserve`, most urgent first). Returns (order ids, totes freed)."""
    list_ids = [int(pl.id) for pl in lists if pl.id is not None]
    for pl in lists:
        transition(pl, PickListStatus.CANCELLED, PICK_LIST_TRANSITIONS)
        pl.finished_at = utcnow()
        s.add(pl)
    orders = _restore_orders(s, list_ids)
    if list_ids:
        require_transition(
            PICK_TASK_TRANSITIONS, PickTaskStatus.OPEN, PickTaskStatus.CANCELLED, "a task"
        )
        s.execute(
            text(
                "UPDATE pick_task SET status = :c WHERE pick_list_id IN :ids AND status = 'open'"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list_ids, "c": PickTaskStatus.CANCELLED},
        )
    freed = _free_totes(s, list_ids)
    for wh in sorted({pl.warehouse_id for pl in lists}):
        rereserve(s, warehouse_id=wh, product_ids=_short_products(s, orders), actor=actor)
    return orders, freed


def _short_products(s: Session, order_ids: Sequence[int]) -> list[int]:
    if not order_ids:
        return []
    q = text(
        "SELECT DISTINCT product_id FROM order_line WHERE order_id IN :ids AND qty_backordered > 0"
    ).bindparams(bindparam("ids", expanding=True))
    return [int(p) for p in s.execute(q, {"ids": list(order_ids)}).scalars()]


def _restore_orders(s: Session, list_ids: Sequence[int]) -> list[int]:
    """The orders of cancelled lists back to waiting for a wave: reserved, partially reserved or
    back-ordered by what their lines still hold (after `put_back`)."""
    if not list_ids:
        return []
    q = text(
        "SELECT DISTINCT order_id FROM pick_task WHERE pick_list_id IN :ids ORDER BY order_id"
    ).bindparams(bindparam("ids", expanding=True))
    order_ids = [int(i) for i in s.execute(q, {"ids": list(list_ids)}).scalars()]
    now = utcnow()
    for oid in order_ids:
        order = s.get(SalesOrder, oid, with_for_update=True)
        assert order is not None
        if order.status not in _ON_WAVE:
            raise InvalidTransition(
                f"order {order.number} is {order.status}: the wave can no longer be cancelled"
            )
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == oid)).all()
        if all(line.qty_reserved >= line.qty for line in lines):
            new = OrderStatus.RESERVED
        elif any(line.qty_reserved > 0 for line in lines):
            new = OrderStatus.PARTIALLY_RESERVED
        else:
            new = OrderStatus.BACKORDERED
        transition(order, new, ORDER_TRANSITIONS)
        order.updated_at = now
        s.add(order)
    return order_ids


def _free_totes(s: Session, list_ids: Sequence[int]) -> int:
    """The totes bound to the cancelled lists go back to free (`picking.totes`)."""
    return len(totes.free_totes_of_lists(s, list(list_ids)))


def _where(*pairs: tuple[str, str | None]) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    for n, (column, value) in enumerate(pairs):
        if value:
            clauses.append(f"{column} = :p{n}")
            params[f"p{n}"] = value.strip()
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _wave_row(s: Session, r: Sequence[Any]) -> WaveRow:
    counts = s.execute(
        text("SELECT status, COUNT(*) FROM pick_list WHERE wave_id = :w GROUP BY status"),
        {"w": r[0]},
    ).all()
    return WaveRow(
        number=r[1],
        warehouse=r[2],
        status=r[3],
        strategy=r[4],
        routing_method=r[5],
        released_at=_dt(r[6]),
        orders=int(r[7] or 0),
        lists={str(k): int(v) for k, v in counts},
    )


def _list_row(r: Sequence[Any]) -> ListRow:
    return ListRow(
        id=int(r[0]),
        wave=r[1],
        status=r[2],
        strategy=r[3],
        claimed_by=r[4],
        tasks=int(r[5]),
        open_tasks=int(r[6]),
        route_length_m=round(float(r[7] or 0.0), 1),
    )


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
