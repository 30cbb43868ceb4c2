"""A pick task as the pick services see it: one read for the task and everything a scan or a
confirmation checks against, and the checks on who may act on it.

The tote in use for a slot of a list is defined here, once (`tote_in_use_sql`): the in-use tote
of this list that last took a pick in that slot. The task read and the list view both use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.auth import Actor
from wms_terminal.core.statements import Rows, Statement
from wms_terminal.core.states import PickListStatus, PickTaskStatus
from wms_terminal.picking import messages as M
from wms_terminal.picking.scans import Rejected


def tote_in_use_sql(task: str) -> str:
    """A scalar subquery: the id of the tote in use for the slot of `task` (an alias of a row
    with `pick_list_id` and `tote_slot`), or NULL when the slot has none yet."""
    return (
        "(SELECT t.id FROM pick_task o JOIN tote t ON t.id = o.tote_id "
        f"WHERE o.pick_list_id = {task}.pick_list_id "
        f"AND COALESCE(o.tote_slot, 1) = COALESCE({task}.tote_slot, 1) "
        f"AND t.status = 'in_use' AND t.pick_list_id = {task}.pick_list_id "
        "ORDER BY o.picked_at DESC LIMIT 1)"
    )


@dataclass(frozen=True)
class TaskCtx:
    """A pick task with its list, location, product and the tote in use for its slot."""

    task_id: int
    pick_list_id: int
    warehouse_id: int
    seq: int
    order_id: int
    order_line_id: int
    reservation_id: int | None
    product_id: int
    location_id: int
    qty: int
    qty_picked: int
    status: str
    tote_slot: int | None
    list_status: str
    claimed_by: int | None
    location_barcode: str
    location_code: str
    sku: str
    location_kind: str
    min_qty: int
    tote_id: int | None
    tote_code: str | None
    location_blocked: bool = False  # being counted: nothing is picked there until it ends

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked

    @property
    def slot(self) -> int:
        return self.tote_slot or 1


# Open tasks are read by primary key; the tote subquery uses the task index of the list.
_TASK = text(
    "SELECT pt.id, pt.pick_list_id, pt.warehouse_id, pt.seq, pt.order_id, pt.order_line_id, "
    "pt.reservation_id, pt.product_id, pt.location_id, pt.qty, pt.qty_picked, pt.status, "
    "pt.tote_slot, pl.status, pl.claimed_by, l.barcode, l.code, p.sku, l.kind, l.min_qty, "
    "tu.id, tu.code, l.blocked "
    "FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "JOIN location l ON l.id = pt.location_id JOIN product p ON p.id = pt.product_id "
    f"LEFT JOIN tote tu ON tu.id = {tote_in_use_sql('pt')} "
    "WHERE pt.id = :id"
)


def task_read(task_id: int) -> Statement:
    """The statement `read_task` runs, to send ahead with the scan id lookup
    (`scans.FirstRead`)."""
    return Statement(_TASK, {"id": task_id})


def read_task(
    session: Session,
    task_id: int,
    actor: Actor,
    *,
    open_only: bool = True,
    rows: Rows | None = None,
) -> TaskCtx:
    """The task and all its checks need, in one statement (or its `rows`, read already);
    refused unless `actor` holds its list (and, with `open_only`, the task is still open)."""
    if rows is None:
        rows = session.execute(_TASK, {"id": task_id}).all()
    row = rows[0] if rows else None
    if row is None:
        raise Rejected("no_task", M.TASK_CLOSED, clean=True)
    values = list(row)
    values[19] = int(values[19] or 0)  # min_qty
    values[22] = bool(values[22])
    ctx = TaskCtx(*values)
    if ctx.list_status != PickListStatus.CLAIMED:
        raise Rejected("list_closed", M.LIST_CLOSED, clean=True)
    if ctx.claimed_by != actor.user_id:
        raise Rejected("not_your_list", M.NOT_YOUR_LIST, clean=True)
    if open_only and ctx.status != PickTaskStatus.OPEN:
        raise Rejected("task_closed", M.TASK_CLOSED, clean=True)
    return ctx
