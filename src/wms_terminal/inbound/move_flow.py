"""Doing move tasks (replenishment, put-away) by scan:

    IDLE --start--> FROM --source location--> ITEM --item--> QTY --quantity--> TO --destination-->
      ^                                                                              (moved)  |
      +------------------- the next task is claimed at once; none left: IDLE <----------------+

Every scan is checked against the task as it comes; the last one moves the stock (one
transaction, `core.move_tasks.do_task_in`, which checks all of them again; the scan's outcome
is stored under its id in it, `inbound.scanned`). CMD-CANCEL at any step
gives the task back to the pool. A rejected scan changes nothing and leaves the step where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.move_tasks import (
    MoveTaskView,
    claim_next,
    is_item_of,
    release_task,
)
from wms_terminal.inbound.reading import read
from wms_terminal.inbound.scanned import move_scan
from wms_terminal.scanning import Scan


class MoveStep(StrEnum):
    IDLE = "idle"
    FROM = "from"
    ITEM = "item"
    QTY = "qty"
    TO = "to"


@dataclass(frozen=True)
class MoveView:
    step: MoveStep
    prompt: str
    ok: bool
    message: str
    task: MoveTaskView | None


class MoveFlow:
    """One worker's move tasks on one terminal (`kind` None: replenishment and put-away)."""

    def __init__(
        self, db: Database, actor: Actor, *, warehouse_id: int, kind: str | None = None
    ) -> None:
        self.db = db
        self.actor = actor
        self.warehouse_id = warehouse_id
        self.kind = kind
        self.step = MoveStep.IDLE
        self.task: MoveTaskView | None = None
        self._item = ""
        self._qty = 0

    def view(self, ok: bool = True, message: str = "") -> MoveView:
        t = self.task
        prompt = "No task: start to claim the next one"
        if t is not None:
            prompt = {
                MoveStep.FROM: f"Go to {t.from_location} and scan it",
                MoveStep.ITEM: f"Scan {t.sku} ({t.product_name})",
                MoveStep.QTY: f"How many? (up to {t.qty})",
                MoveStep.TO: f"Take {self._qty} to {t.to_location} and scan it",
            }.get(self.step, prompt)
        return MoveView(self.step, prompt, ok, message, t)

    def start(self) -> MoveView:
        """Claim this worker's task, or the most urgent open one."""
        try:
            self.task = claim_next(
                self.db, self.actor, warehouse_id=self.warehouse_id, kind=self.kind
            )
        except WmsError as exc:
            return self.view(False, exc.message)
        self.step = MoveStep.FROM if self.task else MoveStep.IDLE
        urgent = "URGENT: a pick is waiting. " if self.task and self.task.urgent else ""
        return self.view(True, urgent if self.task else "No open task")

    def scan(self, scan: Scan | str) -> MoveView:
        r = read(scan)
        t = self.task
        if t is None or self.step is MoveStep.IDLE:
            return self.view(False, "No task: start to claim the next one")
        if r.command == "CANCEL":
            try:
                release_task(self.db, self.actor, task_id=t.id)
            except WmsError as exc:
                return self.view(False, exc.message)
            self.task, self.step = None, MoveStep.IDLE
            return self.view(True, f"Task {t.id} given back")
        if self.step is MoveStep.FROM:
            if r.location != (t.from_barcode or "").upper():
                return self.view(False, f"Wrong location: take the units from {t.from_location}")
            self.step = MoveStep.ITEM
            return self.view()
        if self.step is MoveStep.ITEM:
            item = r.item
            try:
                right = item is not None and is_item_of(self.db, t.id, item)
            except WmsError as exc:
                return self.view(False, exc.message)
            if not right or item is None:
                return self.view(False, r.error or f"Wrong item: this task moves {t.sku}")
            self._item, self.step = item, MoveStep.QTY
            return self.view()
        if self.step is MoveStep.QTY:
            qty = r.quantity
            if qty is None or not 1 <= qty <= t.qty:
                return self.view(False, f"Key in how many you take: 1 to {t.qty}")
            self._qty, self.step = qty, MoveStep.TO
            return self.view()
        if r.location != t.to_barcode.upper():
            return self.view(False, f"Wrong location: put the units on {t.to_location}")
        try:
            got = move_scan(
                self.db,
                self.actor,
                scan_id=r.id,
                raw=r.text,
                task_id=t.id,
                from_location=t.from_barcode or "",
                item=self._item,
                qty=self._qty,
                to_location=t.to_barcode,
            )
        except WmsError as exc:  # the database is gone or busy: the scan may be sent again
            return self.view(False, exc.message)
        if not got.result.accepted:
            return self.view(False, got.result.message)
        nxt = self.start()
        message = f"{got.result.message} {nxt.message}"
        return MoveView(nxt.step, nxt.prompt, nxt.ok, message, nxt.task)
