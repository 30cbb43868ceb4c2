"""The supervisor's desk: tabs switched by F-keys, each pane reading through services in workers.

F1 order pool and wave preview · F3 floor map · F4 live progress · F6 waves and pick lists ·
ctrl+o orders at the pack stations (free one a station or a packer left) · F11 returns (customer
service: look-ups, opening a return; with the handle_returns permission) · F5 preview (or
reload the waves) · ctrl+r release the previewed wave · F2 log out. The tab labels name their
keys; the footer keeps to the actions.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static, TabbedContent, TabPane

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.picking.wave_map import preview_map
from wms_terminal.scanning.scan import Scan
from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.supervisor.map_pane import MapPane
from wms_terminal.tui.supervisor.packing_pane import PackingPane
from wms_terminal.tui.supervisor.pool import PoolPane
from wms_terminal.tui.supervisor.progress_pane import ProgressPane
from wms_terminal.tui.supervisor.returns_pane import ReturnsPane
from wms_terminal.tui.supervisor.waves_pane import WavesPane
from wms_terminal.tui.text import plain
from wms_terminal.tui.widgets.commands import is_logout

DESK_CSS = """
SupervisorScreen { layout: vertical; overflow: hidden hidden; }
SupervisorScreen > TabbedContent { height: 1fr; }
SupervisorScreen.-narrow Tab { padding: 0 0 0 1; }
SupervisorScreen ContentSwitcher { height: 1fr; }
SupervisorScreen TabPane { height: 1fr; padding: 0; }
SupervisorScreen #message, SupervisorScreen #status { height: auto; max-height: 2; padding: 0 1; }
SupervisorScreen #message { min-height: 0; }
.desk-who { height: 1; text-style: bold; padding: 0 1; }
#filters { width: 34; padding: 0 1 0 0; }
.filter { height: 1; margin-bottom: 1; }
.filter > Label { width: 11; }
.filter > Input, .filter > Select { width: 1fr; }
.filter-help { height: auto; }
#preview { width: 1fr; }
#summary { height: auto; padding: 0 1; }
#summary.error, #waves-say.error { color: $error; }
#pool-orders { height: 1fr; }
#map-side { width: 26; }
#map-lists { height: 1fr; }
#live-counts { padding: 0 1; height: auto; }
#live-shorts, #live-alerts { height: 1fr; border-top: solid $primary-darken-2; }
#waves-table { height: 1fr; }
#wave-lists { height: 1fr; border-top: solid $primary-darken-2; }
#rd-table { height: 1fr; }
#pk-table { height: 1fr; }
#pk-say { height: auto; padding: 0 1; }
#pk-say.error { color: $error; }
#rd-head { height: auto; padding: 0 1; }
#rd-form { height: auto; }
#rd-lines { width: 2fr; }
#rd-reason, #rd-how { width: 1fr; }
#rd-say { height: auto; min-height: 1; padding: 0 1; }
#rd-say.error { color: $error; }
.dialog { width: 60; max-width: 100%; height: auto; border: thick $accent; padding: 1 2;
          background: $panel; }
