"""Pick services: one transaction per operator action, the outcome stored under its scan id.

The TUI, the headless driver and the flow call these; screens never touch a session.

    claim_next(db, actor, warehouse_id=..)           -> pick list id | None      (claims.py)
    get_list(db, pick_list_id)                       -> PickListView             (claims.py)
    release_list(db, actor, pick_list_id)                                        (claims.py)
    check_step(db, actor, scan_id=, task_id=, step=, code=)       -> ScanResult
    confirm_pick(db, actor, scan_id=, task_id=, qty=, ...)         -> ScanResult
    report_short / report_damaged / report_empty / skip_task / full_tote       (exceptions.py)
    release_wave / plan_wave                                                     (waves.py)
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.picking import messages as M
from wms_terminal.picking.claims import claim_next, get_list, load_list, release_list
from wms_terminal.picking.exceptions import (
    full_tote,
    report_damaged,
    report_empty,
    report_short,
    skip_task,
)
from wms_terminal.picking.pickops import (
    TaskStatus,
    apply_pick,
    check_item,
    check_location,
    current_tote,
    resolve_tote,
    settle,
    sku_of,
    start_order,
    task_ctx,
)
from wms_terminal.picking.replenishment import after_pick
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.views import ScanResult

__all__ = [
    "STEPS",
    "check_step",
    "claim_next",
    "confirm_pick",
    "full_tote",
    "get_list",
    "load_list",
    "release_list",
    "report_damaged",
    "report_empty",
    "report_short",
    "skip_task",
]

STEPS = ("location", "item", "tote")


def check_step(
    db: Database, actor: Actor, *, scan_id: str, task_id: int, step: str, code: str
) -> ScanResult:
    """Check one scan against the task (location, item or tote label); nothing else changes."""

    def body(session: Session) -> Outcome:
        ctx = task_ctx(session, task_id, actor)
        if step == "location":
            check_location(ctx, code)
            return Outcome("location_ok", M.OK_LOCATION, {"task_id": task_id}, ctx.warehouse_id)
        if step == "item":
            check_item(session, ctx, code, sku_of(session, ctx.product_id))
            return Outcome("item_ok", M.OK_ITEM, {"task_id": task_id}, ctx.warehouse_id)
        if step == "tote":
            resolve_tote(session, ctx, code)
            return Outcome(
                "tote_ok",
                M.fmt(M.OK_TOTE, tote=code.strip()),
                {"tote": code.strip()},
                ctx.warehouse_id,
            )
        raise Rejected("bad_step", M.fmt(M.UNKNOWN_SCAN, hint=step))

    return run_scan(db, actor, scan_id=scan_id, action=f"pick_{step}", raw=code, body=body)


def confirm_pick(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    task_id: int,
    qty: int,
    tote: str | None = None,
    location: str | None = None,
    item: str | None = None,
    raw: str = "",
) -> ScanResult:
    """Pick `qty` units for a task: stock and reservation drop, ledger written, order line,
    task, order and list statuses move, replenishment and reorder checked: one transaction.

    `tote`, `location` and `item` are the labels scanned with this confirmation, when the last
    scan of the step is the one that confirms it; each is checked against the task first."""
    require(actor, "pick")

    def body(session: Session) -> Outcome:
        ctx = task_ctx(session, task_id, actor)
        if location is not None:
            check_location(ctx, location)
        sku = sku_of(session, ctx.product_id)
        if item is not None:
            check_item(session, ctx, item, sku)
        if not 1 <= qty <= ctx.remaining:
            raise Rejected("bad_qty", M.fmt(M.BAD_QTY, max=ctx.remaining), clean=True)
        if tote is not None:
            tote_id: int | None = resolve_tote(session, ctx, tote)
        else:
            in_use = current_tote(session, ctx.pick_list_id, ctx.slot)
            tote_id = in_use.id if in_use is not None else None
        order = start_order(session, ctx.order_id)
        status = apply_pick(session, ctx, qty, actor, scan_id=scan_id, tote_id=tote_id)
        data: dict[str, Any] = {
            "task_id": task_id,
            "qty": qty,
            "task_status": status,
            "order_status": order.status,
            "list_done": False,
        }
        if status != TaskStatus.OPEN:
            data.update(settle(session, ctx, order))
        after = after_pick(
            session,
            warehouse_id=ctx.warehouse_id,
            location_id=ctx.location_id,
            product_id=ctx.product_id,
            actor=actor,
        )
        lines = [M.fmt(M.OK_PICKED, qty=qty, sku=sku)]
        if after.replenish_location:
            data["replenishment"] = after.replenish_location
            lines.append(M.fmt(M.REPLENISH, location=after.replenish_location))
        if after.purchase_orders:
            data["purchase_orders"] = list(after.purchase_orders)
            lines.append(M.fmt(M.REORDER, number=after.purchase_orders[0]))
        if data["list_done"]:
            lines.append(M.fmt(M.OK_LIST_DONE, list=ctx.pick_list_id))
        return Outcome("picked", "\n".join(lines), data, ctx.warehouse_id)

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        action="pick_confirm",
        raw=raw or tote or item or location or str(qty),
        body=body,
    )
