"""The count flow: a plain state machine, independent of any screen, that the TUI, the headless
driver and the tests drive the same way (like `flow.PickFlow`).

    IDLE --start--> LOCATION --location--> ITEM --item--> QTY --qty--> (counted | recount)
      ^                                      |                              |
      |                                      +--CMD-EMPTY (nothing there)---+
      +---------------------------------------------------------------------+

The count is blind: no screen of this flow shows the quantity the system expects. CMD-CANCEL
gives the count back (another counter can take it), CMD-DONE (or `start`) takes the next one,
CMD-HELP lists the commands. Every call returns a frozen `CountFlowView`; a rejected scan changes
nothing and leaves the step where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.picking import counts
from wms_terminal.picking import messages as M
from wms_terminal.picking.scan_input import ScanFlow
from wms_terminal.picking.views import CountView, ScanResult
from wms_terminal.scanning.scan import Scan, new_scan_id
from wms_terminal.scanning.symbology import Kind


class CountStep(StrEnum):
    IDLE = "idle"
    LOCATION = "location"
    ITEM = "item"
    QTY = "qty"


@dataclass(frozen=True)
class CountFlowView:
    """What a counter's screen shows now."""

    step: str
    prompt: str
    count_id: int | None = None
    location: str = ""
    sku: str = ""
    product: str = ""
    second: bool = False
    message: str = ""
    error: str = ""


HELP = "EMPTY (nothing there) CANCEL DONE"


class CountFlow(ScanFlow[CountFlowView]):
    """One counter's count flow on one terminal."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        warehouse_id: int,
        new_id: Callable[[], str] = new_scan_id,
        recount_threshold: int | None = None,
    ) -> None:
        self.db = db
        self.actor = actor
        self.warehouse_id = warehouse_id
        self._new_id = new_id
        self.recount_threshold = recount_threshold
        self.step = CountStep.IDLE
        self.count: CountView | None = None
        self.location_scan: str | None = None
        self.item_scan: str | None = None
        self.message = ""
        self.error = ""
        self.last_result: ScanResult | None = None

    def start(self) -> CountFlowView:
        """Claim the next count (or resume the one this counter holds)."""
        self.message = self.error = ""
        try:
            got = counts.claim_count(self.db, self.actor, warehouse_id=self.warehouse_id)
        except WmsError as exc:
            self.error = exc.message
            return self.view()
        self.count, self.location_scan, self.item_scan = got, None, None
        if got is None:
            self.step = CountStep.IDLE
            self.message = M.PROMPT_COUNT_NONE
            return self.view()
        self.step = CountStep.LOCATION
        self.message = M.fmt(M.COUNT_CLAIMED, location=got.location_code, sku=got.sku)
        return self.view()

    def scan(self, scan: Scan | str) -> CountFlowView:
        """Take one scan; a wrong one is rejected with a message and changes nothing."""
        s, answered = self.read(scan)
        if answered is not None:
            return answered
        text, got = s.text, s.got
        if not got.ok and self.count is not None and self.step is not CountStep.IDLE:
            self.error = got.error or M.fmt(M.UNKNOWN_SCAN, hint="unknown code")
            return self.view()
        value = str(got.fields.get("barcode", text)) if got.kind is Kind.LOCATION else text
        count = self.count
        if count is None or self.step is CountStep.IDLE:
            self.error = M.PROMPT_COUNT_CLAIM
            return self.view()
        if self.step is CountStep.QTY:
            self.error = M.KEY_COUNT
            return self.view()
        step = "location" if self.step is CountStep.LOCATION else "item"
        refused = counts.check_count_scan(self.db, count_id=count.count_id, step=step, code=value)
        if refused is not None:
            self.error = refused
            return self.view()
        if self.step is CountStep.LOCATION:
            self.location_scan, self.step = value, CountStep.ITEM
            self.message = M.OK_LOCATION
        else:
            self.item_scan, self.step = value, CountStep.QTY
            self.message = M.OK_ITEM
        return self.view()

    def key_qty(self, qty: int, *, scan_id: str | None = None) -> CountFlowView:
        """The units counted, keyed in."""
        self.message = self.error = ""
        if self.count is None or self.step is not CountStep.QTY:
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="no quantity asked")
            return self.view()
        return self._record(qty, scan_id or self._new_id())

    def command(self, cmd: Command, *, scan_id: str | None = None) -> CountFlowView:
        self.message = self.error = ""
        if cmd is Command.HELP:
            self.message = HELP
            return self.view()
        if cmd is Command.DONE:
            if self.step is CountStep.IDLE:
                return self.start()
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="count not finished")
            return self.view()
        count = self.count
        if count is None or self.step is CountStep.IDLE:
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if cmd is Command.CANCEL:
            try:
                counts.release_count(self.db, self.actor, count_id=count.count_id)
            except WmsError as exc:
                self.error = exc.message
                return self.view()
            self._idle(M.COUNT_RELEASED)
            return self.view()
        if cmd is Command.EMPTY and self.step is CountStep.ITEM:
            return self._record(0, scan_id or self._new_id())
        self.error = M.UNKNOWN_COMMAND
        return self.view()

    def view(self) -> CountFlowView:
        count = self.count
        if count is None or self.step is CountStep.IDLE:
            return CountFlowView(
                step=CountStep.IDLE.value,
                prompt=M.PROMPT_COUNT_CLAIM,
                message=self.message,
                error=self.error,
            )
        prompt = {
            CountStep.LOCATION: M.fmt(M.PROMPT_COUNT_LOCATION, location=count.location_code),
            CountStep.ITEM: M.fmt(M.PROMPT_COUNT_ITEM, sku=count.sku),
            CountStep.QTY: M.fmt(M.PROMPT_COUNT_QTY, sku=count.sku),
        }[self.step]
        return CountFlowView(
            step=self.step.value,
            prompt=prompt,
            count_id=count.count_id,
            location=count.location_code,
            sku=count.sku,
            product=count.product_name,
            second=count.second,
            message=self.message,
            error=self.error,
        )

    def _record(self, qty: int, scan_id: str) -> CountFlowView:
        count = self.count
        assert count is not None
        r = counts.record_count(
            self.db,
            self.actor,
            scan_id=scan_id,
            count_id=count.count_id,
            qty=qty,
            location=self.location_scan,
            item=self.item_scan if qty else None,
            recount_threshold=self.recount_threshold,
        )
        self.last_result = r
        if not r.accepted:
            self.error = r.message
            return self.view()
        self._idle(r.message)
        return self.view()

    def _idle(self, message: str) -> None:
        self.count, self.location_scan, self.item_scan = None, None, None
        self.step = CountStep.IDLE
        self.message = message