Confirm, Ask { align: center middle; }
.dialog-keys { color: $text-muted; margin-top: 1; }
"""


class SupervisorScreen(ModeScreen):
    DEFAULT_CSS = DESK_CSS
    ROLE_TITLE = "Supervisor"
    BINDINGS = [
        Binding("f1", "tab('pool')", "Pool", id="desk-pool"),
        Binding("f3", "tab('map')", "Map", id="desk-map", show=False),
        Binding("f4", "tab('live')", "Progress", id="desk-live", show=False),
        Binding("f6", "tab('waves')", "Waves", id="desk-waves", show=False),
        Binding("ctrl+o", "tab('packing')", "Packing", id="desk-packing", show=False),
        Binding("f11", "tab('returns')", "Returns", id="desk-returns", show=False),
        Binding("f5", "refresh", "Preview/reload", id="desk-refresh"),
        Binding("ctrl+r", "release", "Release", id="desk-release"),
        Binding("f2", "logout", "Log out", id="desk-logout"),
    ]

    def __init__(self, db: Database, actor: Actor, *, role: str | None = None) -> None:
        super().__init__(db, actor, role=role)
        self._tab_labels: dict[str, str] = {}  # pane id -> its label with the key
        self._focus_wanted: str | None = None  # a tab switched to by key, its field not focused

    def compose(self) -> ComposeResult:
        yield Static(plain(self._who(), limit=80), classes="desk-who", id="desk-who")
        with TabbedContent(initial="pool"):
            with TabPane("Pool F1", id="pool"):
                yield PoolPane(self.db, self.actor, id="pool-pane")
            with TabPane("Map F3", id="map"):
                yield MapPane(id="map-pane")
            with TabPane("Progress F4", id="live"):
                yield ProgressPane(self.db, self.actor, id="live-pane")
            with TabPane("Waves F6", id="waves"):
                yield WavesPane(self.db, self.actor, id="waves-pane")
            yield from self.extra_panes()
            if self.actor.can("handle_returns"):
                with TabPane("Returns F11", id="returns"):
                    yield ReturnsPane(self.db, self.actor, id="returns-pane")
            with TabPane("Packing ^O", id="packing"):
                yield PackingPane(self.db, self.actor, id="packing-pane")
        yield Static("", id="message")
        yield Static("", id="status")
        yield Footer()

    def extra_panes(self) -> ComposeResult:
        """More tabs (the manager's desk adds users, inbox and receiving)."""
        yield from ()

    def action_tab(self, tab: str) -> None:
        self._focus_wanted = tab  # until its field has the focus (see on_descendant_blur)
        self.query_one(TabbedContent).active = tab
        self.call_after_refresh(self._focus_tab, tab)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_tabs(event.size.width)

    def _fit_tabs(self, width: int) -> None:
        """Every tab whole on one line, the first of these that fits: the labels with their keys
        ("Pool F1") a space either side; with one space between them; the names alone ("Pool":
        the keys still work, docs/desk.md lists them) a space either side; with one between.
        (Past that Textual scrolls the bar to the active tab.) Tested at 80 and 100 columns."""
        tabs = self.query_one(TabbedContent)
        panes = [p.id for p in tabs.query(TabPane) if p.id]
        if not self._tab_labels:
            self._tab_labels = {p: tabs.get_tab(p).label_text for p in panes}
        keyed = [self._tab_labels[p] for p in panes]
        names = [label.rsplit(" ", 1)[0] for label in keyed]
        choices = [(keyed, 2), (keyed, 1), (names, 2), (names, 1)]
        labels, pad = next(
            ((ls, pad) for ls, pad in choices if sum(map(len, ls)) + pad * len(ls) <= width),
            choices[-1],
        )
        self.set_class(pad == 1, "-narrow")
        for pane, label in zip(panes, labels, strict=True):
            tabs.get_tab(pane).label = label
        who = self._who()
        if labels is names:  # the keys, in the tabs' order, on the line above them
            who += " · tabs " + " ".join(label.rsplit(" ", 1)[-1] for label in keyed)
        self.query_one("#desk-who", Static).update(plain(who, limit=200))

    def _who(self) -> str:
        return f"{self.ROLE_TITLE} · {self.actor.username} · {self.actor.terminal}"

    def _focus_tab(self, tab: str) -> None:
        """The tab's first field gets the focus, so its keys work at once."""
        if self.query_one(TabbedContent).active != tab:
            return  # another tab was chosen meanwhile
        pane = self.query_one(f"TabPane#{tab}", TabPane)
        focused = self.focused
        if focused is None or pane not in focused.ancestors_with_self:
            for widget in pane.query("*"):
                if widget.focusable:
                    widget.focus()
                    return

    def on_descendant_blur(self) -> None:
        # The field left behind on a hidden tab gives up the focus when its Hide event comes,
        # which may be after the new tab's field took it: the focus then goes to nothing or to
        # the tab bar, and the tab's keys do nothing (seen after F7). So after a blur: no focus,
        # or a tab just switched to by key whose field has not got it, gets that field.
        self.call_after_refresh(self._refocus)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        wanted = self._focus_wanted
        if wanted and any(node.id == wanted for node in event.widget.ancestors_with_self):
            self._focus_wanted = None  # the switch is done: the user moves the focus freely

    def _refocus(self) -> None:
        if not self.is_current:
            return
        active = self.query_one(TabbedContent).active
        if self.focused is None or self._focus_wanted == active:
            self._focus_tab(active)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "waves":
            self.query_one(WavesPane).reload()
        elif event.pane.id == "live":
            self.query_one(ProgressPane).refresh_now()
        elif event.pane.id == "packing":
            self.query_one(PackingPane).reload()

    def action_refresh(self) -> None:
        active = self.query_one(TabbedContent).active
        if active == "waves":
            self.query_one(WavesPane).reload()
        elif active == "live":
            self.query_one(ProgressPane).refresh_now()
        elif active == "packing":
            self.query_one(PackingPane).reload()
        else:
            self.query_one(PoolPane).run_preview()

    def handle_scan(self, scan: Scan) -> None:
        """A scan from a camera or the browser: CMD-LOGOUT signs out; the desk takes no other."""
        if is_logout(scan):
            self.action_logout()
            return
        super().handle_scan(scan)

    def action_release(self) -> None:
        self.query_one(PoolPane).run_release()

    def on_pool_pane_previewed(self, event: PoolPane.Previewed) -> None:
        self.query_one(MapPane).show(preview_map(event.preview) if event.preview else None)

    def on_waves_pane_mapped(self, event: WavesPane.Mapped) -> None:
        self.query_one(MapPane).show(event.view)
        self.action_tab("map")

    def on_pool_pane_released(self, event: PoolPane.Released) -> None:
        self.query_one(WavesPane).reload()
