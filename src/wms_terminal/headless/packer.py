"""`wms-terminal pack --headless`: sign in and pack by lines on stdin, JSON lines on stdout.

The shared loop (`headless.driver`) signs in; this adapter feeds the lines to
`packing.flow.PackFlow`, as the packer's screen does: a weight is keyed as a number (a whole
number is grams, one with a decimal point or a `kg` suffix kilograms), a supervisor's PIN after
their badge, every other line is a scan. "done" when no order is left to pack at this station.
"""

from __future__ import annotations

from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.headless.driver import Driver, Options, Started
from wms_terminal.headless.events import EventWriter
from wms_terminal.headless.hints import Hints
from wms_terminal.packing.flow import Expect, PackFlow, PackView
from wms_terminal.packing.keyed import weight_grams
from wms_terminal.packing.work import Waiting, waiting
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Kind, classify

NO_WORK = "Nothing to pack"


class PackerDriver(Driver):
    permission = "pack"
    verb = "pack"
    name = "packer"

    def __init__(
        self, db: Database, writer: EventWriter, options: Options = Options(), **kw: Any
    ) -> None:
        super().__init__(db, writer, options, **kw)
        self.flow: PackFlow | None = None
        self.hints = Hints(db)
        self._warehouse = 0
        self._user = 0
        self._terminal = ""
        self._next: Waiting | None = None

    def start(self, actor: Actor) -> Started:
        self._warehouse = self.call(lambda: self.warehouse_id(actor))
        self._user = actor.user_id or 0
        self._terminal = actor.terminal
        self.flow = self.call(lambda: PackFlow(self.db, actor))
        if self._no_work():
            return Started(NO_WORK, done=True, done_message=NO_WORK)
        return Started("")

    def leave(self) -> None:
        self.flow, self._next = None, None

    def take(self, scan: Scan) -> bool:
        flow = self.flow
        assert flow is not None
        view = self.call(lambda: self._feed(flow, scan))
        message = view.error or view.message
        if flow.expect is Expect.TOTE and flow.order is None and self._no_work():
            return self.finish(message, error=bool(view.error), done=NO_WORK)
        return self.finish(message, error=bool(view.error), done=None)

    def _feed(self, flow: PackFlow, scan: Scan) -> PackView:
        got = classify(scan.text, scan.symbology)
        if got.kind is not Kind.COMMAND:
            if flow.expect is Expect.WEIGHT:
                grams = weight_grams(scan.text)
                if grams is not None:
                    return flow.key_weight(grams, scan_id=scan.id)
            if flow.expect is Expect.BADGE and flow.badge and got.kind is not Kind.BADGE:
                return flow.approve(scan.text.strip())
        return flow.scan(scan)

    def _no_work(self) -> bool:
        """No order to pack: the next one is remembered for the prompt."""

        def look() -> list[Waiting]:
            with self.db.reading() as s:
                return waiting(s, self._warehouse, self._user, terminal=self._terminal, limit=1)

        found = self.call(look)
        # The oldest order no other station holds: two stations told the same one meet on its
        # claim (packing.claim), and the one refused is shown the next.
        self._next = found[0] if found else None
        return self._next is None

    # -- prompts ----------------------------------------------------------------------------

    def flow_prompt(self) -> dict[str, Any]:
        flow = self.flow
        assert flow is not None
        v = flow.view()
        expect, barcode = v.expect, v.barcode
        fields: dict[str, Any] = {}
        if flow.expect is Expect.TOTE:
            barcode = self._next.barcode if self._next else None
            fields["next_order"] = self._next.number if self._next else None
        elif flow.expect is Expect.PRODUCT and flow.order is not None:
            # The box plan says which unit goes in next, and when this box is complete.
            nxt = flow.next_unit()
            line = next((x for x in flow.order.lines if x.line_id == nxt), None)
            barcode = self.hints.product_barcode(line.product_id) if line else None
            fields["sku"] = line.sku if line else None
            package = flow.order.package
            if line is None and package is not None and package.units:
                barcode = Command.DONE.barcode  # the plan's box is full: close it
        elif flow.expect is Expect.BOX:
            plan = v.suggestion.box_codes if v.suggestion else ()
            fields["boxes"] = list(plan)
        elif flow.expect is Expect.WEIGHT:
            fields["expected_kg"] = v.expected_kg
        elif flow.expect is Expect.BADGE:
            expect = "supervisor_pin" if flow.badge else "supervisor_badge"
            fields["expected_kg"] = v.expected_kg
            fields["weight_kg"] = flow.weight_g / 1000 if flow.weight_g else None
        elif flow.expect is Expect.LABEL:
            fields.update(sscc=v.sscc, tracking=v.tracking, carrier=v.data.get("carrier"))
        return {
            "expect": expect,
            "barcode": barcode,
            "prompt": v.prompt,
            "order": v.order,
            "special": list(v.special),
            "gift_message": v.gift_message,
            "package": v.package,
            "lines": [
                {
                    "sku": x.sku,
                    "name": x.name,
                    "ready": x.ready,
                    "verified": x.verified,
                    "remaining": x.remaining,
                }
                for x in v.lines
            ],
            "totes_arrived": list(v.totes_arrived),
            "totes_out": list(v.totes_out),
            **fields,
        }
