"""The notification inbox: purchase orders raised and every other notice, newest first, with their
delivery state; f shows only the failed ones, t sends a failed one again (`notices.outbox`)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.notices import outbox
from wms_terminal.notices.outbox import NoticeView
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import lines, plain

# no_address: nobody has an e-mail address yet (not a failure; sent again by `t`).
_STYLES = {"failed": "bold red", "no_address": "yellow"}


class InboxTable(DataTable[Any]):
    BINDINGS = [
        Binding("t", "inbox('retry')", "Send again", id="inbox-retry"),
        Binding("f", "inbox('failed')", "Failed only / all", id="inbox-failed"),
    ]

    def action_inbox(self, what: str) -> None:
        pane = self.screen.query_one(InboxPane)
        if what == "retry":
            pane.retry()
        else:
            pane.toggle_failed()


class InboxPane(Vertical, DeskPane):
    SAY = "inbox-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.failed_only = False
        self.rows: list[NoticeView] = []

    def compose(self) -> ComposeResult:
        yield Static("t: send a failed notice again · f: failed only / all", id="inbox-say")
        yield InboxTable(id="inbox-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="inbox-body")

    def on_mount(self) -> None:
        self.query_one(InboxTable).add_columns("#", "Kind", "Status", "Tries", "When", "Subject")

    def reload(self) -> None:
        submit(
            self,
            lambda: outbox.list_notices(self.db, failed_only=self.failed_only, limit=200),
            self._show,
            what="read the inbox",
            failed=self.failed,
        )

    def toggle_failed(self) -> None:
        self.failed_only = not self.failed_only
        self.reload()

    def _show(self, rows: list[NoticeView]) -> None:
        self.rows = rows
        table = self.query_one(InboxTable)
        keep = table.cursor_row
        table.clear()
        for n in rows:
            when = n.sent_at or n.created_at
            table.add_row(
                str(n.id),
                plain(n.kind.replace("_", " "), limit=20),
                plain(n.status, style=_STYLES.get(n.status, "")),
                str(n.attempts),
                f"{when:%m-%d %H:%M}",
                plain(n.subject, limit=120),
                key=str(n.id),
            )
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        self._detail()
        shown = "failed notices" if self.failed_only else "notices"
        self.say(
            f"{len(rows)} {shown} · t: send a failed or no_address one again · f: failed only / all"
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _selected(self) -> NoticeView | None:
        row = self.query_one(InboxTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def _detail(self) -> None:
        n = self._selected()
        box = self.query_one("#inbox-body", Static)
        if n is None:
            box.update("")
            return
        rows = [n.subject, n.body]
        if n.last_error:
            rows.append(f"last error: {n.last_error}")
        box.update(lines(*rows, limit=400))

    def retry(self) -> None:
        n = self._selected()
        if n is None:
            return
        submit(
            self,
            lambda: outbox.retry(self.db, self.actor, n.id),
            self._retried,
            what="send a notice again",
            failed=self.failed,
        )

    def _retried(self, notice: NoticeView) -> None:
        self.say(f"Notice {notice.id} queued to be sent again")
        self.reload()
