"""Receiving purchase orders at the desk: the live orders and their lines; Enter on an order starts
receiving it by scan (`inbound.receive_flow`: item, then quantity, CMD-DONE when finished), and
a on an order receives everything still to come in one receipt (after y/n)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.purchasing import PurchaseOrderView, list_purchase_orders
from wms_terminal.core.receiving import Receipt, receive_purchase_order
from wms_terminal.inbound.receive_flow import ReceiveFlow, ReceiveView
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.tui.supervisor.dialogs import Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import lines, plain
from wms_terminal.tui.widgets.scan_input import ScanInput


class OrdersTable(DataTable[Any]):
    BINDINGS = [
        Binding("enter", "receiving('start')", "Receive by scan", id="po-start"),
        Binding("a", "receiving('all')", "Receive all", id="po-all"),
    ]

    def action_receiving(self, what: str) -> None:
        pane = self.screen.query_one(ReceivingPane)
        if what == "all":
            pane.ask_receive_all()
        else:
            pane.start()


class ReceivingPane(Vertical, DeskPane):
    SAY = "receive-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.flow = ReceiveFlow(db, actor)
        self.orders: list[PurchaseOrderView] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="po-tables"):
            yield OrdersTable(id="po-table", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="po-lines", cursor_type="row", zebra_stripes=True)
        yield Static(self.flow.view().prompt, id="receive-prompt")
        yield ScanInput(placeholder="scan or key: PO, item, quantity", id="receive-entry")
        yield Static("", id="receive-say")

    def on_mount(self) -> None:
        self.query_one(OrdersTable).add_columns("PO", "Supplier", "Status", "To come")
        self.query_one("#po-lines", DataTable).add_columns("SKU", "Name", "Ordered", "Came")

    def reload(self) -> None:
        submit(
            self,
            lambda: list_purchase_orders(self.db, status="live", limit=200),
            self._show,
            what="list purchase orders",
            failed=self.failed,
        )

    def _show(self, orders: list[PurchaseOrderView]) -> None:
        self.orders = orders
        table = self.query_one(OrdersTable)
        keep = table.cursor_row
        table.clear()
        for po in orders:
            table.add_row(
                plain(po.number, limit=20),
                plain(po.supplier, limit=30),
                plain(po.status.replace("_", " "), limit=20),
                str(sum(ln.outstanding for ln in po.lines)),
                key=po.number,
            )
        if orders:
            table.move_cursor(row=min(max(keep, 0), len(orders) - 1))
        self._lines()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "po-table":
            self._lines()

    def selected(self) -> PurchaseOrderView | None:
        row = self.query_one(OrdersTable).cursor_row
        return self.orders[row] if self.orders and 0 <= row < len(self.orders) else None

    def _lines(self) -> None:
        table = self.query_one("#po-lines", DataTable)
        table.clear()
        po = self.selected()
        for ln in po.lines if po else ():
            table.add_row(
                plain(ln.sku, limit=30), plain(ln.name, limit=40), str(ln.qty), str(ln.qty_received)
            )

    def start(self) -> None:
        """Receive the highlighted order by scan: as if its PO label had been scanned."""
        po = self.selected()
        if po is not None:
            self.scan(Scan(po.number, Source.KEYBOARD))
            self.query_one(ScanInput).focus()

    def scan(self, scan: Scan) -> None:
        submit(self, lambda: self.flow.scan(scan), self._answer, what="receive", failed=self.failed)

    def _answer(self, view: ReceiveView) -> None:
        self.query_one("#receive-prompt", Static).update(plain(view.prompt, limit=200))
        self.say(view.message, error=not view.ok)
        if view.receipt is not None or view.step == "po":
            self.reload()

    def ask_receive_all(self) -> None:
        po = self.selected()
        if po is None:
            return
        left = sum(ln.outstanding for ln in po.lines)

        def yes(ok: bool | None) -> None:
            if ok:
                submit(
                    self,
                    lambda: receive_purchase_order(
                        self.db, self.actor, number=po.number, everything=True
                    ),
                    self._received,
                    what="receive a purchase order",
                    failed=self.failed,
                )

        self.app.push_screen(
            Confirm(f"Receive all {left} unit(s) still to come on {po.number}?"), yes
        )

    def _received(self, receipt: Receipt) -> None:
        got = ", ".join(f"{q} x {sku}" for sku, q in receipt.received)
        rows = [f"Received {got} into {receipt.location} ({receipt.purchase_order.number})"]
        if receipt.backorders_waiting:
            waiting = ", ".join(receipt.backorders_waiting)
            rows.append(f"back-orders waiting for the put-away: {waiting}")
        if receipt.putaway_task_ids:
            rows.append(f"{len(receipt.putaway_task_ids)} put-away task(s) raised")
        self.query_one("#receive-say", Static).update(lines(*rows))
        self.reload()
