"""Cancelling one pick list of a released wave (the rest of the wave goes on).

Like a wave's cancel: units already picked go back to stock (`put_back`: emptied at the
receiving location, put away again), its tasks cancelled, its orders back to waiting with their
remaining reservations, its totes freed. An order split over several lists (zone
picking) cannot lose one list and keep the others: that is refused, naming the other lists (cancel
the wave instead). When the last live list of a wave is cancelled, the wave is cancelled too.
One transaction, audited, supervisors and managers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, NotFound
from wms_terminal.core.models import PickList, Wave
from wms_terminal.core.states import PickListStatus
from wms_terminal.picking.put_back import put_back
from wms_terminal.picking.wave_admin import WaveStatus, cancel_lists


@dataclass(frozen=True)
class CancelledList:
    pick_list_id: int
    wave: str | None
    orders: int
    totes_freed: int
    wave_cancelled: bool
    units_put_back: int = 0  # picked units back to stock at `put_back_location`
    put_back_location: str = ""
    totes_to_empty: tuple[str, ...] = ()


_SHARED = (
    "SELECT DISTINCT other.pick_list_id FROM pick_task mine JOIN pick_task other "
    "ON other.order_id = mine.order_id AND other.pick_list_id <> mine.pick_list_id "
    "JOIN pick_list pl ON pl.id = other.pick_list_id "
    "WHERE mine.pick_list_id = :l AND pl.status <> 'cancelled' ORDER BY other.pick_list_id"
)


def cancel_list(
    db: Database, actor: Actor, pick_list_id: int, *, reason: str = ""
) -> CancelledList:
    require(actor, "release_wave")

    def work(s: Session) -> CancelledList:
        pl = s.get(PickList, pick_list_id, with_for_update=True)
        if pl is None:
            raise NotFound(f"no pick list {pick_list_id}")
        if pl.status not in (PickListStatus.OPEN, PickListStatus.CLAIMED):
            raise InvalidTransition(f"pick list {pick_list_id} is {pl.status}: nothing to cancel")
        shared = [int(i) for i in s.execute(text(_SHARED), {"l": pick_list_id}).scalars()]
        if shared:
            raise InvalidTransition(
                f"its orders are on pick list(s) {', '.join(map(str, shared))} too: "
                "cancel the whole wave instead"
            )
        back = put_back(s, actor, [pick_list_id], reason=f"pick list {pick_list_id} cancelled")
        orders, freed = cancel_lists(s, [pl], actor)
        wave = s.get(Wave, pl.wave_id, with_for_update=True) if pl.wave_id else None
        wave_done = wave is not None and not _live_lists(s, int(pl.wave_id or 0))
        if wave is not None and wave_done:
            wave.status = WaveStatus.CANCELLED
            s.add(wave)
        record(
            s,
            action="pick_list_cancelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=pl.warehouse_id,
            entity="pick_list",
            entity_id=str(pick_list_id),
            reason=reason,
            orders=len(orders),
            totes_freed=freed,
            wave_cancelled=wave_done,
            **back.audit(),
        )
        return CancelledList(
            pick_list_id,
            wave.number if wave else None,
            len(orders),
            freed,
            wave_done,
            back.units,
            back.location,
            back.totes,
        )

    return db.run(work, what="cancel a pick list")


def _live_lists(s: Session, wave_id: int) -> list[int]:
    s.flush()
    q = select(PickList.id).where(
        col(PickList.wave_id) == wave_id, col(PickList.status) != PickListStatus.CANCELLED
    )
    return [int(i) for i in s.exec(q) if i is not None]
