"""Pick services: one transaction per operator action, the outcome stored under its scan id.

The TUI, the headless driver and the flow call these; screens never touch a session.

    claim_next(db, actor, warehouse_id=..)           -> pick list id | None      (claims.py)
    get_list(db, pick_list_id)                       -> PickListView             (claims.py)
    release_list(db, actor, pick_list_id)                                        (claims.py)
    check_step(db, actor, scan_id=, task_id=, step=, code=)       -> ScanResult
    confirm_pick(db, actor, scan_id=, task_id=, qty=, ...)         -> ScanResult
    report_short / report_damaged / report_empty / skip_task / full_tote       (exceptions.py)
    release_wave / plan_wave                                  (wave_release.py, wave_plan.py)

One route for every pick action: `tasks.read_task` (one read), `checks` (the scans, classified
by the scanning layer), `confirm` (start_order, pick_units, settle: the one implementation of
confirming units, reused by the exceptions), `core.inventory` (stock, reservation, ledger).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.models import LocationKind
from wms_terminal.core.states import PickTaskStatus
from wms_terminal.core.task_sources import replenish_if_low
from wms_terminal.picking import messages as M
from wms_terminal.picking import totes
from wms_terminal.picking.checks import check_item, check_location, check_tote
from wms_terminal.picking.claims import claim_next, get_list, release_list
from wms_terminal.picking.confirm import lot_statement, pick_units, settle
from wms_terminal.picking.exceptions import (
    full_tote,
    report_damaged,
    report_empty,
    report_short,
    skip_task,
)
from wms_terminal.picking.scans import FirstRead, Outcome, Rejected, run_scan
from wms_terminal.picking.tasks import read_task, task_read
from wms_terminal.picking.views import ScanResult

__all__ = [
    "STEPS",
    "check_step",
    "claim_next",
    "confirm_pick",
    "full_tote",
    "get_list",
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
    """Check one scan against the task (location, item or tote label); nothing else changes (a
    free tote that passes is bound to the list by the pick that puts units in it).

    An item scan answers with `data["units"]`: the units the scanned pack holds (1, or a case's
    pack quantity)."""

    first = FirstRead(task_read(task_id))

    def body(session: Session) -> Outcome:
        ctx = read_task(session, task_id, actor, rows=first.rows)
        if step == "location":
            check_location(ctx, code)
            return Outcome("location_ok", M.OK_LOCATION, {"task_id": task_id}, ctx.warehouse_id)
        if step == "item":
            item = check_item(session, ctx, code)
            data = {"task_id": task_id, "units": item.units}
            return Outcome("item_ok", M.OK_ITEM, data, ctx.warehouse_id)
        if step == "tote":
            check_tote(session, ctx, code)  # bound to the list by the pick, not here
            return Outcome(
                "tote_ok",
                M.fmt(M.OK_TOTE, tote=code.strip()),
                {"tote": code.strip()},
                ctx.warehouse_id,
            )
        raise Rejected("bad_step", M.fmt(M.UNKNOWN_SCAN, hint=step))

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        task_id=task_id,
        action=f"pick_{step}",
        raw=code,
        body=body,
        first=first,
    )


def confirm_pick(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    task_id: int,
    qty: int | None = None,
    tote: str | None = None,
    location: str | None = None,
    item: str | None = None,
    raw: str = "",
) -> ScanResult:
    """Pick `qty` units for a task: stock and reservation drop, ledger written, order line,
    task, order and list statuses move, replenishment checked: one transaction.

    `tote`, `location` and `item` are the labels scanned with this confirmation (raw scan
    text), when the last scan of the step is the one that confirms it; each is checked against
    the task first. With `item`, `qty` counts units in whole packs of the scanned barcode (a
    case of 12: 12, 24, ...) and defaults to one pack; a GS1 item scan's lot, expiry and serial
    are recorded on the pick (an expired lot is refused)."""
    require(actor, "pick")
    raw = raw or tote or item or location or str(qty)

    first = FirstRead(task_read(task_id))  # sent with the scan id lookup

    def body(session: Session) -> Outcome:
        # One read for the task and all it needs, then conditional UPDATEs whose RETURNING
        # values build the outcome. Rare branches (a tote to bind, a pick face below its
        # minimum, the last task of an order or list) add their own statements.
        ctx = read_task(session, task_id, actor, rows=first.rows)
        if ctx.location_blocked:  # being counted: nothing is picked there until it ends
            raise Rejected("location_blocked", M.LOCATION_BLOCKED, clean=True)
        if location is not None:
            check_location(ctx, location)
        pack = check_item(session, ctx, item) if item is not None else None
        units = qty if qty is not None else pack.units if pack is not None else 0
        if not 1 <= units <= ctx.remaining:
            raise Rejected("bad_qty", M.fmt(M.BAD_QTY, max=ctx.remaining), clean=True)
        if pack is not None and units % pack.units:
            raise Rejected("bad_qty", M.fmt(M.PACK_MULTIPLE, units=pack.units), clean=True)
        tote_id = totes.take_scanned(session, ctx, tote) if tote is not None else ctx.tote_id
        lot = None
        if pack is not None:
            lot = lot_statement(task_id, lot=pack.lot, expiry=pack.expiry, serial=pack.serial)
        # The order's start, the pick, its lot and (when the task closes) the list's lock and
        # open-task counts: sent together, one round trip on PostgreSQL.
        done = pick_units(
            session,
            ctx,
            units,
            actor,
            scan_id=scan_id,
            tote_id=tote_id,
            with_order=True,
            lot=lot,
            then_count=units == ctx.remaining,
        )
        status, picked = done.status, done.picked
        order_status = str(done.order_status)
        data: dict[str, Any] = {
            "task_id": task_id,
            "qty": units,
            "task_status": status,
            "order_status": order_status,
            "list_done": False,
        }
        if status != PickTaskStatus.OPEN:
            data.update(settle(session, ctx, order_status, actor, done.counts))
        lines = [M.fmt(M.OK_PICKED, qty=units, sku=ctx.sku)]
        # Replenishment: only a pick face that dropped below its minimum is looked at further.
        # (No reorder check: a pick of reserved units leaves free stock unchanged.)
        if (
            ctx.location_kind == LocationKind.PICK_FACE
            and ctx.min_qty > 0
            and picked.on_hand < ctx.min_qty
        ):
            task = replenish_if_low(session, location_id=ctx.location_id, product_id=ctx.product_id)
            if task is not None:
                data["replenishment"] = ctx.location_code
                lines.append(M.fmt(M.REPLENISH, location=ctx.location_code))
        if data["list_done"]:
            lines.append(M.fmt(M.OK_LIST_DONE, list=ctx.pick_list_id))
        return Outcome("picked", "\n".join(lines), data, ctx.warehouse_id)

    return run_scan(
        db,
        actor,
        scan_id=scan_id,
        task_id=task_id,
        action="pick_confirm",
        raw=raw,
        body=body,
        first=first,
    )
