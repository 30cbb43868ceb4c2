"""The floor at a glance for a signed-in user: one short read-only transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from wms_terminal.core.db import Database
from wms_terminal.core.models import MoveTask, MoveTaskKind, PickList, SalesOrder, User, Warehouse


@dataclass(frozen=True)
class FloorView:
    """What the home screen shows."""

    user_name: str
    warehouses: tuple[str, ...]
    orders_by_status: tuple[tuple[str, int], ...]
    open_pick_lists: int
    open_replenishments: int


def floor_summary(db: Database, user_id: int | None) -> FloorView:
    with db.reading() as session:
        return _read(session, user_id)


def _read(session: Session, user_id: int | None) -> FloorView:
    user = session.get(User, user_id) if user_id is not None else None
    codes = tuple(session.exec(select(Warehouse.code).order_by(col(Warehouse.code))).all())
    by_status = session.exec(
        select(SalesOrder.status, func.count())
        .group_by(col(SalesOrder.status))
        .order_by(col(SalesOrder.status))
    ).all()
    lists = session.exec(
        select(func.count()).select_from(PickList).where(col(PickList.status) == "open")
    ).one()
    repl = session.exec(
        select(func.count())
        .select_from(MoveTask)
        .where(col(MoveTask.status) == "open", col(MoveTask.kind) == MoveTaskKind.REPLENISH)
    ).one()
    return FloorView(
        user.name if user else "",
        codes,
        tuple((s, int(n)) for s, n in by_status),
        int(lists),
        int(repl),
    )
