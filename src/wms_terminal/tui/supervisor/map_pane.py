"""The floor map of a wave (the preview, or a released wave's open picks: m on the Waves tab) and
its pick lists; the highlighted list's route is drawn."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wms_terminal.picking.wave_map import MapView
from wms_terminal.tui.supervisor.floor_map import FloorMap
from wms_terminal.tui.text import lines, plain


class MapPane(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: MapView | None = None

    def compose(self) -> ComposeResult:
        yield FloorMap(id="floor-map")
        with Vertical(id="map-side"):
            yield Static("", id="map-title")
            yield Static(
                lines("░▒▓█ picks per bay", "● stop  • route  D depot", "↑↓ a list: its route"),
                id="map-legend",
            )
            yield DataTable(id="map-lists", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#map-lists", DataTable).add_columns("List", "Picks", "Metres")

    def show(self, view: MapView | None) -> None:
        self.view = view
        table = self.query_one("#map-lists", DataTable)
        table.clear()
        fmap = self.query_one(FloorMap)
        self.query_one("#map-title", Static).update(plain(view.title if view else "", limit=60))
        if view is None:
            fmap.show(None, ())
            return
        for n, ml in enumerate(view.lists):
            table.add_row(
                plain(ml.label, limit=10), str(len(ml.points)), f"{ml.route_m:,.0f}", key=str(n)
            )
        first = view.lists[0].points if view.lists else ()
        fmap.show(view.layout, view.points, first)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.view is None or event.row_key.value is None:
            return
        self.query_one(FloorMap).show_route(self.view.lists[int(event.row_key.value)].points)
