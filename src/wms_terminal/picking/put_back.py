"""The picked units of a cancelled wave go back to stock: the rule and its one implementation.

A wave cancelled after picks began leaves units in totes on the floor. They re-enter the books at
the warehouse's receiving location (`put_back` ledger lines, each carrying its order), where the
totes are emptied; put-away tasks take them back to the shelves like a delivery, and that
put-away re-reserves the back-orders waiting for them (`move_tasks.do_task` ->
`backorders.rereserve`). The orders give the units up: each line's picked and reserved units
drop, its back-ordered units rise by as much (free units on the shelves serve them at once when
the lists are cancelled: `wave_admin.cancel_lists`), and its picking tasks (with their picked
units zeroed) are cancelled. Runs in the wave cancel's transaction, before its lists are cancelled;
the cancel audits it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from wms_terminal.core import stock_in_out
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import MoveKind
from wms_terminal.core.service_locations import receiving_location
from wms_terminal.core.states import PICK_TASK_TRANSITIONS, PickTaskStatus, require_transition
from wms_terminal.core.task_sources import raise_putaways

_PICKED = text(
    "SELECT pt.id, pt.order_id, pt.order_line_id, pt.product_id, pt.qty_picked, pt.status, "
    "pl.warehouse_id, t.code FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "LEFT JOIN tote t ON t.id = pt.tote_id WHERE pt.pick_list_id IN :ids AND pt.qty_picked > 0 "
    "ORDER BY pt.id"
).bindparams(bindparam("ids", expanding=True))


@dataclass(frozen=True)
class PutBack:
    location: str = ""  # the receiving location where the totes are emptied
    units: int = 0
    putaway_task_ids: tuple[int, ...] = ()
    totes: tuple[str, ...] = ()  # the totes that hold them

    def audit(self) -> dict[str, Any]:
        """What a cancellation's audit entry says of the units put back."""
        return {
            "units_put_back": self.units,
            "put_back_location": self.location,
            "totes_to_empty": list(self.totes),
            "putaway_task_ids": list(self.putaway_task_ids),
        }


def put_back(session: Session, actor: Actor, list_ids: Sequence[int], *, reason: str) -> PutBack:
    """Put the units picked on `list_ids` (locked, about to be cancelled) back into stock."""
    rows = session.execute(_PICKED, {"ids": list(list_ids)}).all()
    if not rows:
        return PutBack()
    dock = receiving_location(session, int(rows[0][6]))
    assert dock.id is not None
    per_line: dict[int, int] = defaultdict(int)
    for task_id, order_id, line_id, product_id, picked, status, _, _ in rows:
        stock_in_out.receive(
            session,
            location_id=dock.id,
            product_id=int(product_id),
            qty=int(picked),
            actor=actor,
            reason=f"put back: {reason}"[:200],
            kind=MoveKind.PUT_BACK,
            order_id=int(order_id),
        )
        if status != PickTaskStatus.CANCELLED:
            require_transition(PICK_TASK_TRANSITIONS, status, PickTaskStatus.CANCELLED, "a task")
        session.execute(
            text("UPDATE pick_task SET qty_picked = 0, status = :c WHERE id = :id"),
            {"c": PickTaskStatus.CANCELLED, "id": task_id},
        )
        per_line[int(line_id)] += int(picked)
    for line_id, units in sorted(per_line.items()):
        session.execute(
            text(
                "UPDATE order_line SET qty_picked = qty_picked - :q, "
                "qty_reserved = qty_reserved - :q, qty_backordered = qty_backordered + :q "
                "WHERE id = :id"
            ),
            {"q": units, "id": line_id},
        )
    tasks = raise_putaways(
        session, receiving_location_id=dock.id, product_ids={int(r[3]) for r in rows}
    )
    return PutBack(
        dock.code,
        sum(int(r[4]) for r in rows),
        tuple(t.id for t in tasks if t.id is not None),
        tuple(sorted({str(r[7]) for r in rows if r[7] is not None})),
    )
