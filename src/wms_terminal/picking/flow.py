"""The pick flow: a plain state machine, independent of any screen, that the TUI, the headless
driver and the tests drive the same way.

    IDLE --start--> LOCATION --location--> ITEM --item--> QTY --qty--> TOTE --tote--> (confirm)
                        ^                                                                |
                        +------------------------ next task in route order <-------------+

QTY is asked only when more than one unit is to be picked; TOTE only when the list puts orders
in several totes (cluster, zone) or the slot has no tote yet. The last input of a pick confirms
it (one service call). Command barcodes (CMD-SHORT, CMD-DAMAGED, CMD-SKIP, CMD-FULLTOTE,
CMD-EMPTY, CMD-DONE, CMD-CANCEL, CMD-HELP) work at any step of a pick. Every call returns a
frozen `FlowView`; a rejected scan changes nothing and leaves the step where it was.

Scans are anything with a `text` (or `raw`) attribute, optionally `kind` and `id` (the scanning
layer's `Scan` fits), or a plain string. They are classified here by the floor conventions of
`core.codes`; products are looked up by barcode in the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import COMMAND_PREFIX, LOCATION_RE, TOTE_RE, Command
from wms_terminal.core.db import Database
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import claim_next, get_list
from wms_terminal.picking.views import FlowView, PickListView, ScanResult, TaskView


class Step(StrEnum):
    IDLE = "idle"
    LOCATION = "location"
    ITEM = "item"
    QTY = "qty"
    TOTE = "tote"
    SHORT_QTY = "short_qty"
    DAMAGED_QTY = "damaged_qty"
    DONE = "done"


class ScanKind(StrEnum):
    LOCATION = "location"
    TOTE = "tote"
    PRODUCT = "product"
    COMMAND = "command"
    OTHER = "other"


class ScanLike(Protocol):
    text: str


@dataclass(frozen=True)
class RawScan:
    """The small scan protocol: raw text, an optional kind (e.g. "location", "gtin") and an id."""

    text: str
    kind: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


_KIND_ALIASES = {
    "location": ScanKind.LOCATION,
    "tote": ScanKind.TOTE,
    "gtin": ScanKind.PRODUCT,
    "product": ScanKind.PRODUCT,
    "gs1": ScanKind.PRODUCT,
    "command": ScanKind.COMMAND,
}


def classify(text: str, kind: str | None = None) -> tuple[ScanKind, str]:
    """(kind, value) of a scan: a kind given by the scanning layer wins; else the prefixes."""
    text = text.strip()
    given = _KIND_ALIASES.get(str(kind).lower()) if kind else None
    if given is ScanKind.PRODUCT and text.startswith("01") and len(text) >= 16:
        return ScanKind.PRODUCT, text[2:16]  # GS1 element string: the GTIN of AI (01)
    if given is not None:
        if given is ScanKind.COMMAND and text.startswith(COMMAND_PREFIX):
            return given, text[len(COMMAND_PREFIX) :]
        return given, text
    if text.startswith(COMMAND_PREFIX):
        return ScanKind.COMMAND, text[len(COMMAND_PREFIX) :]
    if LOCATION_RE.match(text):
        return ScanKind.LOCATION, text
    if TOTE_RE.match(text):
        return ScanKind.TOTE, text
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        return ScanKind.PRODUCT, text
    return ScanKind.OTHER, text


def _new_id() -> str:
    return uuid.uuid4().hex


class PickFlow:
    """One picker's pick flow on one terminal."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        warehouse_id: int,
        zone_id: int | None = None,
        new_id: Callable[[], str] = _new_id,
    ) -> None:
        self.db = db
        self.actor = actor
        self.warehouse_id = warehouse_id
        self.zone_id = zone_id
        self._new_id = new_id
        self.step = Step.IDLE
        self.pick_list: PickListView | None = None
        self.task: TaskView | None = None
        self.pending_qty = 0
        self.message = ""
        self.error = ""
        self.last_result: ScanResult | None = None

    # -- driving --------------------------------------------------------------------------

    def start(self) -> FlowView:
        """Claim the next pick list (or resume the one this picker holds)."""
        self.message = self.error = ""
        got = claim_next(self.db, self.actor, warehouse_id=self.warehouse_id, zone_id=self.zone_id)
        if got is None:
            self.pick_list, self.task, self.step = None, None, Step.IDLE
            self.message = M.PROMPT_NO_WORK
            return self.view()
        self._reload(got)
        assert self.pick_list is not None
        self.message = M.fmt(M.OK_CLAIMED, list=got, tasks=len(self.pick_list.open_tasks))
        return self.view()

    def scan(self, scan: ScanLike | str, kind: str | None = None) -> FlowView:
        """Take one scan; a wrong one is rejected with a message and changes nothing."""
        if isinstance(scan, str):
            text, scan_id = scan, _new_id()
        else:
            text = str(getattr(scan, "text", None) or getattr(scan, "raw", ""))
            kind = kind or getattr(scan, "kind", None)
            scan_id = str(getattr(scan, "id", None) or self._new_id())
        self.message = self.error = ""
        what, value = classify(text, kind)
        if what is ScanKind.COMMAND:
            try:
                cmd = Command(value.upper())
            except ValueError:
                self.error = M.UNKNOWN_COMMAND
                return self.view()
            return self.command(cmd, scan_id=scan_id)
        if self.step in (Step.IDLE, Step.DONE):
            self.error = M.PROMPT_CLAIM
            return self.view()
        task = self.task
        assert task is not None
        if self.step is Step.LOCATION:
            r = service.check_step(
                self.db,
                self.actor,
                scan_id=scan_id,
                task_id=task.task_id,
                step="location",
                code=value,
            )
            if self._took(r):
                self.step = Step.ITEM
            return self.view()
        if self.step is Step.ITEM:
            if task.remaining == 1 and not self._tote_needed(task):
                return self._confirm(scan_id, 1, item=value)
            r = service.check_step(
                self.db,
                self.actor,
                scan_id=scan_id,
                task_id=task.task_id,
                step="item",
                code=value,
            )
            if self._took(r):
                if task.remaining > 1:
                    self.step = Step.QTY
                else:
                    self.pending_qty = 1
                    self.step = Step.TOTE
            return self.view()
        if self.step is Step.TOTE:
            return self._confirm(scan_id, self.pending_qty, tote=value)
        self.error = M.KEY_QTY
        return self.view()

    def key_qty(self, qty: int, *, scan_id: str | None = None) -> FlowView:
        """A quantity keyed in (QTY, or the count asked by SHORT and DAMAGED)."""
        self.message = self.error = ""
        task = self.task
        sid = scan_id or self._new_id()
        if task is None or self.step not in (Step.QTY, Step.SHORT_QTY, Step.DAMAGED_QTY):
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="no quantity asked")
            return self.view()
        if self.step is Step.QTY:
            if not 1 <= qty <= task.remaining:
                self.error = M.fmt(M.BAD_QTY, max=task.remaining)
                return self.view()
            if self._tote_needed(task):
                self.pending_qty = qty
                self.step = Step.TOTE
                return self.view()
            return self._confirm(sid, qty)
        if self.step is Step.SHORT_QTY:
            tote = self._tote_of(task)
            r = exc.report_short(
                self.db, self.actor, scan_id=sid, task_id=task.task_id, found=qty, tote=tote
            )
        else:
            r = exc.report_damaged(
                self.db, self.actor, scan_id=sid, task_id=task.task_id, damaged=qty
            )
        if self._took(r):
            self._reload()
        return self.view()

    def command(self, cmd: Command, *, scan_id: str | None = None) -> FlowView:
        self.message = self.error = ""
        sid = scan_id or self._new_id()
        if cmd is Command.HELP:
            self.message = M.HELP
            return self.view()
        if cmd is Command.DONE:
            if self.step in (Step.IDLE, Step.DONE):
                return self.start()
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="list not finished")
            return self.view()
        task = self.task
        if task is None or self.step in (Step.IDLE, Step.DONE):
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if cmd is Command.CANCEL:
            self.step, self.pending_qty = Step.LOCATION, 0
            return self.view()
        if cmd is Command.SHORT:
            self.step = Step.SHORT_QTY
            return self.view()
        if cmd is Command.DAMAGED:
            self.step = Step.DAMAGED_QTY
            return self.view()
        if cmd is Command.SKIP:
            r = exc.skip_task(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        elif cmd is Command.EMPTY:
            r = exc.report_empty(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        elif cmd is Command.FULL_TOTE:
            r = exc.full_tote(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        else:  # pragma: no cover - every command is handled above
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if self._took(r):
            keep = (self.step, self.pending_qty) if cmd is Command.FULL_TOTE else None
            self._reload()
            if keep is not None and self.task is not None and self.task.task_id == task.task_id:
                self.step, self.pending_qty = keep
        return self.view()

    # -- what to show ---------------------------------------------------------------------

    def view(self) -> FlowView:
        pl, task = self.pick_list, self.task
        total = len(pl.tasks) if pl else 0
        done = total - len(pl.open_tasks) if pl else 0
        if task is None or pl is None:
            prompt = M.PROMPT_DONE if self.step is Step.DONE else M.PROMPT_CLAIM
            return FlowView(
                step=self.step.value,
                prompt=prompt,
                pick_list_id=pl.pick_list_id if pl else None,
                done=done,
                total=total,
                message=self.message,
                error=self.error,
            )
        prompt = {
            Step.LOCATION: M.fmt(M.PROMPT_LOCATION, location=task.location_code),
            Step.ITEM: M.fmt(M.PROMPT_ITEM, sku=task.sku),
            Step.QTY: M.fmt(M.PROMPT_QTY, qty=task.remaining),
            Step.TOTE: M.fmt(
                M.PROMPT_TOTE if self._tote_of(task) else M.PROMPT_TOTE_NEW, slot=task.slot
            ),
            Step.SHORT_QTY: M.fmt(M.PROMPT_SHORT, max=task.remaining - 1),
            Step.DAMAGED_QTY: M.fmt(M.PROMPT_DAMAGED, max=task.remaining),
        }.get(self.step, "")
        return FlowView(
            step=self.step.value,
            prompt=prompt,
            pick_list_id=pl.pick_list_id,
            task_id=task.task_id,
            location=task.location_code,
            product=task.product_name,
            sku=task.sku,
            qty=task.remaining,
            tote_slot=task.tote_slot,
            tote=self._tote_of(task),
            done=done,
            total=total,
            message=self.message,
            error=self.error,
        )

    # -- internals ------------------------------------------------------------------------

    def _tote_of(self, task: TaskView) -> str | None:
        return self.pick_list.totes.get(task.slot) if self.pick_list else None

    def _tote_needed(self, task: TaskView) -> bool:
        assert self.pick_list is not None
        return self.pick_list.multi_slot or self._tote_of(task) is None

    def _confirm(
        self, scan_id: str, qty: int, *, tote: str | None = None, item: str | None = None
    ) -> FlowView:
        task = self.task
        assert task is not None
        r = service.confirm_pick(
            self.db,
            self.actor,
            scan_id=scan_id,
            task_id=task.task_id,
            qty=qty,
            tote=tote,
            item=item,
        )
        if self._took(r):
            self._reload()
        return self.view()

    def _took(self, r: ScanResult) -> bool:
        self.last_result = r
        if r.accepted:
            self.message = r.message
            return True
        self.error = r.message
        return False

    def _reload(self, pick_list_id: int | None = None) -> None:
        lid = pick_list_id or (self.pick_list.pick_list_id if self.pick_list else None)
        assert lid is not None
        self.pick_list = get_list(self.db, lid)
        self.task = self.pick_list.next_task
        self.pending_qty = 0
        self.step = Step.LOCATION if self.task is not None else Step.DONE

    def snapshot(self) -> dict[str, Any]:
        """The current view as plain data (headless driver, logs)."""
        v = self.view()
        return {k: getattr(v, k) for k in v.__dataclass_fields__}
