"""The floor map widget: `picking.floor_map` drawn in the space the widget has, styled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from wms_terminal.picking import floor_map as fm
from wms_terminal.picking.layout import Layout, PickPoint

_STYLES = {
    fm.SHADES[0]: "yellow",
    fm.SHADES[1]: "dark_orange",
    fm.SHADES[2]: "red",
    fm.SHADES[3]: "bold red",
    fm.EMPTY_RACK: "grey42",
    fm.CROSS: "grey42",
    fm.PATH: "bold cyan",
    fm.STOP: "bold bright_cyan",
    fm.DEPOT_MARK: "bold green",
}


class FloorMap(Widget):
    """Aisles and bays shaded by the picks of a wave; the route of one list on top."""

    DEFAULT_CSS = "FloorMap { height: 1fr; width: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_: Layout | None = None
        self.picks: Counter[PickPoint] = Counter()
        self.route: tuple[PickPoint, ...] = ()
        self.grid: fm.MapGrid | None = None

    def show(
        self, layout: Layout | None, picks: Sequence[PickPoint], route: Sequence[PickPoint] = ()
    ) -> None:
        self.layout_, self.picks, self.route = layout, fm.heat(picks), tuple(route)
        self.refresh()

    def show_route(self, route: Sequence[PickPoint]) -> None:
        self.route = tuple(route)
        self.refresh()

    def render(self) -> Text:
        if self.layout_ is None:
            self.grid = None
            return Text("No preview yet: set the filters and press F5", style="dim")
        width, height = self.size.width, self.size.height
        self.grid = fm.draw(self.layout_, self.picks, width=width, height=height, route=self.route)
        out = Text(no_wrap=True, overflow="crop")
        for n, line in enumerate(self.grid.lines):
            if n:
                out.append("\n")
            if n == 0:
                out.append(line, style="bold")
                continue
            for ch in line:
                out.append(ch, style=_STYLES.get(ch, ""))
        return out
