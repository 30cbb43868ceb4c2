"""The pick flow's state and what it shows: the step, the list and task in hand, the units
counted, and the `FlowView` every call answers with (`picking.flow` drives it; the exceptions are
`picking.flow_exceptions`)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.states import ToteStatus
from wms_terminal.picking import messages as M
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.scan_input import ScanFlow
from wms_terminal.picking.views import FlowView, PickListView, ScanResult, TaskView
from wms_terminal.scanning.scan import new_scan_id
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


class PickState(ScanFlow[FlowView]):
    """One picker's pick flow on one terminal: its state, its view and the steps' helpers."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        warehouse_id: int,
        zone_id: int | None = None,
        new_id: Callable[[], str] = new_scan_id,
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

    def start(self, sheet: int | None = None) -> FlowView:  # pragma: no cover - PickFlow's
        raise NotImplementedError

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
