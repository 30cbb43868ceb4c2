"""Metres left on a pick list's route, for the picker's progress line (screen and headless).

The picker stands at the last location picked (the depot before the first) and walks the open
tasks in route order, then back to the depot. `RouteMap` reads the warehouse layout and the pick
points of a list's locations once; `metres_left` is then pure and cheap per prompt. A task at a
location the map does not know (a short re-allocated elsewhere) asks for a new map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from wms_terminal.core.db import Database
from wms_terminal.picking.layout import DEPOT, Layout, LayoutError, PickPoint, Stop
from wms_terminal.picking.views import PickListView

_POINTS = text("SELECT id, aisle, bay FROM location WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_LAYOUT = text("SELECT layout FROM warehouse WHERE id = :w")


@dataclass(frozen=True)
class RouteMap:
    pick_list_id: int
    layout: Layout | None  # None when the warehouse has no usable layout: no metres shown
    points: Mapping[int, PickPoint]  # location id -> pick point

    def covers(self, pick_list: PickListView) -> bool:
        return pick_list.pick_list_id == self.pick_list_id and all(
            t.location_id in self.points for t in pick_list.tasks
        )

    def metres_left(self, pick_list: PickListView) -> float | None:
        """Metres from the last location picked through the open tasks back to the depot."""
        if self.layout is None:
            return None
        open_tasks = pick_list.open_tasks
        if not open_tasks:
            return 0.0
        first = open_tasks[0].seq
        done = [t for t in pick_list.tasks if t.status != "open" and t.seq < first]
        here: Stop = self.points[max(done, key=lambda t: t.seq).location_id] if done else DEPOT
        total = 0.0
        for task in open_tasks:
            stop = self.points[task.location_id]
            total += self.layout.distance(here, stop)
            here = stop
        return round(total + self.layout.distance(here, DEPOT), 1)


def load_route_map(db: Database, pick_list: PickListView) -> RouteMap:
    ids = sorted({t.location_id for t in pick_list.tasks})
    with db.reading() as s:
        raw = s.execute(_LAYOUT, {"w": pick_list.warehouse_id}).scalar()
        rows = s.execute(_POINTS, {"ids": ids}).all() if ids else []
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw  # SQLite hands back the text
        layout: Layout | None = Layout.from_dict(data, allow_extra=True)
    except (LayoutError, ValueError):
        layout = None
    points = {int(i): PickPoint(int(a), int(b)) for i, a, b in rows}
    return RouteMap(pick_list.pick_list_id, layout, points)
