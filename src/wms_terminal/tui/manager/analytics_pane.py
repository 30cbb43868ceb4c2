"""Manager analytics on the desk (ctrl+g): one report of `reports.analytics` at a time as a table
with a bar chart drawn in the terminal (textual-plotext, imported when the tab first draws a
chart, never at the app's start); n / p the next / previous report, d the period (7, 30 or 90
days up to today). The same figures as `wms-terminal analytics REPORT --csv`."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.reports.analytics import REPORTS, Period, Report, report
from wms_terminal.scanning.text import safe_text
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain

NAMES = tuple(REPORTS)
PERIODS = (30, 90, 7)
LABEL = 20  # characters of a bar's label


class AnalyticsTable(DataTable[Any]):
    BINDINGS = [
        Binding("n", "analytics(1)", "Next report", id="analytics-next"),
        Binding("p", "analytics(-1)", "Previous report", id="analytics-previous"),
        Binding("d", "analytics(0)", "Period", id="analytics-period"),
    ]

    def action_analytics(self, step: int) -> None:
        pane = self.screen.query_one(AnalyticsPane)
        if step:
            pane.turn(step)
        else:
            pane.next_period()


class AnalyticsPane(Vertical, DeskPane):
    SAY = "an-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.name_index = 0
        self.days = PERIODS[0]
        self.shown: Report | None = None
        self.plot: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Static("n / p: next / previous report · d: period", id="an-say")
        yield AnalyticsTable(id="an-table", cursor_type="row", zebra_stripes=True)
        yield Vertical(id="an-chart")

    @property
    def report_name(self) -> str:
        return NAMES[self.name_index]

    def turn(self, step: int) -> None:
        self.name_index = (self.name_index + step) % len(NAMES)
        self.reload()

    def next_period(self) -> None:
        self.days = PERIODS[(PERIODS.index(self.days) + 1) % len(PERIODS)]
        self.reload()

    def reload(self) -> None:
        name, days = self.report_name, self.days

        def read() -> Report:
            from datetime import UTC, datetime, timedelta

            today = datetime.now(UTC).date()
            period = Period.days(today - timedelta(days=days - 1), today)
            with self.db.reading() as session:
                return report(session, name, period)

        submit(self, read, self._show, what="read the figures", failed=self.failed)

    def _show(self, found: Report) -> None:
        self.shown = found
        table = self.query_one(AnalyticsTable)
        table.clear(columns=True)
        table.add_columns(*(c.replace("_", " ") for c in found.columns))
        for row in found.rows:
            table.add_row(*(plain("-" if v is None else str(v), limit=40) for v in row))
        self._chart(found)
        rows = f"{len(found.rows)} rows" if found.rows else "nothing in this period"
        self.say(
            f"{found.title} · last {self.days} days · {rows} · n / p: report · d: period · "
            f"CSV: wms-terminal analytics {found.name} --csv"
        )

    def _chart(self, found: Report) -> None:
        from textual_plotext import PlotextPlot

        if self.plot is None:
            self.plot = PlotextPlot(id="an-plot")
            self.query_one("#an-chart", Vertical).mount(self.plot)
        assert isinstance(self.plot, PlotextPlot)
        plt = self.plot.plt
        plt.clear_data()
        plt.clear_figure()
        if found.chart:
            # Labels come from data (user names, reasons): made safe, kept short.
            labels = [safe_text(label, limit=LABEL) for label, _ in found.chart]
            plt.bar(labels, [value for _, value in found.chart])
        plt.title(found.chart_title)
        self.plot.refresh()
