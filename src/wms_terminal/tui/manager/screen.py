"""The manager's desk: the supervisor's tabs, plus users (F7), the notification inbox (F8, with
the orders waiting for a manager's approval over a credit limit above it), receiving of purchase
orders (F9), stock health from the demand forecast (F12) and analytics (ctrl+g: tables and
charts); returns (F11) come from the supervisor's desk. Scans (the
desk's wedge, a camera) go to receiving."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane

from wms_terminal.scanning.scan import Scan
from wms_terminal.tui.manager.analytics_pane import AnalyticsPane
from wms_terminal.tui.manager.approvals_pane import ApprovalsPane
from wms_terminal.tui.manager.inbox_pane import InboxPane
from wms_terminal.tui.manager.receiving_pane import ReceivingPane
from wms_terminal.tui.manager.stock_pane import StockPane
from wms_terminal.tui.manager.users_pane import UsersPane
from wms_terminal.tui.supervisor.screen import SupervisorScreen
from wms_terminal.tui.widgets.commands import is_logout

MANAGER_CSS = """
#users-table, #inbox-table, #stock-table { height: 1fr; }
#an-table { height: 1fr; }
#an-chart { height: 1fr; border-top: solid $primary-darken-2; }
#approvals-table { height: auto; max-height: 8; }
#approvals-say { height: auto; padding: 0 1; }
#inbox-body { height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-darken-2; }
#po-tables { height: 1fr; }
#po-table { width: 1fr; }
#po-lines { width: 1fr; border-left: solid $primary-darken-2; }
#receive-prompt { padding: 0 1; text-style: bold; }
#receive-say { height: auto; min-height: 1; padding: 0 1; }
#users-say.error, #inbox-say.error, #receive-say.error, #stock-say.error,
#an-say.error, #approvals-say.error { color: $error; }
"""

PANES: dict[str, type[UsersPane | InboxPane | ReceivingPane | StockPane | AnalyticsPane]] = {
    "users": UsersPane,
    "inbox": InboxPane,
    "receiving": ReceivingPane,
    "stock": StockPane,
    "analytics": AnalyticsPane,
}


class ManagerScreen(SupervisorScreen):
    DEFAULT_CSS = SupervisorScreen.DEFAULT_CSS + MANAGER_CSS
    ROLE_TITLE = "Manager"
    BINDINGS = [
        Binding("f7", "tab('users')", "Users", id="desk-users", show=False),
        Binding("f8", "tab('inbox')", "Inbox", id="desk-inbox", show=False),
        Binding("f9", "tab('receiving')", "Receiving", id="desk-receiving", show=False),
        Binding("f12", "tab('stock')", "Stock", id="desk-stock", show=False),
        Binding("ctrl+g", "tab('analytics')", "Analytics", id="desk-analytics", show=False),
    ]

    def extra_panes(self) -> ComposeResult:
        with TabPane("Users F7", id="users"):
            yield UsersPane(self.db, self.actor, id="users-pane")
        with TabPane("Inbox F8", id="inbox"):
            yield ApprovalsPane(self.db, self.actor, id="approvals-pane")
            yield InboxPane(self.db, self.actor, id="inbox-pane")
        with TabPane("Receiving F9", id="receiving"):
            yield ReceivingPane(self.db, self.actor, id="receiving-pane")
        with TabPane("Stock F12", id="stock"):
            yield StockPane(self.db, self.actor, id="stock-pane")
        with TabPane("Analytics ^G", id="analytics"):
            yield AnalyticsPane(self.db, self.actor, id="analytics-pane")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        super().on_tabbed_content_tab_activated(event)
        pane = PANES.get(event.pane.id or "")
        if pane is not None:
            self.query_one(pane).reload()
        if event.pane.id == "inbox":
            self.query_one(ApprovalsPane).reload()

    def action_refresh(self) -> None:
        active = self.query_one(TabbedContent).active
        if active in PANES:
            self.query_one(PANES[active]).reload()
            if active == "inbox":
                self.query_one(ApprovalsPane).reload()
        else:
            super().action_refresh()

    def handle_scan(self, scan: Scan) -> None:
        """A scan from the desk's wedge or camera: CMD-LOGOUT signs out, anything else is for
        receiving (the only tab that takes scans)."""
        if is_logout(scan):
            self.action_logout()
            return
        tabs = self.query_one(TabbedContent)
        if tabs.active != "receiving":
            tabs.active = "receiving"
        self.query_one(ReceivingPane).scan(scan)
