"""Returns at the customer service desk (F11 on the supervisor's and manager's desks): look up an
order by number (its shipped lines and what was already returned) or a customer by e-mail or
reference (orders, returns, refunds, lifetime value net of refunds, return rate); open a return of
the order shown (lines SKU:QTY, a reason code, refund or exchange) through
`returns.rma.open_return`, and see its RMA code."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.returns import REASONS, Resolution
from wms_terminal.returns.exchange import issue_replacement, replaces_first
from wms_terminal.returns.history import customer_returns
from wms_terminal.returns.rma import Opened, OrderReturns, open_return, order_returns, parse_line
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import lines, plain

Found = OrderReturns | dict[str, Any]


class ReturnsPane(Vertical, DeskPane):
    SAY = "rd-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.order: OrderReturns | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="order number, or customer e-mail / reference", id="rd-find")
        yield Static("", id="rd-head")
        yield DataTable(id="rd-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="rd-form"):
            yield Input(placeholder="SKU:QTY SKU:QTY", id="rd-lines")
            yield Input(placeholder="reason: " + " ".join(REASONS)[:60], id="rd-reason")
            yield Input(placeholder="refund | exchange", id="rd-how")
        yield Static("", id="rd-say")

    def find(self, key: str) -> None:
        def run() -> Found:
            try:
                return order_returns(self.db, key)
            except NotFound:
                return customer_returns(self.db, key)

        submit(self, run, self._show, what="look up a return", failed=self._not_found)

    def _not_found(self, message: str) -> None:
        self.order = None
        self.query_one("#rd-head", Static).update("")
        self.query_one("#rd-table", DataTable).clear(columns=True)
        self.failed(message)

    def _show(self, found: Found) -> None:
        table = self.query_one("#rd-table", DataTable)
        table.clear(columns=True)
        head = self.query_one("#rd-head", Static)
        if isinstance(found, OrderReturns):
            self.order = found
            earlier = ", ".join(found.rmas) or "none"
            head.update(
                lines(f"Order {found.order} - {found.customer}", f"earlier returns: {earlier}")
            )
            table.add_columns("SKU", "Shipped", "Returned", "Left")
            for ln in found.lines:
                table.add_row(
                    plain(ln.sku, limit=30), str(ln.shipped), str(ln.returned), str(ln.returnable)
                )
            self.say("Lines SKU:QTY, a reason and refund or exchange; Enter opens the return")
            return
        self.order = None
        head.update(
            lines(
                f"{found['customer']} <{found['email']}>",
                f"{len(found['orders'])} order(s), {len(found['returns'])} return(s), "
                f"{found['refunds']} refund(s), {found['units_returned']} of "
                f"{found['units_shipped']} unit(s) back ({found['return_rate']:.1%}), "
                f"lifetime value {found['lifetime_value_eur']} EUR net of refunds",
            )
        )
        table.add_columns("RMA", "Order", "Status", "How", "Reason", "Units", "Amount")
        for o in found["orders"]:
            table.add_row(
                "",
                plain(str(o["order"]), limit=30),
                plain(str(o["status"]), limit=20),
                "order",
                "",
                str(o["shipped"]),
                plain(f"{o['total']} {o['currency']}", limit=20),
            )
        for r in found["returns"]:
            refund = f"-{r['refund']} {r['currency']}" if r["refund"] else ""
            table.add_row(
                *(plain(str(r[k]), limit=30) for k in ("rma", "order", "status", "resolution")),
                plain(str(r["reason"]), limit=20),
                str(r["received"]),
                plain(refund, limit=20),
            )
        self.say("Enter an order number to open a return")

    def open(self) -> None:
        if self.order is None:
            self.failed("look up the order first")
            return
        order = self.order.order
        raw = self.query_one("#rd-lines", Input).value
        reason = self.query_one("#rd-reason", Input).value
        how = self.query_one("#rd-how", Input).value.strip().lower() or Resolution.REFUND
        try:
            wanted = [parse_line(part) for part in raw.split()]
            if how not in Resolution.ALL:
                raise ValidationError(f"refund or exchange, not {how[:20]!r}")
        except ValidationError as e:
            self.failed(str(e))
            return

        def run() -> tuple[Opened, str]:
            done = open_return(
                self.db, self.actor, order=order, lines=wanted, reason=reason, resolution=how
            )
            swap = ""
            if how == Resolution.EXCHANGE and replaces_first(self.db, done.rma):
                swap = issue_replacement(self.db, self.actor, done.rma).order
            return done, swap

        submit(self, run, self._opened, what="open a return", failed=self.failed)

    def _opened(self, got: tuple[Opened, str]) -> None:
        done, swap = got
        for box in ("#rd-lines", "#rd-reason", "#rd-how"):
            self.query_one(box, Input).value = ""
        items = ", ".join(f"{q} x {s}" for s, q in done.lines)
        extra = f"; replacement order {swap} sent now" if swap else ""
        message = f"RMA {done.rma}: return of {items} from {done.order}{extra}"
        self.say(message)

        def shown(found: OrderReturns) -> None:
            self._show(found)
            self.say(message)

        order = done.order
        submit(self, lambda: order_returns(self.db, order), shown, what="look up a return",
               failed=self.failed)  # fmt: skip

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "rd-find":
            if event.value.strip():
                self.find(event.value)
        else:
            self.open()
