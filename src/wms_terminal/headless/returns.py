"""`wms-terminal returns --headless`: sign in and receive returns by lines on stdin, JSON lines
on stdout (docs/headless.md).

The shared loop (`headless.driver`) signs in; this adapter feeds each line to
`returns.flow.ReturnsFlow`, as the returns station does. Prompts: `rma` (the RMA code, or the
order or tracking number), `product` (a unit; CMD-DONE closes the parcel), `grade` (with its
`choices`). The driver never ends by itself: parcels keep coming until stdin ends.
"""

from __future__ import annotations

from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.headless.driver import Driver, Started
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.scanning.scan import Scan


class ReturnsDriver(Driver):
    permission = "handle_returns"
    verb = "handle returns"
    name = "returns"
    flow: ReturnsFlow | None = None

    def start(self, actor: Actor) -> Started:
        self.flow = ReturnsFlow(self.db, actor)
        return Started("")

    def leave(self) -> None:
        self.flow = None

    def take(self, scan: Scan) -> bool:
        flow = self.flow
        assert flow is not None
        view = self.call(lambda: flow.scan(scan))
        return self.finish(view.error or view.message, error=bool(view.error), done=None)

    def flow_prompt(self) -> dict[str, Any]:
        assert self.flow is not None
        v = self.flow.view()
        fields: dict[str, Any] = {}
        if v.choices:
            fields["choices"] = list(v.choices)
        if v.unit is not None:
            fields["unit"] = {"code": v.unit.code, "lot": v.unit.lot, "serial": v.unit.serial}
        return {
            "expect": v.expect,
            "barcode": None,
            "prompt": v.prompt,
            "rma": v.rma,
            "order": v.order,
            "lines": [
                {"sku": x.sku, "qty": x.qty, "received": x.received, "remaining": x.remaining}
                for x in v.lines
            ],
            "unexpected": v.unexpected,
            **fields,
        }
