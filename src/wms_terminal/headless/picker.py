"""`wms-terminal pick --headless`: sign in and pick by lines on stdin, JSON lines on stdout.

One line is one scan, exactly as a keyboard wedge types it (an AIM prefix, the GS stand-in and
command barcodes included; a quantity as digits). The shared loop (`headless.driver`) signs in
with `signin.SignInFlow`; this adapter feeds the scans to `picking.flow.PickFlow`, as the
picker's screen does, and says "done" when the picker has no more work.
"""

from __future__ import annotations

from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.headless.driver import (
    BUSY,
    CONNECTION_LOST,
    SIGNED_OUT,
    Driver,
    GiveUp,
    Options,
    Started,
)
from wms_terminal.headless.events import EventWriter
from wms_terminal.headless.hints import Hints
from wms_terminal.inbound.reading import read
from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow, Step
from wms_terminal.picking.picker_session import zone_id
from wms_terminal.picking.route_left import RouteMap, load_route_map
from wms_terminal.scanning.scan import Scan, Source

__all__ = ["BUSY", "CONNECTION_LOST", "SIGNED_OUT", "GiveUp", "Options", "PickerDriver"]

# What each pick step expects (the fixed `expect` values) and whether a quantity may be keyed.
_EXPECT = {
    Step.LOCATION: "location",
    Step.ITEM: "product",
    Step.QTY: "quantity",
    Step.TOTE: "tote",
    Step.SHORT_QTY: "short_quantity",
    Step.DAMAGED_QTY: "damaged_quantity",
    Step.IDLE: "list",
}
_QTY_STEPS = (Step.QTY, Step.SHORT_QTY, Step.DAMAGED_QTY)


class PickerDriver(Driver):
    permission = "pick"
    verb = "pick"
    name = "picker"

    def __init__(
        self, db: Database, writer: EventWriter, options: Options = Options(), **kw: Any
    ) -> None:
        super().__init__(db, writer, options, **kw)
        self.flow: PickFlow | None = None
        self.hints = Hints(db)
        self._route: RouteMap | None = None
        self._tote_hint: tuple[int, str | None] | None = None  # (task id, suggested tote)

    def start(self, actor: Actor) -> Started:
        warehouse_id, zone_id = self.call(lambda: self._where(actor))
        flow = PickFlow(self.db, actor, warehouse_id=warehouse_id, zone_id=zone_id)
        started = self.call(flow.start)
        self.flow = flow
        message = started.error or started.message
        if started.step == Step.IDLE.value:
            return Started(message, done=True, done_message=M.PROMPT_NO_WORK)
        return Started(message)

    def leave(self) -> None:
        # A list in hand stays claimed and is resumed at the next sign-in.
        self.flow, self._route = None, None

    def on_empty_line(self) -> Scan | None:
        if self.flow is not None and self.flow.step is Step.IDLE:
            return Scan(Command.PICK.barcode, Source.KEYBOARD)  # Enter: a list
        return None

    def take(self, scan: Scan) -> bool:
        flow = self.flow
        assert flow is not None
        qty = read(scan).quantity  # digits keyed, as the picker's screen reads them
        if flow.step in _QTY_STEPS and qty is not None:
            view = self.call(lambda: flow.key_qty(qty, scan_id=scan.id))
        else:
            view = self.call(lambda: flow.scan(scan))
        message = view.error or view.message
        if view.step == Step.DONE.value and not view.error:
            after = self.call(flow.start)
            message = "\n".join(m for m in (view.message, after.error or after.message) if m)
            view = after
        if view.step == Step.IDLE.value and view.message == M.PROMPT_NO_WORK:
            return self.finish(message, error=False, done=M.PROMPT_NO_WORK)
        return self.finish(message, error=bool(view.error), done=None)

    def _where(self, actor: Actor) -> tuple[int, int | None]:
        """The warehouse (--warehouse, else the user's workplace) and the zone (--zone)."""
        wid = self.warehouse_id(actor)
        return wid, zone_id(self.db, wid, self.options.zone) if self.options.zone else None

    # -- prompts ----------------------------------------------------------------------------

    def flow_prompt(self) -> dict[str, Any]:
        flow = self.flow
        assert flow is not None
        v = flow.view()
        step = Step(v.step)
        task, pl = flow.task, flow.pick_list
        if task is None or pl is None:
            return {"expect": "list", "barcode": Command.PICK.barcode, "prompt": v.prompt}
        barcode: str | None = None
        fields: dict[str, Any] = {}
        if step is Step.LOCATION:
            barcode = task.location_barcode
        elif step in (Step.ITEM, Step.QTY):
            barcode = self.hints.product_barcode(task.product_id)
        elif step is Step.TOTE:
            barcode = v.tote or self._suggested_tote(task.task_id, pl.warehouse_id)
            fields["tote_new"] = v.tote is None
        elif step is Step.SHORT_QTY:
            fields["max"] = task.remaining - 1
        elif step is Step.DAMAGED_QTY:
            fields["max"] = task.remaining
        if self._route is None or not self._route.covers(pl):
            self._route = load_route_map(self.db, pl)
        return {
            "expect": _EXPECT[step],
            "barcode": barcode,
            "prompt": v.prompt,
            "list": pl.pick_list_id,
            "line": min(v.done + 1, v.total),
            "lines": v.total,
            "location": task.location_code,
            "sku": task.sku,
            "name": task.product_name,
            "qty": task.remaining,
            "counted": flow.pending_qty,
            "order": task.order_number,
            "tote_slot": task.slot,
            "tote": v.tote,
            "metres_left": self._route.metres_left(pl),
            **fields,
        }

    def _suggested_tote(self, task_id: int, warehouse_id: int) -> str | None:
        """A free tote to scan; a new one after the last suggestion was refused (taken)."""
        last = self._tote_hint
        refused = self.flow is not None and bool(self.flow.error)
        if last is None or last[0] != task_id or refused or last[1] is None:
            last = self._tote_hint = (task_id, self.hints.free_tote(warehouse_id))
        return last[1]
