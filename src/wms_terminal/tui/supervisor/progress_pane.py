"""Live progress, read again every REFRESH_S seconds while the desk is shown (polling): waves and
lists by status, lines per hour per picker with a sparkline of the last hours, short picks, open
replenishment, put-away and count tasks, stock alerts and purchase orders raised. Only while the
tab is in view: a desk looking at another tab reads nothing. One warehouse at a time: the user's
home warehouse first, another chosen in the selector at the top (with several)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Select, Sparkline, Static, TabbedContent

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.picking.progress import (
    HOURS,
    DeskWarehouses,
    FloorProgress,
    PickerRate,
    desk_warehouses,
    floor_progress,
)
from wms_terminal.tui.supervisor.work import submit
from wms_terminal.tui.text import lines, plain

REFRESH_S = 1.5


def _by_status(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


class PickerRow(Horizontal):
    DEFAULT_CSS = """
    PickerRow { height: 1; }
    PickerRow > Static { width: 22; }
    PickerRow > Sparkline { width: 1fr; height: 1; }
    """

    def __init__(self, rate: PickerRate) -> None:
        super().__init__()
        self.rate = rate

    def compose(self) -> ComposeResult:
        yield Static(self._label(self.rate))
        yield Sparkline(list(map(float, self.rate.hourly)))

    @staticmethod
    def _label(rate: PickerRate) -> Text:
        return plain(f"{rate.username[:14]:<14} {rate.last_hour:>4}/h", limit=22)

    def update(self, rate: PickerRate) -> None:
        self.rate = rate
        for label in self.query(Static).results(Static):  # none yet while being mounted
            label.update(self._label(rate))
        for line in self.query(Sparkline).results(Sparkline):
            line.data = list(map(float, rate.hourly))


class ProgressPane(Grid):
    DEFAULT_CSS = """
    ProgressPane { grid-size: 2 2; grid-rows: auto 1fr; }
    ProgressPane > #live-pickers { height: auto; max-height: 12; }
    ProgressPane #live-head { height: auto; }
    ProgressPane #live-where { height: 1; padding: 0 1; }
    ProgressPane #live-where > Label { width: 11; }
    ProgressPane #live-warehouse { width: 1fr; }
    """

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.warehouses: DeskWarehouses | None = None  # read with the first figures
        self.progress: FloorProgress | None = None
        self.reading = False  # a read is queued: the next tick waits for it

    def compose(self) -> ComposeResult:
        with Vertical(id="live-head"):
            with Horizontal(id="live-where"):
                yield Label("Warehouse")
                yield Select[str](
                    [], prompt="…", allow_blank=True, compact=True, id="live-warehouse"
                )
            yield Static(Text("reading the floor…", style="dim"), id="live-counts")
        yield VerticalScroll(Static(f"Lines per hour (last {HOURS} h)"), id="live-pickers")
        yield DataTable(id="live-shorts", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="live-alerts", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#live-shorts", DataTable).add_columns(
            "List", "SKU", "Location", "Qty", "Got", "What", "Picker"
        )
        shorts = self.query_one("#live-shorts", DataTable)
        shorts.border_title = "Short, damaged, empty"
        alerts = self.query_one("#live-alerts", DataTable)
        alerts.add_columns("SKU / PO", "Free / units", "Note")
        alerts.border_title = "Stock alerts · purchase orders"
        self.refresh_now()
        self.set_interval(REFRESH_S, self.refresh_now)

    def refresh_now(self) -> None:
        """Read the floor again while the tab is in view (a desk elsewhere reads nothing)."""
        tabs = self.screen.query(TabbedContent).results(TabbedContent)
        shown = all(t.active == "live" for t in tabs)
        if self.reading or not self.screen.is_current or not shown:
            return
        self.reading = True
        chosen = self.query_one("#live-warehouse", Select).value
        code = chosen if isinstance(chosen, str) else None
        clock = getattr(self.app, "wall_clock", None)  # fixed in snapshot tests
        submit(
            self,
            lambda: self._read(code, clock() if clock else None),
            self._shown,
            what="read the floor",
            failed=self._failed,
        )

    def _read(
        self, code: str | None, now: datetime | None
    ) -> tuple[DeskWarehouses, str, FloorProgress]:
        """In the worker: the warehouses (once), then the figures of the chosen one."""
        warehouses = self.warehouses or desk_warehouses(self.db, self.actor.user_id)
        code = code if code in warehouses.ids else warehouses.first
        wid = warehouses.ids.get(code)
        return warehouses, code, floor_progress(self.db, warehouse_id=wid, now=now)

    def _shown(self, read: tuple[DeskWarehouses, str, FloorProgress]) -> None:
        warehouses, code, progress = read
        select = self.query_one("#live-warehouse", Select)
        if self.warehouses is None:
            self.warehouses = warehouses
            with self.prevent(Select.Changed):
                select.set_options([(plain(c, limit=20), c) for c in warehouses.ids])
                if code:
                    select.value = code
        elif isinstance(select.value, str) and select.value != code:
            self.reading = False  # another was chosen meanwhile: read that one instead
            self.refresh_now()
            return
        self.show(progress)

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another warehouse chosen: its figures now, not at the next tick."""
        event.stop()
        if self.warehouses is not None and isinstance(event.value, str):
            self.progress = None
            self.query_one("#live-counts", Static).update(Text("reading…", style="dim"))
            self.refresh_now()

    def _failed(self, message: str) -> None:
        self.reading = False
        self.query_one("#live-counts", Static).update(plain(message, style="bold red"))

    def show(self, p: FloorProgress) -> None:
        self.reading = False
        self.progress = p
        counts = [
            f"Waves: {_by_status(p.waves)}",
            f"Pick lists: {_by_status(p.lists)}",
            f"Open replenishments {p.open_replenishments}, put-aways {p.open_putaways}, "
            f"counts {p.open_counts}",
            f"Purchase orders open {p.live_purchase_orders}; stock alerts {len(p.alerts)}",
            f"Read {p.read_at:%H:%M:%S} UTC",
        ]
        self.query_one("#live-counts", Static).update(lines(*counts))
        box = self.query_one("#live-pickers", VerticalScroll)
        rows = {r.rate.username: r for r in box.query(PickerRow)}
        for rate in p.pickers:
            if rate.username in rows:
                rows.pop(rate.username).update(rate)
            else:
                box.mount(PickerRow(rate))
        for gone in rows.values():
            gone.remove()
        shorts = self.query_one("#live-shorts", DataTable)
        shorts.clear()
        for s in p.shorts:
            shorts.add_row(
                str(s.pick_list_id),
                plain(s.sku, limit=20),
                plain(s.location, limit=16),
                str(s.qty),
                str(s.picked),
                plain(s.status, limit=12),
                plain(s.picker, limit=16),
            )
        alerts = self.query_one("#live-alerts", DataTable)
        alerts.clear()
        for a in p.alerts:
            alerts.add_row(
                plain(a.sku, limit=20), str(a.free), plain(f"reorder at {a.reorder_point}")
            )
        for po in p.purchase_orders:
            alerts.add_row(
                plain(po.number, limit=20),
                str(po.units),
                plain(f"{po.status.replace('_', ' ')}: {po.reason}", limit=60),
            )
