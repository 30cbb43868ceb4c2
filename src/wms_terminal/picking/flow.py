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

from wms_terminal.core.codes import pick_list_id
from wms_terminal.picking import messages as M
from wms_terminal.picking import service
from wms_terminal.picking.claims import claim_list, claim_next
from wms_terminal.picking.flow_exceptions import PickExceptions
from wms_terminal.picking.flow_state import PRODUCT_KINDS, Step
from wms_terminal.picking.scan_input import atomic
from wms_terminal.picking.views import FlowView, TaskView
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Classified, Kind

__all__ = ["PickFlow", "Step"]


class PickFlow(PickExceptions):
    """One picker's pick flow on one terminal (its state: `flow_state.PickState`; its
    exceptions: `flow_exceptions.PickExceptions`)."""

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
        return self._count_asked(task, qty, sid)

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


def _raw(text: str, symbology: str | None) -> str:
    """The scan as the service classifies it again: its AIM id kept in front when known (an
    8-digit code read as ]E4 is an EAN-8, not a UPC-E)."""
    return (symbology or "") + text if symbology and not text.startswith("]") else text
