"""Stock health on the manager's desk (F12): the stockout and overstock warnings of the latest
forecast (`forecast.health`), stockouts first; f cycles all / stockout / overstock / no demand,
r runs the forecast now (`forecast.run`: new reorder points, purchase orders due, the e-mails)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.forecast import health
from wms_terminal.forecast.health import HealthWarning
from wms_terminal.tui.supervisor.work import DeskPane, submit

if TYPE_CHECKING:
    from wms_terminal.forecast.run import ForecastRun
from wms_terminal.tui.text import plain

FILTERS: tuple[str | None, ...] = (None, *health.KINDS)
STYLE = {health.STOCKOUT: "bold red", health.OVERSTOCK: "yellow", health.NO_DEMAND: "dim"}


class StockTable(DataTable[Any]):
    BINDINGS = [
        Binding("f", "stock('filter')", "Filter", id="stock-filter"),
        Binding("r", "stock('run')", "Run forecast", id="stock-run"),
    ]

    def action_stock(self, what: str) -> None:
        pane = self.screen.query_one(StockPane)
        if what == "run":
            pane.run_forecast()
        else:
            pane.next_filter()


class StockPane(Vertical, DeskPane):
    SAY = "stock-say"
    ACT = "run the forecast"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.kind: str | None = None
        self.rows: list[HealthWarning] = []
        self.ran = ""  # what the last forecast run from this desk did

    def compose(self) -> ComposeResult:
        yield Static("f: filter · r: run the forecast now", id="stock-say")
        yield StockTable(id="stock-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(StockTable).add_columns(
            "Warning", "WH", "SKU", "Product", "Free", "Per day", "Cover d", "Lead d", "ROP", "Due"
        )

    def reload(self) -> None:
        def read() -> list[HealthWarning]:
            with self.db.reading() as session:
                return health.stock_health(session)

        submit(self, read, self._show, what="read stock health", failed=self.failed)

    def next_filter(self) -> None:
        self.kind = FILTERS[(FILTERS.index(self.kind) + 1) % len(FILTERS)]
        self._show(self.rows)

    def run_forecast(self) -> None:
        from wms_terminal.forecast.run import run_forecast

        def done(run: ForecastRun) -> None:
            self.ran = (
                f"Forecast of {run.series} series: {run.changed} reorder points changed, "
                f"{len(run.raised)} purchase orders raised, {run.notices} e-mails queued"
            )
            self.reload()

        self.say("Forecasting every product in every warehouse…")
        submit(
            self, lambda: run_forecast(self.db, self.actor), done, what=self.ACT, failed=self.failed
        )

    def _show(self, rows: list[HealthWarning]) -> None:
        self.rows = rows
        shown = [w for w in rows if self.kind is None or w.kind == self.kind]
        table = self.query_one(StockTable)
        table.clear()
        for w in shown:
            table.add_row(
                plain(w.kind, style=STYLE.get(w.kind, "")),
                plain(w.warehouse, limit=10),
                plain(w.sku, limit=24),
                plain(w.name, limit=40),
                str(w.free),
                f"{w.daily:.2f}",
                "-" if w.cover_days is None else f"{w.cover_days:.1f}",
                str(w.lead_time_days),
                str(w.reorder_point),
                str(w.on_order) if w.on_order else "",
            )
        counts = {k: sum(1 for w in rows if w.kind == k) for k in health.KINDS}
        head = " · ".join(f"{n} {k}" for k, n in counts.items())
        showing = f"showing {self.kind}" if self.kind else "showing all"
        if not rows:
            head = "no warnings (r: run the forecast)"
        self.say(
            " · ".join(x for x in (self.ran, head, showing, "f: filter · r: run the forecast") if x)
        )
