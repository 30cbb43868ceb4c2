"""Receiving by scan:

    PO --purchase order--> ITEM --item on it--> QTY --quantity--> (received) --> ITEM ...
     ^                                                                              |
     +---------------- CMD-DONE, or nothing more to come on the order <------------+

Each item and quantity is one receipt (one transaction: stock in the receiving location, the
order's progress, back-orders waiting for the put-away, put-away tasks raised, and the quantity
scan's outcome under its id, `inbound.scanned`). CMD-CANCEL at
the quantity goes back to the item. A rejected scan changes nothing and leaves the step where it
was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.purchasing import PurchaseOrderView, show_purchase_order
from wms_terminal.core.receiving import Receipt, line_for_item
from wms_terminal.core.states import PurchaseOrderStatus
from wms_terminal.inbound.reading import read
from wms_terminal.inbound.scanned import receive_scan
from wms_terminal.scanning import Scan


class ReceiveStep(StrEnum):
    PO = "po"
    ITEM = "item"
    QTY = "qty"


_PROMPTS = {
    ReceiveStep.PO: "Scan the purchase order (PO-...)",
    ReceiveStep.ITEM: "Scan an item of {po} (CMD-DONE when finished)",
    ReceiveStep.QTY: "How many {sku}? ({left} to come; CMD-CANCEL to go back)",
}


@dataclass(frozen=True)
class ReceiveView:
    step: ReceiveStep
    prompt: str
    ok: bool
    message: str
    purchase_order: PurchaseOrderView | None
    receipt: Receipt | None = None


class ReceiveFlow:
    """One receiver's flow on one terminal."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.step = ReceiveStep.PO
        self._po: PurchaseOrderView | None = None
        self._item: str | None = None
        self._sku = ""
        self._left = 0

    def view(
        self, ok: bool = True, message: str = "", receipt: Receipt | None = None
    ) -> ReceiveView:
        prompt = _PROMPTS[self.step].format(
            po=self._po.number if self._po else "", sku=self._sku, left=self._left
        )
        return ReceiveView(self.step, prompt, ok, message, self._po, receipt)

    def scan(self, scan: Scan | str) -> ReceiveView:
        r = read(scan)
        if self.step is ReceiveStep.PO:
            number = r.purchase_order
            if number is None:
                return self.view(False, "Not a purchase order: scan its PO-... label")
            try:
                po = show_purchase_order(self.db, number)
            except WmsError as exc:
                return self.view(False, exc.message)
            if po.status not in PurchaseOrderStatus.LIVE:
                return self.view(False, f"{po.number} is {po.status.replace('_', ' ')}")
            self._po, self.step = po, ReceiveStep.ITEM
            return self.view(True, f"{po.number}: {sum(ln.outstanding for ln in po.lines)} to come")
        assert self._po is not None
        if self.step is ReceiveStep.ITEM:
            if r.command == "DONE":
                return self._finish(f"{self._po.number} left for now")
            item = r.item
            if item is None:
                return self.view(False, r.error or "Not an item: scan the product's barcode")
            try:
                line = line_for_item(self.db, self._po.number, item)
            except WmsError as exc:
                return self.view(False, exc.message)
            if line.outstanding <= 0:
                return self.view(False, f"all {line.qty} x {line.sku} have come already")
            self._item, self._sku, self._left = item, line.sku, line.outstanding
            self.step = ReceiveStep.QTY
            return self.view()
        if r.command == "CANCEL":
            self.step = ReceiveStep.ITEM
            return self.view(True, "Not received")
        qty = r.quantity
        if qty is None or qty < 1:
            return self.view(False, f"Key in how many {self._sku} came (1 to {self._left})")
        assert self._item is not None
        number = self._po.number
        try:
            got = receive_scan(
                self.db,
                self.actor,
                scan_id=r.id,
                raw=r.text,
                number=number,
                item=self._item,
                qty=qty,
            )
            if not got.result.accepted:
                return self.view(False, got.result.message)
            # A scan sent again answers what it did then, with the order as it is now.
            receipt, message = got.receipt, got.result.message
            self._po = receipt.purchase_order if receipt else show_purchase_order(self.db, number)
        except WmsError as exc:  # the database is gone or busy: the scan may be sent again
            return self.view(False, exc.message)
        if self._po.status == PurchaseOrderStatus.RECEIVED:
            return self._finish(message + f"; {self._po.number} complete", receipt)
        self.step = ReceiveStep.ITEM
        return self.view(True, message, receipt)

    def _finish(self, message: str, receipt: Receipt | None = None) -> ReceiveView:
        done = self.view(True, message, receipt)
        self.step, self._po, self._item = ReceiveStep.PO, None, None
        return ReceiveView(
            ReceiveStep.PO, _PROMPTS[ReceiveStep.PO], True, message, done.purchase_order, receipt
        )
