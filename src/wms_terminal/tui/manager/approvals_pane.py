"""Orders over a customer's credit limit, on the manager's Inbox tab (F8) above the notices:
a approves the selected order (y to confirm), x rejects it with a reason (it is cancelled).
Driven by `core.approval_queue.ApprovalQueue`."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wms_terminal.core.approval_queue import ApprovalQueue
from wms_terminal.core.auth import Actor
from wms_terminal.core.credit import Approval
from wms_terminal.core.db import Database
from wms_terminal.tui.supervisor.dialogs import Ask, Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain


class ApprovalsTable(DataTable[Any]):
    BINDINGS = [
        Binding("a", "decide('approve')", "Approve", id="approval-approve"),
        Binding("x", "decide('reject')", "Reject", id="approval-reject"),
    ]

    def action_decide(self, what: str) -> None:
        pane = self.screen.query_one(ApprovalsPane)
        if what == "approve":
            pane.ask_approve()
        else:
            pane.ask_reject()


class ApprovalsPane(Vertical, DeskPane):
    SAY = "approvals-say"
    ACT = "decide on an order"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.queue = ApprovalQueue(db, actor)

    def compose(self) -> ComposeResult:
        yield Static("", id="approvals-say")
        yield ApprovalsTable(id="approvals-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(ApprovalsTable).add_columns(
            "Order", "Customer", "Total", "EUR", "Open EUR", "Limit EUR"
        )

    def reload(self) -> None:
        submit(
            self, self.queue.load, self._show, what="read the approval queue", failed=self.failed
        )

    def _show(self, rows: list[Approval]) -> None:
        table = self.query_one(ApprovalsTable)
        keep = table.cursor_row
        table.clear()
        for a in rows:
            table.add_row(*(plain(c, limit=60) for c in ApprovalQueue.line(a)), key=a.number)
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
            self.say(f"{len(rows)} order(s) over a credit limit · a: approve · x: reject")
        else:
            self.say("No order waits for a manager's approval")

    def selected(self) -> Approval | None:
        row = self.query_one(ApprovalsTable).cursor_row
        rows = self.queue.rows
        return rows[row] if rows and 0 <= row < len(rows) else None

    def ask_approve(self) -> None:
        a = self.selected()
        if a is None:
            return self.failed("No order selected")
        number = a.number

        def yes(ok: bool | None) -> None:
            if ok:
                self.act(lambda: self.queue.approve(number), str)

        self.app.push_screen(
            Confirm(f"Approve {number} ({a.total} {a.currency}) over the credit limit?"), yes
        )

    def ask_reject(self) -> None:
        a = self.selected()
        if a is None:
            return self.failed("No order selected")
        number = a.number

        def reason(text: str | None) -> None:
            if text is None:
                return
            self.act(lambda: self.queue.reject(number, text), str)

        self.app.push_screen(
            Ask(f"Reject {number}? It is cancelled. Reason (Enter), Esc: keep"), reason
        )
