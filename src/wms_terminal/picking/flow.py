"""The pick flow: a plain state machine, independent of any screen, that the TUI, the headless
driver and the tests drive the same way.

    IDLE --start--> LOCATION --location--> ITEM --item--> QTY --item/qty--> TOTE --tote--> (confirm)
                        ^                                                                   |
                        +-------------------------- next task in route order <--------------+

Each item scan counts the units its barcode stands for (1, or a case's pack quantity); QTY is
asked while fewer units than the task needs were counted: scan more, or key the quantity picked.
Nothing is confirmed that was neither counted nor keyed. TOTE is asked only when the list puts
orders in several totes (cluster, zone) or the slot has no tote yet. The last input of a pick
confirms it (one service call). Command barcodes (CMD-SHORT, CMD-DAMAGED, CMD-SKIP, CMD-FULLTOTE,
CMD-EMPTY, CMD-DONE, CMD-CANCEL, CMD-HELP) work at any step of a pick. Every call returns a
frozen `FlowView`; a rejected scan changes nothing and leaves the step where it was.

Scans are the scanning layer's `Scan` (or a plain string, as a wedge would type it), classified
by `scanning.symbology.classify`, the one classifier of the floor: a Caps Lock label, a GS1-128
product label and the EAN-8/UPC-E candidates of an 8-digit code mean here what they mean
everywhere. Products are looked up and checked by the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command, pick_list_id
from wms_terminal.core.db import Database
from wms_terminal.core.states import ToteStatus
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import claim_list, claim_next, get_list, release_list
from wms_terminal.picking.scan_input import ScanFlow, atomic
from wms_terminal.picking.views import FlowView, PickListView, ScanResult, TaskView
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Classified, Kind


class Step(StrEnum):
    IDLE = "idle"
    LOCATION = "location"
    ITEM = "item"
    QTY = "qty"
    TOTE = "tote"
    SHORT_QTY = "short_qty"
    DAMAGED_QTY = "damaged_qty"
    DONE = "done"


PRODUCT_KINDS = (Kind.GTIN, Kind.GS1)
_TOTE_NEXT = {ToteStatus.AT_PACKING: M.TOTE_TO_PACKING, ToteStatus.AT_SORTING: M.TOTE_TO_SORTING}


def _new_id() -> str:
    return uuid.uuid4().hex


class PickFlow(ScanFlow[FlowView]):
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
        self.pending_qty = 0  # units counted by item scans (or keyed) for the current task
        self.item_raw: str | None = None  # the last item scan, confirmed with the pick
        self.item_units = 1  # units its barcode stands for
        self.short_found: int | None = None  # SHORT: units found, waiting for their first tote
        self.message = ""
        self.error = ""
        self.last_result: ScanResult | None = None

    # -- driving --------------------------------------------------------------------------

    @atomic
    def start(self, sheet: int | None = None) -> FlowView:
        """Claim the next pick list (or resume the one this picker holds), or with `sheet` the
        list whose printed sheet (PL-<id>) was scanned, if it is free or already this picker's."""
        self.message = self.error = ""
        if sheet is None:
            got = claim_next(
                self.db, self.actor, warehouse_id=self.warehouse_id, zone_id=self.zone_id
            )
        elif refused := claim_list(
            self.db, self.actor, pick_list_id=sheet, warehouse_id=self.warehouse_id
        ):
            self.error = refused
            return self.view()
        else:
            got = sheet
        if got is None:
            self.pick_list, self.task, self.step = None, None, Step.IDLE
            self.message = M.PROMPT_NO_WORK
            return self.view()
        self._reload(got)
        assert self.pick_list is not None
        self.message = M.fmt(M.OK_CLAIMED, list=got, tasks=len(self.pick_list.open_tasks))
        return self.view()

    @atomic
    def scan(self, scan: Scan | str) -> FlowView:
        """Take one scan; a wrong one is rejected with a message and changes nothing."""
        s, answered = self.read(scan)
        if answered is not None:
            return answered
        text, symbology, scan_id, got = s.text, s.symbology, s.scan_id, s.got
        sheet = pick_list_id(text)  # a pick list's printed sheet (PL-<id>)
        if self.step in (Step.IDLE, Step.DONE):
            if sheet is not None:
                return self.start(sheet)
            self.error = M.PROMPT_CLAIM
            return self.view()
        if sheet is not None and self.pick_list is not None:
            self.error = M.fmt(M.FINISH_LIST_FIRST, list=self.pick_list.pick_list_id)
            return self.view()
        if not got.ok:
            # The scanning layer's own message: Caps Lock, a wrong check digit, not our code.
            self.error = got.error or M.fmt(M.UNKNOWN_SCAN, hint="unknown code")
            return self.view()
        task = self.task
        assert task is not None
        if self.step is Step.LOCATION:
            code = str(got.fields.get("barcode", text))
            r = service.check_step(
                self.db,
                self.actor,
                scan_id=scan_id,
                task_id=task.task_id,
                step="location",
                code=code,
            )
            if self._took(r):
                self.step = Step.ITEM
            self._warn(got)
            return self.view()
        if self.step in (Step.ITEM, Step.QTY):
            if self.step is Step.QTY and got.kind not in PRODUCT_KINDS:
                self.error = M.KEY_QTY
                return self.view()
            return self._item(task, got, _raw(text, symbology), scan_id)
        if self.step is Step.TOTE:
            if got.kind is not Kind.TOTE:
                self.error = M.NOT_A_TOTE
                return self.view()
            if self.short_found is not None:
                return self._short(scan_id, self.short_found, tote=str(got.fields["barcode"]))
            return self._confirm(scan_id, self.pending_qty, tote=str(got.fields["barcode"]))
        self.error = M.KEY_COUNT  # SHORT or DAMAGED asked for a count
        return self.view()

    def _item(self, task: TaskView, got: Classified, raw: str, scan_id: str) -> FlowView:
        """A product scan at ITEM or QTY: it counts its units towards the task's quantity."""
        left = task.remaining - self.pending_qty
        if self.step is Step.ITEM and task.remaining == 1 and not self._tote_needed(task):
            # One unit and nothing else to ask: the scan confirms it (the service refuses a
            # pack of more than one).
            return self._confirm(scan_id, 1, item=raw, warn=got)
        r = service.check_step(
            self.db, self.actor, scan_id=scan_id, task_id=task.task_id, step="item", code=raw
        )
        if not self._took(r):
            return self.view()
        units = int(r.data.get("units", 1))
        if units > left:
            self.message = ""
            self.error = M.fmt(M.PACK_TOO_BIG, units=units, qty=left)
            return self.view()
        self.pending_qty += units
        self.item_raw, self.item_units = raw, units
        self._warn(got)
        if self.pending_qty < task.remaining:
            self.step = Step.QTY
            self.message = M.fmt(M.COUNTED, n=self.pending_qty, qty=task.remaining)
            return self.view()
        if self._tote_needed(task):
            self.step = Step.TOTE
            return self.view()
        return self._confirm(scan_id + "-c", self.pending_qty, item=raw)

    @atomic
    def key_qty(self, qty: int, *, scan_id: str | None = None) -> FlowView:
        """A quantity keyed in (QTY, or the count asked by SHORT and DAMAGED)."""
        self.message = self.error = ""
        task = self.task
        sid = scan_id or self._new_id()
        if task is None or self.step not in (Step.QTY, Step.SHORT_QTY, Step.DAMAGED_QTY):
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="no quantity asked")
            return self.view()
        if self.step is Step.QTY:
            # The quantity picked in all (what was counted by scans is only a help).
            if not 1 <= qty <= task.remaining:
                self.error = M.fmt(M.BAD_QTY, max=task.remaining)
                return self.view()
            if self._tote_needed(task):
                self.pending_qty = qty
                self.step = Step.TOTE
                return self.view()
            return self._confirm(sid, qty)
        if self.step is Step.SHORT_QTY:
            if qty > 0 and self._tote_of(task) is None:
                # The units found go into a tote: the slot has none yet, so one is scanned first.
                if not 0 <= qty < task.remaining:
                    self.error = M.fmt(M.BAD_QTY, max=task.remaining - 1)
                    return self.view()
                self.short_found, self.step = qty, Step.TOTE
                return self.view()
            return self._short(sid, qty, tote=self._tote_of(task))
        r = exc.report_damaged(self.db, self.actor, scan_id=sid, task_id=task.task_id, damaged=qty)
        if self._took(r):
            self._reload()
        return self.view()

    def _short(self, scan_id: str, found: int, *, tote: str | None) -> FlowView:
        task = self.task
        assert task is not None
        r = exc.report_short(
            self.db, self.actor, scan_id=scan_id, task_id=task.task_id, found=found, tote=tote
        )
        if self._took(r):
            self._reload()
        return self.view()

    @atomic
    def command(self, cmd: Command, *, scan_id: str | None = None) -> FlowView:
        self.message = self.error = ""
        sid = scan_id or self._new_id()
        if cmd is Command.HELP:
            self.message = M.HELP
            return self.view()
        if cmd in (Command.DONE, Command.PICK):
            if self.step in (Step.IDLE, Step.DONE):
                return self.start()
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="list not finished")
            return self.view()
        task = self.task
        if task is None or self.step in (Step.IDLE, Step.DONE):
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if cmd is Command.GIVE_BACK and self.pick_list is not None:
            lid = self.pick_list.pick_list_id
            release_list(self.db, self.actor, lid)
            self.pick_list, self.task, self.step = None, None, Step.IDLE
            self.pending_qty, self.item_raw, self.item_units = 0, None, 1
            self.short_found = None
            self.message = M.fmt(M.GIVEN_BACK, list=lid)
            return self.view()
        if cmd is Command.CANCEL:
            self.step, self.pending_qty, self.short_found = Step.LOCATION, 0, None
            self.item_raw, self.item_units = None, 1
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
        else:  # LOGOUT, REPLEN, COUNT: not the pick flow's (the screen or driver takes them)
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if self._took(r):
            keep = (self.step, self.pending_qty, self.item_raw, self.item_units)
            self._reload()
            if cmd is Command.FULL_TOTE and self.task and self.task.task_id == task.task_id:
                self.step, self.pending_qty, self.item_raw, self.item_units = keep
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
            Step.QTY: M.fmt(M.PROMPT_QTY, n=self.pending_qty, qty=task.remaining),
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
        self,
        scan_id: str,
        qty: int,
        *,
        tote: str | None = None,
        item: str | None = None,
        warn: Classified | None = None,
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
            item=item or self._item_for(qty),
        )
        if self._took(r):
            self._reload()
            if warn is not None:
                self._warn(warn)
        return self.view()

    def _item_for(self, qty: int) -> str | None:
        """The last item scan goes with the confirmation (its lot, expiry and serial are kept on
        the pick) when `qty` is whole packs of it; units counted from mixed packs (a case, then
        single units) or keyed are confirmed on the scans already checked."""
        if self.item_raw is not None and qty % max(self.item_units, 1) == 0:
            return self.item_raw
        return None

    def _warn(self, got: Classified) -> None:
        """An accepted scan the scanning layer still warns about (e.g. an 8-digit code read as
        EAN-8 or UPC-E): the picker sees the warning with the confirmation."""
        if got.warning and not self.error:
            self.message = "\n".join(m for m in (self.message, got.warning) if m)

    def _took(self, r: ScanResult) -> bool:
        self.last_result = r
        if r.accepted:
            self.message = r.message
            # The list is done: where each of its totes goes next.
            for code, status in sorted(dict(r.data.get("totes") or {}).items()):
                if status in _TOTE_NEXT:
                    self.message += "\n" + M.fmt(_TOTE_NEXT[status], tote=code)
            return True
        self.error = r.message
        return False

    def _reload(self, pick_list_id: int | None = None) -> None:
        lid = pick_list_id or (self.pick_list.pick_list_id if self.pick_list else None)
        assert lid is not None
        self.pick_list = get_list(self.db, lid)
        self.task = self.pick_list.next_task
        self.pending_qty, self.short_found = 0, None
        self.item_raw, self.item_units = None, 1
        self.step = Step.LOCATION if self.task is not None else Step.DONE

    def snapshot(self) -> dict[str, Any]:
        """The current view as plain data (headless driver, logs)."""
        v = self.view()
        return {k: getattr(v, k) for k in v.__dataclass_fields__}


def _raw(text: str, symbology: str | None) -> str:
    """The scan as the service classifies it again: its AIM id kept in front when known (an
    8-digit code read as ]E4 is an EAN-8, not a UPC-E)."""
    return (symbology or "") + text if symbology and not text.startswith("]") else text
