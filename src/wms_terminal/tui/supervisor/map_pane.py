"""The floor map of the previewed wave and its pick lists; the highlighted list's route is drawn."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wms_terminal.picking.wave_pool import Preview
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.text import lines


class MapPane(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preview: Preview | None = None

    def compose(self) -> ComposeResult:
        yield FloorMap(id="floor-map")
        with Vertical(id="map-side"):
            yield Static("", id="map-legend")
            yield DataTable(id="map-lists", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#map-lists", DataTable).add_columns("List", "Picks", "Metres")
        self.query_one("#map-legend", Static).update(
            lines("░▒▓█ picks per bay", "● stop  • route  D depot", "↑↓ a list: its route")
        )

    def show(self, preview: Preview | None) -> None:
        self.preview = preview
        table = self.query_one("#map-lists", DataTable)
        table.clear()
        fmap = self.query_one(FloorMap)
        if preview is None:
            fmap.show(None, ())
            return
        for n, rl in enumerate(preview.plan.lists, start=1):
            table.add_row(str(n), str(len(rl.picks)), f"{rl.route_length_m:,.0f}", key=str(n - 1))
        first = preview.points(0) if preview.plan.lists else []
        fmap.show(preview.layout, preview.points(), first)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.preview is None or event.row_key.value is None:
            return
        index = int(event.row_key.value)
        self.query_one(FloorMap).show_route(self.preview.points(index))
